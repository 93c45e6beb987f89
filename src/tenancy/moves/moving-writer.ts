import { ObjectId } from 'mongodb';

import { ErrorCode, clientError } from '../../errors.js';
import type { TenantCollections } from '../collection-store.js';
import type { TenantWriter, WriteIntent, WriteOutcome } from '../tenant-writer.js';
import { isActive } from './move-model.js';
import type { MoveRegistry } from './move-registry.js';

/** How long a write waits for a switch before giving up. */
const SWITCH_WAIT_MS = 10_000;
const SWITCH_POLL_MS = 20;

/**
 * Writes of a tenant that is moving. Each write first leaves a marker, then reads the move's
 * state fresh: the mover, for its part, sets SWITCHING and then waits for markers to clear. Each
 * side writes before it reads, so at least one sees the other: a write either lands (with its
 * dirty record) before the final sync starts, or sees SWITCHING and waits for the switch, then
 * goes to the new placement.
 */
export class MovingWriter implements TenantWriter {
  constructor(
    private readonly moveId: ObjectId,
    private readonly registry: MoveRegistry,
    /** The collections of the tenant's placement as the master holds it now (not cached). */
    private readonly currentCollections: () => Promise<TenantCollections>,
  ) {}

  async write<T>(
    intent: (collections: TenantCollections) => Promise<WriteIntent>,
    apply: (collections: TenantCollections) => Promise<T>,
    outcome?: (result: T) => WriteOutcome,
  ): Promise<T> {
    const deadline = Date.now() + SWITCH_WAIT_MS;
    for (;;) {
      const marker = { _id: new ObjectId(), moveId: this.moveId, startedAt: new Date() };
      await this.registry.markers.insertOne(marker);
      try {
        const move = await this.registry.find(this.moveId);
        if (!move || !isActive(move.state)) return await apply(await this.currentCollections());
        if (move.state !== 'SWITCHING') return await this.recorded(intent, apply, outcome);
      } finally {
        await this.registry.markers.deleteOne({ _id: marker._id });
      }

      await this.waitWhileSwitching(deadline);
    }
  }

  /** Polls the move without a marker: markers of waiting writes would hold the switch up. */
  private async waitWhileSwitching(deadline: number): Promise<void> {
    for (;;) {
      if (Date.now() > deadline) throw switchTooLong();
      await new Promise((resolve) => setTimeout(resolve, SWITCH_POLL_MS));
      const move = await this.registry.find(this.moveId);
      if (!move || move.state !== 'SWITCHING') return;
    }
  }

  /** Applies the write at the source, then records what it touched for the dirty sync. */
  private async recorded<T>(
    intent: (collections: TenantCollections) => Promise<WriteIntent>,
    apply: (collections: TenantCollections) => Promise<T>,
    outcome?: (result: T) => WriteOutcome,
  ): Promise<T> {
    const collections = await this.currentCollections();
    const touched = await intent(collections);
    let result: { value: T } | null = null;
    try {
      result = { value: await apply(collections) };
      return result.value;
    } finally {
      // A failed write leaves its documents unknown: the sync reads them from the source.
      const known = result && outcome ? outcome(result.value) : {};
      await this.registry.recordDirty(this.moveId, touched, known);
    }
  }
}

function switchTooLong() {
  return clientError(
    ErrorCode.TIMEOUT,
    'The organization is being moved and the switch took too long; retry the write.',
  );
}
