import { ObjectId } from 'mongodb';

import { badInput } from '../errors.js';
import type { PageRequest } from '../tenancy/models.js';

/** What a cursor points into; a cursor of one list is refused by another. */
export type CursorKind = 'member' | 'project' | 'task' | 'tenant';

const PREFIX = 'tg1';

/** An opaque cursor after the document with this id. */
export function encodeCursor(kind: CursorKind, id: ObjectId): string {
  return Buffer.from(`${PREFIX}:${kind}:${id.toHexString()}`).toString('base64url');
}

/** Decodes a cursor this server issued for this kind of list; anything else is BAD_USER_INPUT. */
export function decodeCursor(kind: CursorKind, cursor: string): ObjectId {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString()
    : '';
  const [prefix, cursorKind, id] = text.split(':');
  if (prefix !== PREFIX || cursorKind !== kind || !/^[0-9a-f]{24}$/.test(id ?? '')) {
    throw badInput(
      'after',
      '"after" is not a cursor of this list; pass an endCursor this API returned.',
    );
  }
  return new ObjectId(id);
}

/** Validates `first` (1 to 100) and `after` into a page request. */
export function pageRequest(
  kind: CursorKind,
  requestedFirst: number | null | undefined,
  after: string | null | undefined,
): PageRequest {
  // Omitted, `first` is 20 (the schema default); an explicit null is no count at all.
  const first = requestedFirst === undefined ? 20 : requestedFirst;
  if (first === null || !Number.isInteger(first) || first < 1 || first > 100) {
    throw badInput('first', '"first" must be a whole number from 1 to 100.');
  }
  return { first, after: after === null || after === undefined ? null : decodeCursor(kind, after) };
}
