import { MongoServerError } from 'mongodb';

/** FerretDB's answer to a command its SQLite handler had to stop: InternalError. */
const INTERNAL_ERROR = 1;

/** SQLite's own words for a statement stopped by `sqlite3_interrupt` (SQLITE_INTERRUPT is 9). */
const INTERRUPTED = /\binterrupted \(9\)/;

/**
 * Whether a read failed because FerretDB 1.24's SQLite handler interrupted it. The handler
 * interrupts a query when its command's context ends: its own `maxTimeMS` (answered so instead
 * of MaxTimeMSExpired, 50, when the limit falls mid-query), and, seen under load, a read with no
 * time limit at all, just after another command on the server was cut off. Never seen from
 * MongoDB, whose reads fail with 50 for their own time and not for a neighbour's.
 */
export function isInterruptedRead(error: unknown): boolean {
  return (
    error instanceof MongoServerError &&
    error.code === INTERNAL_ERROR &&
    INTERRUPTED.test(error.message)
  );
}

/**
 * Runs a read, and once more if the server interrupted it. Reads change nothing, so a second try
 * is always safe; `read` must build its options anew, so that a read whose own time is spent
 * fails the second time with its deadline's error (TIMEOUT) instead of starting again.
 */
export async function retryInterrupted<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isInterruptedRead(error)) throw error;
    return read();
  }
}
