import type { Redis } from 'ioredis';

import type { Logger } from '../logger.js';
import {
  MemoryConcurrencyLimiter,
  RedisConcurrencyLimiter,
  type ConcurrencyLimiter,
  type ConcurrencySlot,
} from './concurrency.js';
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
 * Redis-backed state that survives Redis going away: while a Redis command fails, each replica
 * falls back to its own memory with its share (1 / replicas) of every budget, and goes back to
 * Redis as soon as a command succeeds again. Limits stay approximately right during an outage
 * instead of the gateway refusing all traffic.
 */
export function redisQuotaState(redis: Redis, replicas: number, log: Logger): QuotaState {
  const share = 1 / Math.max(1, replicas);
  const local = memoryQuotaState();
  const shared = {
    buckets: new RedisBucketStore(redis),
    slots: new RedisConcurrencyLimiter(redis),
  };
  const fallback = new FallbackSwitch(log);

  return {
    buckets: new FallbackBucketStore(shared.buckets, local.buckets, share, fallback),
    slots: new FallbackConcurrencyLimiter(shared.slots, local.slots, share, fallback),
    attemptWindow: (windowMs) =>
      new FallbackAttemptWindowStore(
        new RedisAttemptWindowStore(redis, windowMs),
        local.attemptWindow(windowMs),
        fallback,
      ),
  };
}

/** Runs against Redis, or against local state while Redis fails; logs each switch once. */
class FallbackSwitch {
  private usingLocal = false;

  constructor(private readonly log: Logger) {}

  async run<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    try {
      const result = await shared();
      if (this.usingLocal) this.log.info('shared quota state is back in Redis');
      this.usingLocal = false;
      return result;
    } catch (error) {
      if (!this.usingLocal)
        this.log.warn(
          { err: { message: (error as Error).message } },
          "Redis failed; quotas fall back to this replica's share",
        );
      this.usingLocal = true;
      return local();
    }
  }

  get degraded(): boolean {
    return this.usingLocal;
  }
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
    // A shared slot whose release fails lapses with its lease.
    await this.shared.release(slot).catch(() => undefined);
  }
}

class FallbackAttemptWindowStore extends MemoryAttemptWindowStore {
  constructor(
    private readonly shared: AttemptWindowStore,
    private readonly localStore: AttemptWindowStore,
    private readonly fallback: FallbackSwitch,
  ) {
    super(shared.windowMs);
  }

  override getForIdentity(identity: RateLimitIdentity): Promise<number[]> {
    return this.fallback.run(
      () => this.shared.getForIdentity(identity),
      () => this.localStore.getForIdentity(identity),
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
