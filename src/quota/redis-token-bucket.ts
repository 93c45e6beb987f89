import type { Redis } from 'ioredis';

import type { BucketLimits, BucketStore, BucketTake } from './token-bucket.js';

/**
 * One round trip per take: the script refills, compares and spends in Redis, on Redis's clock
 * (`TIME`), so replicas with skewed clocks still share one exact bucket. Replies are strings
 * because Lua numbers become integers on the way out.
 */
const TAKE = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'p', 't')
local points = capacity
if state[1] then
  points = math.min(capacity, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate / 1000)
end
local ttl = math.ceil(capacity / rate * 1000) + 60000
if cost < 0 then
  points = math.min(capacity, points - cost)
elseif points < cost then
  return {0, tostring(points), tostring(math.ceil((cost - points) * 1000 / rate))}
else
  points = points - cost
end
redis.call('HSET', KEYS[1], 'p', tostring(points), 't', now)
redis.call('PEXPIRE', KEYS[1], ttl)
return {1, tostring(points), '0'}
`;

const PEEK = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'p', 't')
if not state[1] then return tostring(capacity) end
return tostring(math.min(capacity, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate / 1000))
`;

type BucketRedis = Redis & {
  bucketTake(
    key: string,
    capacity: number,
    rate: number,
    cost: number,
  ): Promise<[number, string, string]>;
  bucketPeek(key: string, capacity: number, rate: number): Promise<string>;
};

/** Buckets shared by every replica through Redis. */
export class RedisBucketStore implements BucketStore {
  private readonly redis: BucketRedis;

  constructor(
    redis: Redis,
    private readonly prefix = 'tg:bucket:',
  ) {
    redis.defineCommand('bucketTake', { numberOfKeys: 1, lua: TAKE });
    redis.defineCommand('bucketPeek', { numberOfKeys: 1, lua: PEEK });
    this.redis = redis as BucketRedis;
  }

  async take(key: string, cost: number, limits: BucketLimits): Promise<BucketTake> {
    const [admitted, points, retryAfterMs] = await this.redis.bucketTake(
      this.prefix + key,
      limits.capacity,
      limits.refillPerSecond,
      cost,
    );
    return {
      admitted: admitted === 1,
      available: Number(points),
      retryAfterMs: Number(retryAfterMs),
    };
  }

  async refund(key: string, points: number, limits: BucketLimits): Promise<number> {
    // A negative cost is a refund: the same script, so it is just as atomic.
    const [, available] = await this.redis.bucketTake(
      this.prefix + key,
      limits.capacity,
      limits.refillPerSecond,
      -points,
    );
    return Number(available);
  }

  async peek(key: string, limits: BucketLimits): Promise<number> {
    return Number(
      await this.redis.bucketPeek(this.prefix + key, limits.capacity, limits.refillPerSecond),
    );
  }
}
