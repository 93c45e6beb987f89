import type { Collection } from 'mongodb';

import type { Logger } from '../logger.js';
import type { Broadcast } from '../storage/broadcast.js';
import type { OrganizationDocument } from './models.js';

const POLL_INTERVAL_MS = 400;
const CHANNEL = 'tenantgate:suspensions';

/**
 * The set of suspended organizations, in memory so that a request's token check needs no round
 * trip; polled from the master, so a suspension on any replica is seen everywhere within a
 * second.
 */
export class SuspensionRegistry {
  private suspended = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private broadcast: Broadcast | null = null;
  private polling = false;

  constructor(
    private readonly organizations: Collection<OrganizationDocument>,
    private readonly log: Logger,
  ) {}

  async start(broadcast?: Broadcast): Promise<void> {
    this.broadcast = broadcast ?? null;
    await this.broadcast?.subscribe(CHANNEL, (message) => {
      const change = message as { tenantId?: unknown; suspended?: unknown };
      if (typeof change?.tenantId === 'string')
        this.apply(change.tenantId, change.suspended === true);
    });
    await this.poll();
    this.timer = setInterval(
      () =>
        void this.poll().catch((error) => this.log.warn({ err: error }, 'suspension poll failed')),
      POLL_INTERVAL_MS,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  isSuspended(tenantId: string): boolean {
    return this.suspended.has(tenantId);
  }

  /** Applies a change made by this replica at once, and tells the others. */
  mark(tenantId: string, suspended: boolean): void {
    this.apply(tenantId, suspended);
    void this.broadcast?.publish(CHANNEL, { tenantId, suspended });
  }

  private apply(tenantId: string, suspended: boolean): void {
    if (suspended) this.suspended.add(tenantId);
    else this.suspended.delete(tenantId);
  }

  private async poll(): Promise<void> {
    // A slow master must not pile polls up on itself: one at a time, the next tick skips.
    if (this.polling) return;
    this.polling = true;
    try {
      await this.readSuspended();
    } finally {
      this.polling = false;
    }
  }

  private async readSuspended(): Promise<void> {
    const found = await this.organizations
      .find({ suspended: true }, { projection: { _id: 1 } })
      .toArray();
    this.suspended = new Set(found.map((organization) => organization._id.toHexString()));
  }
}
