import type { Db, ObjectId } from 'mongodb';

import type { ClusterSet } from '../storage/clusters.js';
import type { TenantCollections } from './collection-store.js';
import type { IsolationTier, ProjectDocument, TaskDocument } from './models.js';

/** Where one tenant's projects and tasks live. */
export interface Placement {
  tier: IsolationTier;
  cluster: string;
}

/** Indexes of the task and project collections; every one led by the organization id. */
const PROJECT_INDEXES = [{ organizationId: 1, _id: 1 }] as const;
const TASK_INDEXES = [
  { organizationId: 1, _id: 1 },
  { organizationId: 1, projectId: 1, _id: 1 },
  { organizationId: 1, status: 1, _id: 1 },
  { organizationId: 1, assigneeId: 1, _id: 1 },
  { organizationId: 1, tags: 1, _id: 1 },
] as const;

/**
 * Resolves a placement to its collections, creating their indexes the first time a process
 * uses them (not at every request).
 */
export class PlacementResolver {
  private readonly prepared = new Map<string, Promise<void>>();

  constructor(private readonly clusters: ClusterSet) {}

  /** The collections of a tenant's placement, with indexes ensured. */
  async collectionsOf(tenantId: string, placement: Placement): Promise<TenantCollections> {
    const { db, prefix } = this.locate(tenantId, placement);
    const collections = {
      projects: db.collection<ProjectDocument>(`${prefix}projects`),
      tasks: db.collection<TaskDocument>(`${prefix}tasks`),
    };

    const key = `${placement.cluster}/${db.databaseName}/${prefix}`;
    let ready = this.prepared.get(key);
    if (!ready) {
      ready = ensureIndexes(collections);
      this.prepared.set(key, ready);
      ready.catch(() => this.prepared.delete(key));
    }
    await ready;
    return collections;
  }

  /** Forgets that a placement's indexes exist, after its storage was dropped. */
  forgetPrepared(tenantId: string, placement: Placement): void {
    const { db, prefix } = this.locate(tenantId, placement);
    this.prepared.delete(`${placement.cluster}/${db.databaseName}/${prefix}`);
  }

  /** Database and collection prefix: names come from the immutable id, never from the name. */
  locate(tenantId: string, placement: Placement): { db: Db; prefix: string } {
    const cluster = this.clusters.get(placement.cluster);
    if (placement.tier === 'SHARED') return { db: cluster.db, prefix: '' };
    if (placement.tier === 'COLLECTION') return { db: cluster.db, prefix: `org_${tenantId}_` };
    return { db: cluster.client.db(`tg_${tenantId}`), prefix: '' };
  }
}

/** Removes a tenant's documents at a placement, and its own collections or database with them. */
export async function dropTenantStorage(
  resolver: PlacementResolver,
  tenantId: ObjectId,
  placement: Placement,
): Promise<void> {
  const { db, prefix } = resolver.locate(tenantId.toHexString(), placement);
  const organizationId = tenantId;
  for (const name of ['tasks', 'projects']) {
    await db.collection(`${prefix}${name}`).deleteMany({ organizationId });
  }
  resolver.forgetPrepared(tenantId.toHexString(), placement);
  if (placement.tier === 'SHARED') return;

  // The tenant's own storage goes too; missing collections are fine (a repeat of this step).
  if (placement.tier === 'DATABASE') await db.dropDatabase();
  else
    for (const name of ['tasks', 'projects'])
      await db
        .collection(`${prefix}${name}`)
        .drop()
        .catch(() => false);
}

async function ensureIndexes(collections: TenantCollections): Promise<void> {
  await Promise.all([
    ...PROJECT_INDEXES.map((keys) => collections.projects.createIndex({ ...keys })),
    ...TASK_INDEXES.map((keys) => collections.tasks.createIndex({ ...keys })),
  ]);
}
