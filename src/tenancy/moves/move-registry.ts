import { ObjectId, type Collection, type Db } from 'mongodb';

import type { WriteOutcome } from '../tenant-writer.js';
import type { DirtyDocument, MoveDocument, MovedCollection, WriteMarker } from './move-model.js';

/** The master collections of moves: the moves themselves, their dirty records and markers. */
export class MoveRegistry {
  readonly moves: Collection<MoveDocument>;
  readonly dirty: Collection<DirtyDocument>;
  readonly markers: Collection<WriteMarker>;

  constructor(masterDb: Db) {
    this.moves = masterDb.collection<MoveDocument>('moves');
    this.dirty = masterDb.collection<DirtyDocument>('move_dirty');
    this.markers = masterDb.collection<WriteMarker>('move_markers');
  }

  async ensureIndexes(): Promise<void> {
    await this.moves.createIndex({ tenantId: 1, startedAt: -1 });
    await this.moves.createIndex({ state: 1, heartbeatAt: 1 });
    await this.dirty.createIndex({ moveId: 1, _id: 1 });
    await this.markers.createIndex({ moveId: 1 });
  }

  find(id: ObjectId): Promise<MoveDocument | null> {
    return this.moves.findOne({ _id: id });
  }

  /** Records that documents changed during a move; the sync brings each over again. */
  async recordDirty(
    moveId: ObjectId,
    touched: Partial<Record<MovedCollection, ObjectId[]>>,
    outcome: WriteOutcome = {},
  ): Promise<void> {
    const records: DirtyDocument[] = [];
    for (const [collection, ids] of Object.entries(touched) as [MovedCollection, ObjectId[]][]) {
      for (const documentId of ids ?? []) {
        const known = outcome[collection]?.has(documentId.toHexString());
        const content = known
          ? (outcome[collection]?.get(documentId.toHexString()) ?? null)
          : undefined;
        records.push({
          _id: new ObjectId(),
          moveId,
          collection,
          documentId,
          ...(known ? { content } : {}),
        });
      }
    }
    if (records.length > 0) await this.dirty.insertMany(records, { ordered: false });
  }

  /** Some of the move's dirty records, oldest first (after `afterId` when given). */
  dirtyBatch(moveId: ObjectId, limit: number, afterId?: ObjectId): Promise<DirtyDocument[]> {
    const filter = afterId ? { moveId, _id: { $gt: afterId } } : { moveId };
    return this.dirty.find(filter).sort({ _id: 1 }).limit(limit).toArray();
  }

  /** Forgets dirty records once their documents are brought over. */
  async clearDirty(ids: ObjectId[]): Promise<void> {
    if (ids.length > 0) await this.dirty.deleteMany({ _id: { $in: ids } });
  }

  pendingDirty(moveId: ObjectId): Promise<number> {
    return this.dirty.countDocuments({ moveId });
  }

  /** Writes of the move still in flight. */
  writesInFlight(moveId: ObjectId): Promise<number> {
    return this.markers.countDocuments({ moveId });
  }

  async forget(moveId: ObjectId): Promise<void> {
    await this.dirty.deleteMany({ moveId });
    await this.markers.deleteMany({ moveId });
  }
}
