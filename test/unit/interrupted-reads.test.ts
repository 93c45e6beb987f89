import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';

import {
  ATTEMPTS,
  isInterruptedRead,
  retryInterrupted,
} from '../../src/storage/interrupted-reads.js';

/** What FerretDB 1.24 answered when it stopped a SQLite query half-way. */
function interrupted(): MongoServerError {
  return new MongoServerError({
    ok: 0,
    code: 1,
    codeName: 'InternalError',
    errmsg:
      '[msg_find.go:344 handler.handleMaxTimeMSError] [collection.go:94 sqlite.(*collection).Query] interrupted (9)',
  });
}

/** A read that fails with the given errors, in turn, then answers `value`. */
function readFailing(errors: Error[], value = 'documents') {
  let calls = 0;
  const read = async () => {
    calls += 1;
    const error = errors.shift();
    if (error) throw error;
    return value;
  };
  return { read, calls: () => calls };
}

describe('isInterruptedRead', () => {
  it("knows FerretDB's interrupted query and nothing else", () => {
    expect(isInterruptedRead(interrupted())).toBe(true);
    expect(isInterruptedRead(new MongoServerError({ ok: 0, code: 50, errmsg: 'time limit' }))).toBe(
      false,
    );
    expect(isInterruptedRead(new MongoServerError({ ok: 0, code: 1, errmsg: 'other' }))).toBe(
      false,
    );
    expect(isInterruptedRead(new Error('interrupted (9)'))).toBe(false);
  });
});

describe('retryInterrupted', () => {
  it('tries an interrupted read again and answers what the next try read', async () => {
    const reading = readFailing([interrupted(), interrupted()]);

    await expect(retryInterrupted(reading.read)).resolves.toBe('documents');
    expect(reading.calls()).toBe(3);
  });

  it('goes through on the last try, and gives up when that one is interrupted too', async () => {
    const lastTry = readFailing(Array.from({ length: ATTEMPTS - 1 }, interrupted));
    const never = readFailing(Array.from({ length: ATTEMPTS }, interrupted));

    await expect(retryInterrupted(lastTry.read)).resolves.toBe('documents');
    await expect(retryInterrupted(never.read)).rejects.toThrow('interrupted (9)');
    expect(lastTry.calls()).toBe(ATTEMPTS);
    expect(never.calls()).toBe(ATTEMPTS);
  });

  it('never repeats a read that failed otherwise', async () => {
    const reading = readFailing([new MongoServerError({ ok: 0, code: 50, errmsg: 'limit' })]);

    await expect(retryInterrupted(reading.read)).rejects.toThrow('limit');
    expect(reading.calls()).toBe(1);
  });
});
