import type { Db } from 'mongodb';

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

  /** Database and collection prefix: names come from the immutable id, never from the name. */
  locate(tenantId: string, placement: Placement): { db: Db; prefix: string } {
    const cluster = this.clusters.get(placement.cluster);
    if (placement.tier === 'SHARED') return { db: cluster.db, prefix: '' };
    if (placement.tier === 'COLLECTION') return { db: cluster.db, prefix: `org_${tenantId}_` };
    return { db: cluster.client.db(`tg_${tenantId}`), prefix: '' };
  }
}

async function ensureIndexes(collections: TenantCollections): Promise<void> {
  await Promise.all([
    ...PROJECT_INDEXES.map((keys) => collections.projects.createIndex({ ...keys })),
    ...TASK_INDEXES.map((keys) => collections.tasks.createIndex({ ...keys })),
  ]);
}
