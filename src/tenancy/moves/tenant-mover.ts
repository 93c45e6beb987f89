import { randomUUID } from 'node:crypto';

import { ObjectId, type Collection, type Document } from 'mongodb';

import type { Logger } from '../../logger.js';
import { outsideRequests } from '../../storage/command-attribution.js';
import { isUnreachable } from '../../storage/database-faults.js';
import { retryInterrupted } from '../../storage/interrupted-reads.js';
import type { TenantCollections } from '../collection-store.js';
import type { OrganizationDocument } from '../models.js';
import type { OrganizationRepository } from '../organizations.js';
import { dropTenantStorage, type Placement, type PlacementResolver } from '../placement.js';
import {
  MOVED_COLLECTIONS,
  isActive,
  type DirtyDocument,
  type MoveDocument,
  type MovedCollection,
} from './move-model.js';
import type { MoveRegistry } from './move-registry.js';

/** Why a move cannot start. */
export class MoveRefusedError extends Error {
  constructor(
    readonly reason: 'same-placement' | 'busy' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

/** Another replica took the move over (this one looked dead to it); this one stops. */
class MoveTakenOverError extends Error {}

/** Tuning of moves; the defaults suit the contract's "reads always, writes held ≤ 1 s". */
export interface MoverOptions {
  /** Wait after marking a move before copying, so every replica's cache knows of it. */
  propagationMs: number;
  /** Documents per copy batch. */
  batchSize: number;
  /** The switch starts once fewer dirty records than this are left. */
  switchBelowDirty: number;
  /** Source documents are removed this long after the switch, once no read can still use them. */
  cleanupDelayMs: number;
  /** A move whose heartbeat is older than this is taken over by another replica. */
  staleAfterMs: number;
}

export const DEFAULT_MOVER_OPTIONS: MoverOptions = {
  propagationMs: 2_000,
  batchSize: 500,
  switchBelowDirty: 40,
  cleanupDelayMs: 12_000,
  staleAfterMs: 10_000,
};

/**
 * Online moves of a tenant between placements: copy in batches, bring over what changed
 * meanwhile, switch with writes held, then clean up. Every step is idempotent and its progress
 * is in the move's record, so a replica that dies mid-move is taken over (resumed, or finished
 * or rolled back) by whichever replica runs recovery next.
 */
export class TenantMover {
  readonly owner = randomUUID();
  private readonly running = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: MoveRegistry,
    private readonly organizations: OrganizationRepository,
    private readonly placements: PlacementResolver,
    private readonly log: Logger,
    private readonly options: MoverOptions = DEFAULT_MOVER_OPTIONS,
  ) {}

  /** Records a move and starts it in the background; refuses a second move of one tenant. */
  async start(organization: OrganizationDocument, to: Placement): Promise<MoveDocument> {
    if (organization.tier === to.tier && organization.cluster === to.cluster) {
      throw new MoveRefusedError('same-placement', 'The tenant already lives there.');
    }

    const now = new Date();
    const move: MoveDocument = {
      _id: new ObjectId(),
      tenantId: organization._id,
      from: { tier: organization.tier, cluster: organization.cluster },
      to: { tier: to.tier, cluster: to.cluster },
      state: 'PENDING',
      copied: 0,
      total: 0,
      copiedUpTo: {},
      cleanedUp: false,
      heartbeatAt: now,
      owner: this.owner,
      startedAt: now,
      finishedAt: null,
      error: null,
    };
    await this.registry.moves.insertOne(move);
    const claimed = await this.organizations.collection.updateOne(
      { _id: organization._id, state: 'active', activeMoveId: { $in: [null, undefined as never] } },
      { $set: { activeMoveId: move._id } },
    );
    if (claimed.modifiedCount === 0) {
      await this.registry.moves.deleteOne({ _id: move._id });
      throw new MoveRefusedError('busy', 'Another move of this tenant is under way.');
    }
    this.organizations.forget(organization._id);

    this.launch(move._id);
    return move;
  }

  /** Resumes moves left by stopped replicas now, then checks periodically. */
  async startRecovery(): Promise<void> {
    await this.recover();
    this.timer = setInterval(
      () =>
        void this.recover().catch((error) =>
          this.log.error({ err: error }, 'move recovery failed'),
        ),
      5_000,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Takes over every move whose owner stopped renewing it, and unfinished clean-ups. */
  async recover(): Promise<void> {
    const staleBefore = new Date(Date.now() - this.options.staleAfterMs);
    const abandoned = await retryInterrupted(() =>
      this.registry.moves
        .find({ cleanedUp: false, heartbeatAt: { $lt: staleBefore } })
        .limit(20)
        .toArray(),
    );
    for (const move of abandoned) {
      const taken = await this.registry.moves.updateOne(
        { _id: move._id, heartbeatAt: move.heartbeatAt },
        { $set: { owner: this.owner, heartbeatAt: new Date() } },
      );
      if (taken.modifiedCount === 1) {
        this.log.info(
          { moveId: move._id.toHexString(), state: move.state },
          'taking over an unfinished move',
        );
        this.launch(move._id);
      }
    }
  }

  private launch(moveId: ObjectId): void {
    const key = moveId.toHexString();
    if (this.running.has(key)) return;

    this.running.add(key);
    void outsideRequests(() => this.run(moveId))
      .catch((error) => this.log.error({ err: error, moveId: key }, 'move stopped unexpectedly'))
      .finally(() => this.running.delete(key));
  }

  /** Drives a move from whatever state its record is in to its end. */
  private async run(moveId: ObjectId): Promise<void> {
    const heartbeat = setInterval(() => void this.beat(moveId), 1_000);
    try {
      let move = await this.registry.find(moveId);
      while (move && !move.cleanedUp) {
        move = await this.advance(move);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Runs one step; returns the record after it. */
  private async advance(move: MoveDocument): Promise<MoveDocument | null> {
    try {
      if (move.state === 'PENDING') await this.waitForPropagation(move);
      else if (move.state === 'COPYING') await this.copy(move);
      else if (move.state === 'SWITCHING') await this.switchOver(move);
      else if (move.state === 'DONE') await this.cleanUp(move, move.from);
      else await this.cleanUp(move, move.to);
    } catch (error) {
      if (error instanceof MoveTakenOverError) return null;
      if (!isActive(move.state)) throw error;
      await this.fail(move, error as Error);
    }
    return this.registry.find(move._id);
  }

  private async waitForPropagation(move: MoveDocument): Promise<void> {
    const waitMs = move.startedAt.getTime() + this.options.propagationMs - Date.now();
    if (waitMs > 0) await sleep(waitMs);

    const source = await this.collectionsAt(move, move.from);
    const scope = { organizationId: move.tenantId };
    const total =
      (await source.projects.countDocuments(scope)) + (await source.tasks.countDocuments(scope));
    // Documents created from here on arrive through their dirty records, so the bulk copy has an
    // end instead of chasing new inserts.
    const copyBoundary = ObjectId.createFromTime(Math.floor(Date.now() / 1000) + 1);
    await this.update(move, { state: 'COPYING', total, copyBoundary });
  }

  /** Bulk copy from where it stopped, then dirty syncs until few changes are left. */
  private async copy(move: MoveDocument): Promise<void> {
    const source = await this.collectionsAt(move, move.from);
    const target = await this.collectionsAt(move, move.to);
    let { copied } = move;
    const copiedUpTo = { ...move.copiedUpTo };
    const boundary = move.copyBoundary ?? new ObjectId();

    for (const name of MOVED_COLLECTIONS) {
      for (;;) {
        const after = copiedUpTo[name];
        const batch = await raw(source, name)
          .find({
            organizationId: move.tenantId,
            _id: after ? { $gt: after, $lte: boundary } : { $lte: boundary },
          })
          .sort({ _id: 1 })
          .limit(this.options.batchSize)
          .toArray();
        if (batch.length === 0) break;

        await insertMissing(raw(target, name), batch);
        copied += batch.length;
        copiedUpTo[name] = batch[batch.length - 1]._id as ObjectId;
        await this.update(move, { copied, copiedUpTo });
      }
    }

    // A few catch-up rounds while writes go on; whatever is left waits for the switch.
    for (let round = 0; round < 10; round++) {
      if ((await this.registry.pendingDirty(move._id)) < this.options.switchBelowDirty) break;
      await this.syncDirty(move, source, target, this.options.batchSize * 2);
    }
    await this.update(move, { state: 'SWITCHING', switchStartedAt: new Date() });
  }

  /**
   * Holds writes (writers see SWITCHING and wait), waits for writes already under way, brings
   * the last changes over, then points the tenant at the target. Reads continue at the source
   * meanwhile, and at the target after.
   */
  private async switchOver(move: MoveDocument): Promise<void> {
    const organization = await this.organizations.collection.findOne({ _id: move.tenantId });
    if (!organization) throw new Error('the organization is gone');
    if (organization.tier === move.to.tier && organization.cluster === move.to.cluster) {
      await this.finish(move); // a replica died after pointing the tenant at the target
      return;
    }

    const startedAt = Date.now();
    await this.waitForWritesInFlight(move);
    const drainedAt = Date.now();
    const source = await this.collectionsAt(move, move.from);
    const target = await this.collectionsAt(move, move.to);
    // Writes are held and drained, so the dirty records are final: one pass over them, without
    // clearing them (clean-up drops them with the move). A replica that dies here and resumes
    // the switch syncs them again, which replaces the same documents with the same versions.
    let synced = 0;
    let after: ObjectId | undefined;
    for (;;) {
      const batch = await this.syncDirty(move, source, target, FINAL_SYNC_BATCH, { after });
      synced += batch.count;
      after = batch.lastId ?? after;
      if (batch.count < FINAL_SYNC_BATCH) break;
    }
    this.log.info(
      {
        moveId: move._id.toHexString(),
        drainMs: drainedAt - startedAt,
        syncMs: Date.now() - drainedAt,
        synced,
      },
      'switch: writes drained and last changes brought over',
    );

    await this.organizations.collection.updateOne(
      { _id: move.tenantId },
      {
        $set: {
          tier: move.to.tier,
          cluster: move.to.cluster,
          activeMoveId: null,
          updatedAt: new Date(),
        },
      },
    );
    await this.finish(move, { placementWritten: true });
  }

  /**
   * Ends the move: clears the organization's activeMoveId (already done when the placement was
   * just written with it, one write fewer while writes wait) and marks the move DONE, which
   * releases the held writes.
   */
  private async finish(move: MoveDocument, { placementWritten = false } = {}): Promise<void> {
    if (!placementWritten) {
      await this.organizations.collection.updateOne(
        { _id: move.tenantId },
        { $set: { activeMoveId: null } },
      );
    }
    this.organizations.forget(move.tenantId);
    const finishedAt = new Date();
    const switchStartedAt = (move as MoveDocument & { switchStartedAt?: Date }).switchStartedAt;
    await this.update(move, {
      state: 'DONE',
      finishedAt,
      ...(switchStartedAt ? { switchMs: finishedAt.getTime() - switchStartedAt.getTime() } : {}),
    });
    this.log.info(
      { moveId: move._id.toHexString(), tenantId: move.tenantId.toHexString() },
      'tenant moved',
    );
  }

  /** Waits until no write of the move is in flight; markers of a dead replica are dropped. */
  private async waitForWritesInFlight(move: MoveDocument): Promise<void> {
    for (;;) {
      const staleBefore = new Date(Date.now() - this.options.staleAfterMs);
      await this.registry.markers.deleteMany({ moveId: move._id, startedAt: { $lt: staleBefore } });
      if ((await this.registry.writesInFlight(move._id)) === 0) return;
      await sleep(5);
    }
  }

  /** Brings documents written during the move over again: the source's version wins. */
  private async syncDirty(
    move: MoveDocument,
    source: TenantCollections,
    target: TenantCollections,
    limit: number,
    final: { after?: ObjectId } | null = null,
  ): Promise<{ count: number; lastId: ObjectId | null }> {
    const timings: Record<string, number> = {};
    let mark = Date.now();
    const lap = (label: string) => {
      timings[label] = (timings[label] ?? 0) + Date.now() - mark;
      mark = Date.now();
    };
    const records = await this.registry.dirtyBatch(move._id, limit, final?.after);
    lap('dirtyBatch');
    for (const name of MOVED_COLLECTIONS) {
      const ofCollection = records.filter((record) => record.collection === name);
      const ids = [...new Set(ofCollection.map((record) => record.documentId.toHexString()))].map(
        (id) => new ObjectId(id),
      );
      if (ids.length === 0) continue;

      // Replace by delete-then-insert: two commands for the batch, where per-document upserts
      // cost one each (and deletes by `_id` scan once each on FerretDB's SQLite handler, where
      // one `$in` delete scans once). The target serves no reads before the switch.
      const scope = { organizationId: move.tenantId };
      const versions = await currentVersions(raw(source, name), move.tenantId, ids, ofCollection);
      lap(`read ${name}`);
      // Inserted documents are only added (the target may hold them already, as the source had
      // them); every other touched document is replaced, or removed when the source lacks it.
      const replaced = versions.replaced.map((document) => document._id as ObjectId);
      const stale = [...replaced, ...versions.removed];
      if (stale.length > 0) await raw(target, name).deleteMany({ ...scope, _id: { $in: stale } });
      lap(`delete ${name}`);
      await insertMissing(raw(target, name), [...versions.inserted, ...versions.replaced]);
      lap(`insert ${name}`);
    }
    if (!final) await this.registry.clearDirty(records.map((record) => record._id));
    lap('clear');
    this.log.debug(
      { moveId: move._id.toHexString(), records: records.length, timings },
      'dirty sync batch',
    );
    return { count: records.length, lastId: records.at(-1)?._id ?? null };
  }

  /** Removes the tenant's documents at a placement it no longer uses, once reads have moved on. */
  private async cleanUp(move: MoveDocument, placement: Placement): Promise<void> {
    const waitMs = (move.finishedAt?.getTime() ?? 0) + this.options.cleanupDelayMs - Date.now();
    if (waitMs > 0) await sleep(waitMs);

    await dropTenantStorage(this.placements, move.tenantId, placement);
    await this.registry.forget(move._id);
    await this.update(move, { cleanedUp: true });
  }

  /** Leaves the tenant where it was: placement untouched, target's partial copy removed later. */
  private async fail(move: MoveDocument, error: Error): Promise<void> {
    const current = await this.registry.find(move._id);
    if (current?.owner !== this.owner) return;
    this.log.error(
      { err: error, moveId: move._id.toHexString() },
      'move failed; the tenant stays where it was',
    );
    await this.organizations.collection.updateOne(
      { _id: move.tenantId },
      { $set: { activeMoveId: null } },
    );
    this.organizations.forget(move.tenantId);
    await this.update(move, {
      state: 'FAILED',
      finishedAt: new Date(),
      error: publicReason(error),
    });
  }

  private collectionsAt(move: MoveDocument, placement: Placement): Promise<TenantCollections> {
    return this.placements.collectionsOf(move.tenantId.toHexString(), placement);
  }

  /** Records progress, as long as this replica still owns the move. */
  private async update(
    move: MoveDocument,
    changes: Partial<MoveDocument> & Record<string, unknown>,
  ): Promise<void> {
    const { matchedCount } = await this.registry.moves.updateOne(
      { _id: move._id, owner: this.owner },
      { $set: { ...changes, heartbeatAt: new Date() } },
    );
    if (matchedCount === 0) throw new MoveTakenOverError();
  }

  private async beat(moveId: ObjectId): Promise<void> {
    await this.registry.moves
      .updateOne({ _id: moveId, owner: this.owner }, { $set: { heartbeatAt: new Date() } })
      .catch(() => undefined);
  }
}

/** A moved collection as plain documents: a move copies them as they are, whatever their type. */
function raw(collections: TenantCollections, name: MovedCollection): Collection<Document> {
  return collections[name] as unknown as Collection<Document>;
}

/**
 * The source's version of each document. A document with one record in the batch that carries
 * its content (an insert, or a delete) is taken from it; any other is read from the source,
 * which holds the truth when writes of several replicas crossed.
 */
async function currentVersions(
  source: Collection<Document>,
  tenantId: ObjectId,
  ids: ObjectId[],
  records: DirtyDocument[],
): Promise<{ inserted: Document[]; replaced: Document[]; removed: ObjectId[] }> {
  const byDocument = new Map<string, DirtyDocument[]>();
  for (const record of records) {
    const key = record.documentId.toHexString();
    byDocument.set(key, [...(byDocument.get(key) ?? []), record]);
  }

  const inserted: Document[] = [];
  const removed: ObjectId[] = [];
  const unknown: ObjectId[] = [];
  for (const id of ids) {
    const written = byDocument.get(id.toHexString()) ?? [];
    const only = written.length === 1 ? written[0] : null;
    if (only?.content) inserted.push(only.content);
    else if (only && only.content === null) removed.push(id);
    else unknown.push(id);
  }

  const replaced = await findEach(source, tenantId, unknown);
  const present = new Set(replaced.map((document) => String(document._id)));
  removed.push(...unknown.filter((id) => !present.has(id.toHexString())));
  return { inserted, replaced, removed };
}

/**
 * Reads documents one `_id` lookup at a time, a few in parallel. Servers without filter
 * pushdown for `$in` (FerretDB's SQLite handler) scan the whole collection for it, and the
 * shared collections hold every tenant; a lookup by `_id` alone is answered from the key.
 */
async function findEach(
  collection: Collection<Document>,
  tenantId: ObjectId,
  ids: ObjectId[],
): Promise<Document[]> {
  const found: Document[] = [];
  for (let start = 0; start < ids.length; start += 32) {
    const chunk = ids.slice(start, start + 32);
    const documents = await Promise.all(
      chunk.map((_id) => collection.findOne({ _id, organizationId: tenantId })),
    );
    for (const document of documents) if (document) found.push(document);
  }
  return found;
}

/** Dirty records read per command of the final sync. */
const FINAL_SYNC_BATCH = 10_000;

/** MongoDB's duplicate key error. */
const DUPLICATE_KEY = 11000;

/**
 * Inserts documents, skipping those already there: a copy resumed after a crash meets the
 * documents of its last batch again, which are the same as at the source or have dirty records
 * that bring them over again later.
 */
async function insertMissing(target: Collection<Document>, documents: Document[]): Promise<void> {
  if (documents.length === 0) return;
  try {
    await target.insertMany(documents, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code: number }[] | { code: number } })
      .writeErrors;
    const codes = Array.isArray(writeErrors)
      ? writeErrors.map((entry) => entry.code)
      : writeErrors
        ? [writeErrors.code]
        : [];
    if (codes.length === 0 || codes.some((code) => code !== DUPLICATE_KEY)) throw error;
  }
}

/** A failure reason for the operator: the kind of fault, never a database message. */
function publicReason(error: Error): string {
  if (isUnreachable(error)) {
    return 'A cluster of the move did not answer.';
  }
  return 'The move failed; the gateway log has the detail under the move id.';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
