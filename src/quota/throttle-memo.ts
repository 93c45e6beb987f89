import type { QuotaPayer } from './payer.js';
import { msUntil, refilled, type BucketLimits } from './token-bucket.js';

/** A refusal this replica can answer without asking the bucket store. */
export interface KnownRefusal {
  payer: QuotaPayer;
  /** Points the bucket holds now, at most: what it held when it refused, plus refill since. */
  available: number;
  retryAfterMs: number;
}

/** What the bucket store last said when it refused a payer. */
interface Shortfall {
  payer: QuotaPayer;
  points: number;
  atMs: number;
}

/**
 * How long a refusal is trusted. Another replica's refund is not seen here, nor (in the HTTP
 * gate) a plan change, so a remembered refusal may be pessimistic by them for at most this long;
 * short enough that a plan change still reaches every answer within the contract's second.
 */
export const TRUST_MS = 500;

/** Payers remembered at once; the oldest is forgotten first. */
const MAX_PAYERS = 10_000;

/**
 * Remembers, per payer, the last refusal of its bucket, so that a flood from a tenant whose bucket
 * is empty is refused from memory: no round trip to Redis, and (through the HTTP gate) no
 * GraphQL pipeline either. Any admitted take or refund of the payer on this replica forgets it,
 * since the bucket then holds something this memo did not see.
 *
 * Refusing from memory never admits more than the bucket would (it only refuses), so the shared
 * bound "bucket + restoreRate x time" holds across replicas. Its known limit: a refund made on
 * another replica can leave a refusal pessimistic here for up to TRUST_MS.
 */
export class ThrottleMemo {
  private readonly shortfalls = new Map<string, Shortfall>();

  remember(payer: QuotaPayer, points: number, nowMs: number): void {
    this.shortfalls.delete(payer.key);
    this.shortfalls.set(payer.key, { payer, points, atMs: nowMs });
    if (this.shortfalls.size > MAX_PAYERS) {
      this.shortfalls.delete(this.shortfalls.keys().next().value as string);
    }
  }

  forget(key: string): void {
    this.shortfalls.delete(key);
  }

  /**
   * The refusal a take of `cost` from `key` would meet now, or null when it might be admitted.
   * Given the payer's current limits, a refusal remembered under other limits (a plan or quota
   * change since) is dropped.
   */
  refusalOf(
    key: string,
    cost: number,
    nowMs: number,
    current?: QuotaPayer['limits'],
  ): KnownRefusal | null {
    const shortfall = this.shortfalls.get(key);
    if (!shortfall) return null;
    if (nowMs - shortfall.atMs > TRUST_MS || (current && !sameBucket(current, shortfall.payer))) {
      this.shortfalls.delete(key);
      return null;
    }

    const limits = bucketLimitsOf(shortfall.payer);
    const available = refilled({ points: shortfall.points, atMs: shortfall.atMs }, limits, nowMs);
    if (available >= cost) return null;
    return { payer: shortfall.payer, available, retryAfterMs: msUntil(cost, available, limits) };
  }
}

function sameBucket(limits: QuotaPayer['limits'], payer: QuotaPayer): boolean {
  const { maximumAvailable, restoreRate, maxQueryCost } = payer.limits;
  return (
    limits.maximumAvailable === maximumAvailable &&
    limits.restoreRate === restoreRate &&
    limits.maxQueryCost === maxQueryCost
  );
}

function bucketLimitsOf(payer: QuotaPayer): BucketLimits {
  return { capacity: payer.limits.maximumAvailable, refillPerSecond: payer.limits.restoreRate };
}
