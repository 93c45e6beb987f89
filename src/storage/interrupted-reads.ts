import { MongoServerError } from 'mongodb';

/** FerretDB's answer to a command its SQLite handler had to stop: InternalError. */
const INTERNAL_ERROR = 1;

/** SQLite's own words for a statement stopped by `sqlite3_interrupt` (SQLITE_INTERRUPT is 9). */
const INTERRUPTED = /\binterrupted \(9\)/;

/**
 * Whether a read failed because FerretDB 1.24's SQLite handler interrupted it. The handler
 * interrupts a query when its command's context ends: its own `maxTimeMS` (answered so instead
 * of MaxTimeMSExpired, 50, when the limit falls mid-query), and, seen under load, any read at
 * all, of any client, just after another command on the same database was cut off: the
 * interruption can land on a pooled SQLite connection after its statement ended and stop the
 * next one. Never seen from MongoDB, whose reads fail with 50 for their own time only.
 */
export function isInterruptedRead(error: unknown): boolean {
  return (
    error instanceof MongoServerError &&
    error.code === INTERNAL_ERROR &&
    INTERRUPTED.test(error.message)
  );
}

/**
 * Tries at most this many times. A statement that meets a leftover interruption fails at once
 * and uses it up, so each try costs little and leaves one connection of the server's pool clean;
 * while a neighbour's reads are being cut off many times a second, several may be needed.
 */
const ATTEMPTS = 10;

/**
 * Runs a read, and again while the server interrupts it. Reads change nothing, so trying again
 * is always safe; `read` must build its options anew, so that a read whose own time is spent
 * fails the next time with its deadline's error (TIMEOUT) instead of starting again.
 */
export async function retryInterrupted<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!isInterruptedRead(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}
