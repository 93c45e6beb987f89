import type { Redis } from 'ioredis';

import type { Logger } from '../logger.js';
import {
  MemoryConcurrencyLimiter,
  RedisConcurrencyLimiter,
  type ConcurrencyLimiter,
  type ConcurrencySlot,
} from './concurrency.js';
import { FallbackSwitch } from './fallback-switch.js';
import { RedisBucketStore } from './redis-token-bucket.js';
import {
  MemoryBucketStore,
  type BucketLimits,
  type BucketStore,
  type BucketTake,
} from './token-bucket.js';
import {
  MemoryAttemptWindowStore,
  RedisAttemptWindowStore,
  type AttemptWindowStore,
  type RateLimitIdentity,
} from './window-store.js';

/** The quota state of this replica: shared through Redis when configured, else in memory. */
export interface QuotaState {
  buckets: BucketStore;
  slots: ConcurrencyLimiter;
  /** A rate-limit window store for one window length. */
  attemptWindow(windowMs: number): AttemptWindowStore;
}

/** In-process state, exact for a single replica. */
export function memoryQuotaState(): QuotaState {
  return {
    buckets: new MemoryBucketStore(),
    slots: new MemoryConcurrencyLimiter(),
    attemptWindow: (windowMs) => new MemoryAttemptWindowStore(windowMs),
  };
}

/**
 * Redis-backed state that survives Redis going away or hanging: while Redis commands fail (or
 * time out), each replica falls back to its own memory with its share (1 / replicas) of every
 * budget, asks Redis again once per probe interval (see FallbackSwitch), and goes back to Redis
 * as soon as a probe succeeds. Limits stay approximately right during an outage instead of the
 * gateway refusing all traffic; each replica keeps to its share (counts of slots and attempts
 * are whole numbers, at least one each).
 *
 * Commands that timed out against a hung Redis are still run if it wakes up: a bucket take then
 * charges points nobody used (never more than the budget), and a slot taken that way is held
 * until its lease lapses. Once fallen back, each replica sends one such command per probe
 * interval, beside the releases of slots it took from Redis before.
 */
export function redisQuotaState(redis: Redis, replicas: number, log: Logger): QuotaState {
  const share = 1 / Math.max(1, replicas);
  const local = memoryQuotaState();
  const shared = {
    buckets: new RedisBucketStore(redis),
    slots: new RedisConcurrencyLimiter(redis),
  };
  const fallback = new FallbackSwitch(log);
  redis.on('ready', () => fallback.reconnected());

  return {
    buckets: new FallbackBucketStore(shared.buckets, local.buckets, share, fallback),
    slots: new FallbackConcurrencyLimiter(shared.slots, local.slots, share, fallback),
    attemptWindow: (windowMs) =>
      new FallbackAttemptWindowStore(
        new RedisAttemptWindowStore(redis, windowMs),
        local.attemptWindow(windowMs),
        Math.max(1, replicas),
        fallback,
      ),
  };
}

class FallbackBucketStore implements BucketStore {
  constructor(
    private readonly shared: BucketStore,
    private readonly local: BucketStore,
    private readonly share: number,
    private readonly fallback: FallbackSwitch,
  ) {}

  take(key: string, cost: number, limits: BucketLimits): Promise<BucketTake> {
    return this.fallback.run(
      () => this.shared.take(key, cost, limits),
      () => this.local.take(key, cost, this.scaled(limits)),
    );
  }

  refund(key: string, points: number, limits: BucketLimits): Promise<number> {
    return this.fallback.run(
      () => this.shared.refund(key, points, limits),
      () => this.local.refund(key, points, this.scaled(limits)),
    );
  }

  peek(key: string, limits: BucketLimits): Promise<number> {
    return this.fallback.run(
      () => this.shared.peek(key, limits),
      () => this.local.peek(key, this.scaled(limits)),
    );
  }

  private scaled(limits: BucketLimits): BucketLimits {
    return {
      capacity: limits.capacity * this.share,
      refillPerSecond: limits.refillPerSecond * this.share,
    };
  }
}

class FallbackConcurrencyLimiter implements ConcurrencyLimiter {
  private readonly localSlots = new WeakSet<ConcurrencySlot>();

  constructor(
    private readonly shared: ConcurrencyLimiter,
    private readonly local: ConcurrencyLimiter,
    private readonly share: number,
    private readonly fallback: FallbackSwitch,
  ) {}

  async acquire(key: string, limit: number, leaseMs: number): Promise<ConcurrencySlot | null> {
    let isLocal = false;
    const slot = await this.fallback.run(
      () => this.shared.acquire(key, limit, leaseMs),
      () => {
        isLocal = true;
        return this.local.acquire(key, Math.max(1, Math.floor(limit * this.share)), leaseMs);
      },
    );
    if (slot && isLocal) this.localSlots.add(slot);
    return slot;
  }

  async release(slot: ConcurrencySlot): Promise<void> {
    if (this.localSlots.has(slot)) return this.local.release(slot);

    // A shared slot goes back to Redis even while Redis fails, but the answer then does not wait
    // for it: a Redis that wakes up runs the release, and a slot whose release is lost lapses
    // with its lease (the operation's database time plus a margin), never later.
    const released = this.shared.release(slot).catch(() => undefined);
    if (!this.fallback.degraded) await released;
  }
}

/**
 * Per-field windows with the same fallback. graphql-rate-limit compares the number of earlier
 * attempts with the rule's maximum, which a store never sees; so each local attempt is reported
 * once per replica, and each replica admits its share of the rule: ceil(max / replicas) attempts
 * per window (rounded up, so a maximum the replica count does not divide admits up to
 * replicas - 1 more in total, and no replica is left with none).
 */
class FallbackAttemptWindowStore extends MemoryAttemptWindowStore {
  constructor(
    private readonly shared: AttemptWindowStore,
    private readonly localStore: AttemptWindowStore,
    private readonly replicas: number,
    private readonly fallback: FallbackSwitch,
  ) {
    super(shared.windowMs);
  }

  override getForIdentity(identity: RateLimitIdentity): Promise<number[]> {
    return this.fallback.run(
      () => this.shared.getForIdentity(identity),
      async () => {
        const earlier = await this.localStore.getForIdentity(identity);
        return earlier.flatMap((atMs) => Array<number>(this.replicas).fill(atMs));
      },
    );
  }

  override release(identity: RateLimitIdentity): Promise<void> {
    return this.fallback.run(
      () => this.shared.release(identity),
      () => this.localStore.release(identity),
    );
  }

  override retryAfterMs(identity: RateLimitIdentity): Promise<number> {
    return this.fallback.run(
      () => this.shared.retryAfterMs(identity),
      () => this.localStore.retryAfterMs(identity),
    );
  }
}
