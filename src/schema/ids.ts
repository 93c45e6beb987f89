import { ObjectId } from 'mongodb';

import { badInput } from '../errors.js';

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** Parses a client-given id; a malformed one is BAD_USER_INPUT naming the field. */
export function parseId(field: string, id: string): ObjectId {
  if (typeof id !== 'string' || !OBJECT_ID.test(id)) {
    throw badInput(field, `"${field}" is not a valid id.`);
  }
  return new ObjectId(id);
}

/** Parses an optional id; null and undefined stay absent. */
export function parseOptionalId(
  field: string,
  id: string | null | undefined,
): ObjectId | undefined {
  return id === null || id === undefined ? undefined : parseId(field, id);
}
