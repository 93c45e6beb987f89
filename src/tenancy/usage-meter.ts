import type { Collection, Db } from 'mongodb';

import type { Logger } from '../logger.js';

/** One tenant's usage in one time bucket, in the master `usage` collection. */
interface UsageDocument {
  _id: string;
  tenantId: string;
  bucketStart: Date;
  operations: number;
  costConsumed: number;
  throttled: number;
}

/** Usage over a window. */
export interface TenantUsage {
  operations: number;
  costConsumed: number;
  throttled: number;
  since: Date;
}

const BUCKET_MS = 60_000;
const FLUSH_INTERVAL_MS = 5_000;
const WINDOW_MS = 24 * 3_600_000;
/** Buckets older than this are swept (no TTL index on every supported server). */
const RETENTION_MS = 48 * 3_600_000;

/**
 * Operations, cost and throttles per tenant, summed in memory per minute and written to the
 * master every few seconds with one `$inc` per tenant and minute: never a write per request.
 */
export class UsageMeter {
  private readonly pending = new Map<string, Omit<UsageDocument, '_id'>>();
  private readonly collection: Collection<UsageDocument>;
  private timer: NodeJS.Timeout | null = null;
  private lastSweepMs = 0;

  constructor(
    masterDb: Db,
    private readonly log: Logger,
  ) {
    this.collection = masterDb.collection<UsageDocument>('usage');
  }

  async start(): Promise<void> {
    await this.collection.createIndex({ tenantId: 1, bucketStart: 1 });
    this.timer = setInterval(
      () => void this.flush().catch((error) => this.log.warn({ err: error }, 'usage flush failed')),
      FLUSH_INTERVAL_MS,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Counts one operation of a tenant. */
  record(tenantId: string, costConsumed: number, throttled: boolean): void {
    const bucketStart = new Date(Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS);
    const key = `${tenantId}:${bucketStart.getTime()}`;
    const entry = this.pending.get(key) ?? {
      tenantId,
      bucketStart,
      operations: 0,
      costConsumed: 0,
      throttled: 0,
    };
    entry.operations += 1;
    entry.costConsumed += costConsumed;
    entry.throttled += throttled ? 1 : 0;
    this.pending.set(key, entry);
  }

  /** The last 24 hours of a tenant, including what this replica has not flushed yet. */
  async usageOf(tenantId: string): Promise<TenantUsage> {
    const since = new Date(Date.now() - WINDOW_MS);
    const stored = await this.collection.find({ tenantId, bucketStart: { $gte: since } }).toArray();
    const unflushed = [...this.pending.values()].filter((entry) => entry.tenantId === tenantId);

    const usage = { operations: 0, costConsumed: 0, throttled: 0, since };
    for (const entry of [...stored, ...unflushed]) {
      usage.operations += entry.operations;
      usage.costConsumed += entry.costConsumed;
      usage.throttled += entry.throttled;
    }
    return usage;
  }

  private merge(key: string, entry: Omit<UsageDocument, '_id'>): void {
    const pending = this.pending.get(key);
    if (!pending) {
      this.pending.set(key, entry);
      return;
    }
    pending.operations += entry.operations;
    pending.costConsumed += entry.costConsumed;
    pending.throttled += entry.throttled;
  }

  /** Writes the summed buckets; one upsert per tenant and minute. */
  async flush(): Promise<void> {
    const entries = [...this.pending.entries()];
    this.pending.clear();
    for (const [index, [key, entry]] of entries.entries()) {
      try {
        await this.collection.updateOne(
          { _id: key },
          {
            $inc: {
              operations: entry.operations,
              costConsumed: entry.costConsumed,
              throttled: entry.throttled,
            },
            $setOnInsert: { tenantId: entry.tenantId, bucketStart: entry.bucketStart },
          },
          { upsert: true },
        );
      } catch (error) {
        // Keep what was not written (an $inc that failed changed nothing) for the next flush.
        for (const [laterKey, laterEntry] of entries.slice(index)) this.merge(laterKey, laterEntry);
        throw error;
      }
    }
    if (Date.now() - this.lastSweepMs > 3_600_000) {
      this.lastSweepMs = Date.now();
      await this.collection.deleteMany({
        bucketStart: { $lt: new Date(Date.now() - RETENTION_MS) },
      });
    }
  }
}
