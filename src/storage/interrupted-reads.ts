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
 * Tries at most this many times, pausing 2 ms before the second and twice as long before each
 * next (about 1 s in all). Tried again at once, a read met the interruption again and again while
 * a neighbour's reads were being cut off (a plain query failed all ten tries in 30 of 40 runs of
 * one measurement, 0 to 4 in others); with the pauses it went through in 120 of 120.
 */
export const ATTEMPTS = 10;
const FIRST_PAUSE_MS = 2;

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
    await pause(FIRST_PAUSE_MS * 2 ** (attempt - 1));
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
