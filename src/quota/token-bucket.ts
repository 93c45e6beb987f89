/** Capacity and refill of one bucket. */
export interface BucketLimits {
  /** Points the bucket holds when full. */
  capacity: number;
  /** Points added per second, continuously. */
  refillPerSecond: number;
}

/** What a take saw. */
export interface BucketTake {
  admitted: boolean;
  /** Points left after the take (or, when refused, points there are). */
  available: number;
  /** When refused: how long until the bucket holds the cost. */
  retryAfterMs: number;
}

/**
 * Token buckets of points, keyed by tenant or client address. Every method is atomic for its
 * key: two replicas can never both spend the same points.
 */
export interface BucketStore {
  /** Takes `cost` points when the bucket holds them; takes nothing otherwise. */
  take(key: string, cost: number, limits: BucketLimits): Promise<BucketTake>;
  /** Gives back points (never past capacity); returns the points available after. */
  refund(key: string, points: number, limits: BucketLimits): Promise<number>;
  /** Points available now, without changing anything. */
  peek(key: string, limits: BucketLimits): Promise<number>;
}

/** A bucket's stored state: points at a moment. */
interface BucketState {
  points: number;
  atMs: number;
}

/** Points after refilling from `state` until `nowMs`. */
export function refilled(
  state: BucketState | undefined,
  limits: BucketLimits,
  nowMs: number,
): number {
  if (!state) return limits.capacity;
  const elapsedMs = Math.max(0, nowMs - state.atMs);
  return Math.min(limits.capacity, state.points + (elapsedMs * limits.refillPerSecond) / 1000);
}

/** Milliseconds until `available` grows to `cost` at the refill rate. */
export function msUntil(cost: number, available: number, limits: BucketLimits): number {
  if (cost <= available) return 0;
  return Math.ceil(((cost - available) * 1000) / limits.refillPerSecond);
}

/** Buckets in this process's memory: exact for one replica, and the fallback without Redis. */
export class MemoryBucketStore implements BucketStore {
  private readonly buckets = new Map<string, BucketState>();

  async take(key: string, cost: number, limits: BucketLimits): Promise<BucketTake> {
    const nowMs = Date.now();
    const available = refilled(this.buckets.get(key), limits, nowMs);
    if (available < cost) {
      return { admitted: false, available, retryAfterMs: msUntil(cost, available, limits) };
    }

    this.remember(key, { points: available - cost, atMs: nowMs }, limits);
    return { admitted: true, available: available - cost, retryAfterMs: 0 };
  }

  async refund(key: string, points: number, limits: BucketLimits): Promise<number> {
    const nowMs = Date.now();
    const available = Math.min(
      limits.capacity,
      refilled(this.buckets.get(key), limits, nowMs) + points,
    );
    this.remember(key, { points: available, atMs: nowMs }, limits);
    return available;
  }

  async peek(key: string, limits: BucketLimits): Promise<number> {
    return refilled(this.buckets.get(key), limits, Date.now());
  }

  private remember(key: string, state: BucketState, limits: BucketLimits): void {
    // A full bucket needs no state; dropping it keeps memory bounded by active callers.
    if (state.points >= limits.capacity) this.buckets.delete(key);
    else this.buckets.set(key, state);
    if (this.buckets.size > 100_000) this.forgetFull(limits);
  }

  private forgetFull(limits: BucketLimits): void {
    const nowMs = Date.now();
    for (const [key, state] of this.buckets) {
      if (refilled(state, limits, nowMs) >= limits.capacity) this.buckets.delete(key);
    }
  }
}
