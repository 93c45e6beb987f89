import DataLoader from 'dataloader';
import { ObjectId } from 'mongodb';

import type { MemberRepository } from '../tenancy/members.js';
import type {
  MemberDocument,
  Page,
  ProjectDocument,
  TaskDocument,
  TaskStatus,
} from '../tenancy/models.js';
import type { TenantStore } from '../tenancy/tenant-store.js';

/** Arguments of one `Project.tasks` field, as a loader key. */
export interface ProjectTasksKey {
  projectId: ObjectId;
  first: number;
  after: ObjectId | null;
  status: TaskStatus | undefined;
}

/**
 * Batching loaders of one request of one tenant. They are built with the request's tenant store,
 * so a key can never reach another tenant, and they die with the request.
 */
export interface Loaders {
  project: DataLoader<ObjectId, ProjectDocument | null, string>;
  task: DataLoader<ObjectId, TaskDocument | null, string>;
  member: DataLoader<ObjectId, MemberDocument | null, string>;
  projectTasks: DataLoader<ProjectTasksKey, Page<TaskDocument>, string>;
  projectTaskCount: DataLoader<
    { projectId: ObjectId; status: TaskStatus | undefined },
    number,
    string
  >;
}

/** Builds the loaders of one request. */
export function createLoaders(store: TenantStore, members: MemberRepository): Loaders {
  const byId = { cacheKeyFn: (id: ObjectId) => id.toHexString() };

  return {
    // Batch functions are async so that a spent deadline rejects the keys (TIMEOUT) instead of
    // throwing synchronously, which DataLoader reports as its own misuse.
    project: new DataLoader(async (ids) => inKeyOrder(ids, store.findProjects(ids)), byId),
    task: new DataLoader(async (ids) => inKeyOrder(ids, store.findTasks(ids)), byId),
    member: new DataLoader(
      async (ids) => inKeyOrder(ids, members.findInOrganization(store.tenantId, ids)),
      byId,
    ),
    projectTasks: new DataLoader(async (keys) => loadProjectTasks(store, keys), {
      cacheKeyFn: (key) => `${key.projectId}|${key.first}|${key.after ?? ''}|${key.status ?? ''}`,
    }),
    projectTaskCount: new DataLoader(async (keys) => loadProjectTaskCounts(store, keys), {
      cacheKeyFn: (key) => `${key.projectId}|${key.status ?? ''}`,
    }),
  };
}

/** One result per key, in key order: what DataLoader requires of a batch. */
async function inKeyOrder<T extends { _id: ObjectId }>(
  ids: readonly ObjectId[],
  found: Promise<T[]>,
): Promise<(T | null)[]> {
  const byId = new Map((await found).map((document) => [document._id.toHexString(), document]));
  return ids.map((id) => byId.get(id.toHexString()) ?? null);
}

/** Groups the keys by their page arguments, one store call per group. */
async function loadProjectTasks(
  store: TenantStore,
  keys: readonly ProjectTasksKey[],
): Promise<Page<TaskDocument>[]> {
  const groups = groupBy(keys, (key) => `${key.first}|${key.after ?? ''}|${key.status ?? ''}`);
  const pagesByGroup = new Map<string, Map<string, Page<TaskDocument>>>();

  await Promise.all(
    [...groups].map(async ([groupKey, members]) => {
      const { first, after, status } = members[0];
      const projectIds = members.map((key) => key.projectId);
      pagesByGroup.set(
        groupKey,
        await store.pageTasksOfProjects(projectIds, status, { first, after }),
      );
    }),
  );

  return keys.map((key) => {
    const groupKey = `${key.first}|${key.after ?? ''}|${key.status ?? ''}`;
    const page = pagesByGroup.get(groupKey)?.get(key.projectId.toHexString());
    return page ?? { nodes: [], hasNextPage: false };
  });
}

async function loadProjectTaskCounts(
  store: TenantStore,
  keys: readonly { projectId: ObjectId; status: TaskStatus | undefined }[],
): Promise<number[]> {
  const groups = groupBy(keys, (key) => key.status ?? '');
  const countsByStatus = new Map<string, Map<string, number>>();

  await Promise.all(
    [...groups].map(async ([status, members]) => {
      const projectIds = members.map((key) => key.projectId);
      countsByStatus.set(status, await store.countTasksOfProjects(projectIds, members[0].status));
    }),
  );

  return keys.map(
    (key) => countsByStatus.get(key.status ?? '')?.get(key.projectId.toHexString()) ?? 0,
  );
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}
