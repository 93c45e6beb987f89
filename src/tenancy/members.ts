import { MongoServerError, type Collection, type Db, type ObjectId } from 'mongodb';

import { retryInterrupted } from '../storage/interrupted-reads.js';
import { byIds } from './collection-store.js';
import type { MemberDocument, Page, PageRequest, Role } from './models.js';

/** Raised when the email already belongs to a member anywhere in the service. */
export class EmailTakenError extends Error {
  constructor() {
    super('Email is taken');
  }
}

/** The master `members` collection: member accounts of every organization. */
export class MemberRepository {
  readonly collection: Collection<MemberDocument>;

  constructor(masterDb: Db) {
    this.collection = masterDb.collection<MemberDocument>('members');
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ email: 1 }, { unique: true });
    await this.collection.createIndex({ organizationId: 1, _id: 1 });
    await this.collection.createIndex({ organizationId: 1, role: 1 });
  }

  /** Inserts a member; EmailTakenError when the email exists. */
  async insert(member: MemberDocument): Promise<void> {
    try {
      await this.collection.insertOne(member);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) throw new EmailTakenError();
      throw error;
    }
  }

  /** Looks a member up by normalised email, for login. */
  findByEmail(email: string): Promise<MemberDocument | null> {
    return retryInterrupted(() => this.collection.findOne({ email }));
  }

  /** Members of one organization among the given ids. */
  findInOrganization(
    organizationId: ObjectId,
    ids: readonly ObjectId[],
  ): Promise<MemberDocument[]> {
    // One batch: the driver's default first batch of 101 would split a page's assignees.
    return retryInterrupted(() =>
      this.collection.find({ organizationId, ...byIds(ids) }, { batchSize: 1_000 }).toArray(),
    );
  }

  /** A keyset page of an organization's members. */
  async page(organizationId: ObjectId, page: PageRequest): Promise<Page<MemberDocument>> {
    const keyset = page.after ? { _id: { $gt: page.after } } : {};
    const members = await retryInterrupted(() =>
      this.collection
        .find({ organizationId, ...keyset })
        .sort({ _id: 1 })
        .limit(page.first + 1)
        .toArray(),
    );
    return { nodes: members.slice(0, page.first), hasNextPage: members.length > page.first };
  }

  count(organizationId: ObjectId): Promise<number> {
    return this.collection.countDocuments({ organizationId });
  }

  countOwners(organizationId: ObjectId): Promise<number> {
    return this.collection.countDocuments({ organizationId, role: 'OWNER' });
  }

  /** Changes a role and raises the token generation; returns the member after the change. */
  setRole(organizationId: ObjectId, id: ObjectId, role: Role): Promise<MemberDocument | null> {
    return this.collection.findOneAndUpdate(
      { _id: id, organizationId },
      { $set: { role, updatedAt: new Date() }, $inc: { tokenGeneration: 1 } },
      { returnDocument: 'after' },
    );
  }

  /** Replaces the password hash and raises the token generation. */
  setPasswordHash(organizationId: ObjectId, id: ObjectId, passwordHash: string) {
    return this.collection.findOneAndUpdate(
      { _id: id, organizationId },
      { $set: { passwordHash, updatedAt: new Date() }, $inc: { tokenGeneration: 1 } },
      { returnDocument: 'after' },
    );
  }

  async delete(organizationId: ObjectId, id: ObjectId): Promise<boolean> {
    const { deletedCount } = await this.collection.deleteOne({ _id: id, organizationId });
    return deletedCount > 0;
  }

  async deleteAll(organizationId: ObjectId): Promise<void> {
    await this.collection.deleteMany({ organizationId });
  }
}
