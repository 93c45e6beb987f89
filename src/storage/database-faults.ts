import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';

import { isInterruptedRead } from './interrupted-reads.js';

/** A database the driver could not reach: no server to select, or a connection that failed. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof MongoServerSelectionError || error instanceof MongoNetworkError;
}

/**
 * A database that cannot be reached, or one that kept interrupting a read while the operation
 * still had time (see interrupted-reads.ts; a read whose own time ran out ends in its deadline's
 * error instead): the client should retry shortly.
 */
export function isClusterDown(error: unknown): boolean {
  return isUnreachable(error) || isInterruptedRead(error);
}
