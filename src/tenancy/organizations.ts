import { MongoServerError, type Collection, type Db, type ObjectId } from 'mongodb';

import { retryInterrupted } from '../storage/interrupted-reads.js';
import type { OrganizationDocument, Plan } from './models.js';

/** How long a cached organization may be served before it is read again. */
const CACHE_TTL_MS = 500;

/** Raised when the slug is already held by another organization. */
export class SlugTakenError extends Error {
  constructor(readonly slug: string) {
    super(`Slug "${slug}" is taken`);
  }
}

/**
 * The master `organizations` collection, with a short-lived cache of each tenant's record so
 * that plan and placement cost no round trip on most requests and still follow a change on
 * another replica within a second.
 */
export class OrganizationRepository {
  readonly collection: Collection<OrganizationDocument>;
  private readonly cache = new Map<
    string,
    { document: OrganizationDocument | null; readAtMs: number }
  >();

  constructor(masterDb: Db) {
    this.collection = masterDb.collection<OrganizationDocument>('organizations');
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ slug: 1 }, { unique: true });
    await this.collection.createIndex({ state: 1, stateChangedAt: 1 });
    await this.collection.createIndex({ plan: 1, _id: 1 });
    // Every replica polls for suspended organizations a few times a second.
    await this.collection.createIndex({ suspended: 1 });
  }

  /** Inserts a new organization; SlugTakenError when its slug exists. */
  async insert(organization: OrganizationDocument): Promise<void> {
    try {
      await this.collection.insertOne(organization);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) {
        throw new SlugTakenError(organization.slug);
      }
      throw error;
    }
  }

  /** The organization, from the cache when it is fresh. */
  async find(id: ObjectId): Promise<OrganizationDocument | null> {
    const key = id.toHexString();
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.readAtMs < CACHE_TTL_MS) return cached.document;

    const document = await retryInterrupted(() => this.collection.findOne({ _id: id }));
    this.cache.set(key, { document, readAtMs: Date.now() });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
    return document;
  }

  /** The active organization holding this slug, if any. */
  findActiveBySlug(slug: string): Promise<OrganizationDocument | null> {
    return this.collection.findOne({ slug, state: 'active' });
  }

  /** Renames; SlugTakenError when the new slug is held by another organization. */
  async rename(id: ObjectId, name: string, slug: string): Promise<OrganizationDocument | null> {
    // A duplicate key on $set is not reported as 11000 by every server, so the slug is checked
    // first; the unique index still stops a race, with whatever error the server gives, and a
    // failed update is called a taken slug only when another organization now holds it.
    if (await this.slugHeldByOther(slug, id)) throw new SlugTakenError(slug);

    try {
      const updated = await this.collection.findOneAndUpdate(
        { _id: id, state: 'active' },
        { $set: { name, slug, updatedAt: new Date() } },
        { returnDocument: 'after' },
      );
      this.forget(id);
      return updated;
    } catch (error) {
      if (error instanceof MongoServerError && (await this.slugHeldByOther(slug, id))) {
        throw new SlugTakenError(slug);
      }
      throw error;
    }
  }

  private async slugHeldByOther(slug: string, id: ObjectId): Promise<boolean> {
    const holder = await this.collection.findOne(
      { slug, _id: { $ne: id } },
      { projection: { _id: 1 } },
    );
    return holder !== null;
  }

  /** Sets operator-managed fields (suspension, quota override). */
  async update(
    id: ObjectId,
    changes: Partial<Pick<OrganizationDocument, 'suspended' | 'suspendedReason' | 'quotaOverride'>>,
  ): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { ...changes, updatedAt: new Date() } });
    this.forget(id);
  }

  /** Reads an organization from the master, bypassing the cache. */
  async findFresh(id: ObjectId): Promise<OrganizationDocument | null> {
    const document = await retryInterrupted(() => this.collection.findOne({ _id: id }));
    this.cache.set(id.toHexString(), { document, readAtMs: Date.now() });
    return document;
  }

  /** Sets the plan of an organization. */
  async setPlan(id: ObjectId, plan: Plan): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { plan, updatedAt: new Date() } });
    this.forget(id);
  }

  /** Moves an organization to another lifecycle state. */
  async setState(id: ObjectId, state: OrganizationDocument['state']): Promise<void> {
    const now = new Date();
    await this.collection.updateOne(
      { _id: id },
      { $set: { state, stateChangedAt: now, updatedAt: now } },
    );
    this.forget(id);
  }

  async delete(id: ObjectId): Promise<void> {
    await this.collection.deleteOne({ _id: id });
    this.forget(id);
  }

  /** Organizations left in a state by a process that stopped half-way. */
  findUnfinished(state: 'creating' | 'deleting', olderThan: Date): Promise<OrganizationDocument[]> {
    return retryInterrupted(() =>
      this.collection
        .find({ state, stateChangedAt: { $lt: olderThan } })
        .limit(100)
        .toArray(),
    );
  }

  forget(id: ObjectId): void {
    this.cache.delete(id.toHexString());
  }
}
