import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

/** A held slot; give it back with `release`. */
export interface ConcurrencySlot {
  key: string;
  slotId: string;
}

/**
 * In-flight operations per tenant. A slot is a lease that lapses after `leaseMs`, so a replica
 * that dies mid-operation cannot hold its tenant's slots for ever.
 */
export interface ConcurrencyLimiter {
  /** A slot when fewer than `limit` are held; null otherwise. */
  acquire(key: string, limit: number, leaseMs: number): Promise<ConcurrencySlot | null>;
  release(slot: ConcurrencySlot): Promise<void>;
}

/** Slots counted in this process. */
export class MemoryConcurrencyLimiter implements ConcurrencyLimiter {
  private readonly held = new Map<string, Map<string, number>>();

  async acquire(key: string, limit: number, leaseMs: number): Promise<ConcurrencySlot | null> {
    const nowMs = Date.now();
    const slots = this.held.get(key) ?? new Map<string, number>();
    for (const [slotId, expiresAtMs] of slots) if (expiresAtMs <= nowMs) slots.delete(slotId);
    if (slots.size >= limit) return null;

    const slotId = randomUUID();
    slots.set(slotId, nowMs + leaseMs);
    this.held.set(key, slots);
    return { key, slotId };
  }

  async release(slot: ConcurrencySlot): Promise<void> {
    const slots = this.held.get(slot.key);
    slots?.delete(slot.slotId);
    if (slots?.size === 0) this.held.delete(slot.key);
  }
}

/** Leases in a sorted set per tenant, scored by expiry on Redis's clock; one script per acquire. */
const ACQUIRE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
return 1
`;

type SlotRedis = Redis & {
  slotAcquire(key: string, limit: number, leaseMs: number, slotId: string): Promise<number>;
};

/** Slots shared by every replica through Redis. */
export class RedisConcurrencyLimiter implements ConcurrencyLimiter {
  private readonly redis: SlotRedis;

  constructor(
    redis: Redis,
    private readonly prefix = 'tg:slots:',
  ) {
    redis.defineCommand('slotAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    this.redis = redis as SlotRedis;
  }

  async acquire(key: string, limit: number, leaseMs: number): Promise<ConcurrencySlot | null> {
    const slotId = randomUUID();
    const acquired = await this.redis.slotAcquire(this.prefix + key, limit, leaseMs, slotId);
    return acquired === 1 ? { key, slotId } : null;
  }

  async release(slot: ConcurrencySlot): Promise<void> {
    await this.redis.zrem(this.prefix + slot.key, slot.slotId);
  }
}
