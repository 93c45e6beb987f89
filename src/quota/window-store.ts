import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

/** graphql-rate-limit's identity of one caller of one field. */
export interface RateLimitIdentity {
  contextIdentity: string;
  fieldIdentity: string;
}

/**
 * A store for graphql-rate-limit that holds under concurrency. The library reads the caller's
 * timestamps, decides, then writes them back: two calls in between both pass. Here the read
 * itself records the attempt, atomically, and returns only the attempts before it, so the
 * library's count `earlier + this one > max` is exact however many calls race, on one replica
 * or many. The write is then a no-op. `release` takes an attempt back (a login that succeeded
 * is not a failed attempt).
 */
export abstract class AttemptWindowStore {
  constructor(readonly windowMs: number) {}

  /** Records an attempt now; returns the earlier attempts still in the window. */
  abstract getForIdentity(identity: RateLimitIdentity): Promise<number[]>;

  /** The attempt was recorded by getForIdentity already. */
  async setForIdentity(): Promise<void> {}

  /** Forgets the newest attempt of the identity. */
  abstract release(identity: RateLimitIdentity): Promise<void>;

  /** Milliseconds until the oldest attempt in the window leaves it. */
  abstract retryAfterMs(identity: RateLimitIdentity): Promise<number>;

  protected keyOf(identity: RateLimitIdentity): string {
    return `${identity.contextIdentity}|${identity.fieldIdentity}`;
  }
}

/** Attempts kept in this process; identities whose attempts all left the window are forgotten. */
export class MemoryAttemptWindowStore extends AttemptWindowStore {
  private readonly attempts = new Map<string, number[]>();
  private lastSweepMs = Date.now();

  async getForIdentity(identity: RateLimitIdentity): Promise<number[]> {
    const nowMs = Date.now();
    this.sweep(nowMs);
    const key = this.keyOf(identity);
    const earlier = (this.attempts.get(key) ?? []).filter((atMs) => atMs + this.windowMs > nowMs);
    this.attempts.set(key, [...earlier, nowMs]);
    return earlier;
  }

  async release(identity: RateLimitIdentity): Promise<void> {
    const key = this.keyOf(identity);
    const attempts = this.attempts.get(key);
    attempts?.pop();
    if (attempts?.length === 0) this.attempts.delete(key);
  }

  async retryAfterMs(identity: RateLimitIdentity): Promise<number> {
    const oldest = this.attempts.get(this.keyOf(identity))?.[0];
    return oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - Date.now());
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < this.windowMs) return;
    this.lastSweepMs = nowMs;
    for (const [key, attempts] of this.attempts) {
      if (attempts.every((atMs) => atMs + this.windowMs <= nowMs)) this.attempts.delete(key);
    }
  }
}

/** Sorted set per identity, scored by time on Redis's clock: drop expired, list, add, in one script. */
const RECORD = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local earlier = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], window)
return earlier
`;

const RETRY_AFTER = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if not oldest[2] then return 0 end
return math.max(0, tonumber(oldest[2]) + tonumber(ARGV[1]) - now)
`;

type WindowRedis = Redis & {
  windowRecord(key: string, windowMs: number, member: string): Promise<string[]>;
  windowRetryAfter(key: string, windowMs: number): Promise<number>;
};

/** Attempts shared by every replica through Redis. */
export class RedisAttemptWindowStore extends AttemptWindowStore {
  private readonly redis: WindowRedis;

  constructor(
    redis: Redis,
    windowMs: number,
    private readonly prefix = 'tg:attempts:',
  ) {
    super(windowMs);
    redis.defineCommand('windowRecord', { numberOfKeys: 1, lua: RECORD });
    redis.defineCommand('windowRetryAfter', { numberOfKeys: 1, lua: RETRY_AFTER });
    this.redis = redis as WindowRedis;
  }

  async getForIdentity(identity: RateLimitIdentity): Promise<number[]> {
    const reply = await this.redis.windowRecord(
      this.prefix + this.keyOf(identity),
      this.windowMs,
      randomUUID(),
    );
    const times: number[] = [];
    for (let index = 1; index < reply.length; index += 2) times.push(Number(reply[index]));
    return times;
  }

  async release(identity: RateLimitIdentity): Promise<void> {
    await this.redis.zpopmax(this.prefix + this.keyOf(identity));
  }

  async retryAfterMs(identity: RateLimitIdentity): Promise<number> {
    return Number(
      await this.redis.windowRetryAfter(this.prefix + this.keyOf(identity), this.windowMs),
    );
  }
}
