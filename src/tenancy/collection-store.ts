import { ObjectId, type Collection, type Filter } from 'mongodb';

import { retryInterrupted } from '../storage/interrupted-reads.js';
import type { Deadline } from './deadline.js';
import type { Page, PageRequest, ProjectDocument, TaskDocument, TaskStatus } from './models.js';
import type {
  NewProject,
  NewTask,
  ProjectChanges,
  ReportDimension,
  ReportGroup,
  TaskChanges,
  TaskSelection,
  TenantStore,
} from './tenant-store.js';
import { DirectWriter, outcomeOf, type TenantWriter } from './tenant-writer.js';

/** Where a tenant's documents live: the two collections of its placement. */
export interface TenantCollections {
  projects: Collection<ProjectDocument>;
  tasks: Collection<TaskDocument>;
}

/** A getMore per this many documents at most, so a batch costs few round trips. */
const BATCH_SIZE = 1_000;

/**
 * The tenant store over a pair of collections. Every document carries its organization id and
 * every filter starts with it, whether the collections are shared by many tenants (SHARED) or
 * belong to this one (COLLECTION, DATABASE): a document written under one placement is found
 * under another after a move, and a mistake in a placement cannot widen a query.
 */
export class CollectionTenantStore implements TenantStore {
  private readonly writer: TenantWriter;

  constructor(
    readonly tenantId: ObjectId,
    private readonly collections: TenantCollections,
    private readonly deadline: Deadline,
    writer?: TenantWriter,
  ) {
    this.writer = writer ?? new DirectWriter(collections);
    // Checked at run time too: an undefined id would be sent as null, or dropped, by the driver
    // and reach other tenants' documents.
    if (!tenantId || typeof tenantId.toHexString !== 'function') {
      throw new Error('A tenant store needs the tenant id of the request');
    }
  }

  async insertProject(project: NewProject): Promise<ProjectDocument> {
    this.deadline.beforeWrite();
    const document = { ...project, _id: new ObjectId(), organizationId: this.tenantId };
    await this.writer.write(
      async () => ({ projects: [document._id] }),
      (collections) => collections.projects.insertOne(document),
      () => outcomeOf('projects', document._id, document),
    );
    return document;
  }

  findProjects(ids: readonly ObjectId[]): Promise<ProjectDocument[]> {
    return retryInterrupted(() =>
      this.collections.projects.find(this.scoped(byIds(ids)), this.byIdsRead()).toArray(),
    );
  }

  pageProjects(page: PageRequest): Promise<Page<ProjectDocument>> {
    return this.page(this.collections.projects, {}, page);
  }

  countProjects(): Promise<number> {
    return retryInterrupted(() =>
      this.collections.projects.countDocuments(this.scoped({}), this.deadline.read()),
    );
  }

  async updateProject(id: ObjectId, changes: ProjectChanges): Promise<ProjectDocument | null> {
    this.deadline.beforeWrite();
    return this.writer.write(
      async () => ({ projects: [id] }),
      (collections) =>
        collections.projects.findOneAndUpdate(
          this.scoped({ _id: id }),
          { $set: changes },
          { returnDocument: 'after' },
        ),
    );
  }

  async deleteProject(id: ObjectId): Promise<boolean> {
    this.deadline.beforeWrite();
    return this.writer.write(
      async (collections) => ({
        projects: [id],
        tasks: await this.idsOf(collections.tasks, { projectId: id }),
      }),
      async (collections) => {
        const exists = await collections.projects.countDocuments(this.scoped({ _id: id }));
        if (exists === 0) return false;

        // Tasks first: a crash in between leaves a project without tasks, never orphaned tasks.
        await collections.tasks.deleteMany(this.scoped({ projectId: id }));
        const { deletedCount } = await collections.projects.deleteOne(this.scoped({ _id: id }));
        return deletedCount > 0;
      },
    );
  }

  async insertTask(task: NewTask): Promise<TaskDocument> {
    this.deadline.beforeWrite();
    const document = { ...task, _id: new ObjectId(), organizationId: this.tenantId };
    await this.writer.write(
      async () => ({ tasks: [document._id] }),
      (collections) => collections.tasks.insertOne(document),
      () => outcomeOf('tasks', document._id, document),
    );
    return document;
  }

  findTasks(ids: readonly ObjectId[]): Promise<TaskDocument[]> {
    return retryInterrupted(() =>
      this.collections.tasks.find(this.scoped(byIds(ids)), this.byIdsRead()).toArray(),
    );
  }

  pageTasks(selection: TaskSelection, page: PageRequest): Promise<Page<TaskDocument>> {
    return this.page(this.collections.tasks, taskFilter(selection), page);
  }

  /**
   * Keyset pages of several projects at once, in two commands whatever the page size: the ids
   * of the projects' matching tasks in order, then the chosen documents. FerretDB has no
   * `$push`, `$facet` or window stage to cut each group server-side, so the first command
   * reads (only the ids of) every matching task of the projects in the batch.
   */
  async pageTasksOfProjects(
    projectIds: readonly ObjectId[],
    status: TaskStatus | undefined,
    page: PageRequest,
  ): Promise<Map<string, Page<TaskDocument>>> {
    const filter = this.scoped({
      ...taskFilter({ status }),
      projectId: { $in: [...projectIds] },
      ...(page.after ? { _id: { $gt: page.after } } : {}),
    });
    const refs = await retryInterrupted(() =>
      this.collections.tasks
        .find(filter, {
          ...this.deadline.read(),
          projection: { _id: 1, projectId: 1 },
          batchSize: BATCH_SIZE,
        })
        .sort({ projectId: 1, _id: 1 })
        .toArray(),
    );

    const chosen = new Map<string, { ids: ObjectId[]; hasNextPage: boolean }>();
    for (const ref of refs) {
      const key = ref.projectId.toHexString();
      const group = chosen.get(key) ?? { ids: [], hasNextPage: false };
      if (group.ids.length < page.first) group.ids.push(ref._id);
      else group.hasNextPage = true;
      chosen.set(key, group);
    }

    const allIds = [...chosen.values()].flatMap((group) => group.ids);
    const documents = allIds.length > 0 ? await this.findTasks(allIds) : [];
    const byId = new Map(documents.map((task) => [task._id.toHexString(), task]));

    const pages = new Map<string, Page<TaskDocument>>();
    for (const [projectId, group] of chosen) {
      const nodes = group.ids.map((id) => byId.get(id.toHexString())).filter(isPresent);
      pages.set(projectId, { nodes, hasNextPage: group.hasNextPage });
    }
    return pages;
  }

  countTasks(selection: TaskSelection): Promise<number> {
    return retryInterrupted(() =>
      this.collections.tasks.countDocuments(
        this.scoped(taskFilter(selection)),
        this.deadline.read(),
      ),
    );
  }

  async countTasksOfProjects(
    projectIds: readonly ObjectId[],
    status: TaskStatus | undefined,
  ): Promise<Map<string, number>> {
    const match = this.scoped({ ...taskFilter({ status }), projectId: { $in: [...projectIds] } });
    const groups = await retryInterrupted(() =>
      this.collections.tasks
        .aggregate<{ _id: ObjectId; count: number }>(
          [{ $match: match }, { $group: { _id: '$projectId', count: { $sum: 1 } } }],
          this.deadline.read(),
        )
        .toArray(),
    );
    return new Map(groups.map((group) => [group._id.toHexString(), group.count]));
  }

  async updateTask(id: ObjectId, changes: TaskChanges): Promise<TaskDocument | null> {
    this.deadline.beforeWrite();
    return this.writer.write(
      async () => ({ tasks: [id] }),
      (collections) =>
        collections.tasks.findOneAndUpdate(
          this.scoped({ _id: id }),
          { $set: changes },
          { returnDocument: 'after' },
        ),
    );
  }

  async deleteTask(id: ObjectId): Promise<boolean> {
    this.deadline.beforeWrite();
    return this.writer.write(
      async () => ({ tasks: [id] }),
      async (collections) => {
        const { deletedCount } = await collections.tasks.deleteOne(this.scoped({ _id: id }));
        return deletedCount > 0;
      },
      () => outcomeOf('tasks', id, null),
    );
  }

  async unassignMember(memberId: ObjectId): Promise<void> {
    await this.writer.write(
      async (collections) => ({
        tasks: await this.idsOf(collections.tasks, { assigneeId: memberId }),
      }),
      (collections) =>
        collections.tasks.updateMany(this.scoped({ assigneeId: memberId }), {
          $set: { assigneeId: null, updatedAt: new Date() },
        }),
    );
  }

  async reportTasks(
    dimension: ReportDimension,
    projectId?: ObjectId,
  ): Promise<{ groups: ReportGroup[]; total: number }> {
    const match = this.scoped(projectId ? { projectId } : {});
    const field = REPORT_FIELDS[dimension];
    const pipeline = [
      { $match: match },
      ...(dimension === 'TAG' ? [{ $unwind: '$tags' }] : []),
      { $group: { _id: `$${field}`, count: { $sum: 1 } } },
    ];
    const [groups, total] = await retryInterrupted(() => {
      // Both commands get their options before either starts: `read()` throws once the time is
      // spent, and a throw between the two left the first running with nobody to await it (its
      // rejection, unhandled, stopped the whole process).
      const read = this.deadline.read();
      return Promise.all([
        this.collections.tasks.aggregate<{ _id: unknown; count: number }>(pipeline, read).toArray(),
        this.collections.tasks.countDocuments(match, read),
      ]);
    });

    const report = groups.map((group) => ({ key: reportKey(group._id), count: group.count }));
    report.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    return { groups: report, total };
  }

  async dropAll(): Promise<void> {
    await this.collections.tasks.deleteMany(this.scoped({}));
    await this.collections.projects.deleteMany(this.scoped({}));
  }

  /** Ids of the tenant's documents matching a filter, for a move's record of a wide write. */
  private async idsOf<T extends { _id: ObjectId; organizationId: ObjectId }>(
    collection: Collection<T>,
    filter: Filter<T>,
  ): Promise<ObjectId[]> {
    const found = await collection
      .find(this.scoped(filter), { projection: { _id: 1 }, batchSize: BATCH_SIZE })
      .toArray();
    return found.map((document) => document._id as ObjectId);
  }

  private async page<T extends { _id: ObjectId; organizationId: ObjectId }>(
    collection: Collection<T>,
    filter: Filter<T>,
    page: PageRequest,
  ): Promise<Page<T>> {
    const keyset = page.after ? { _id: { $gt: page.after } } : {};
    const documents = (await retryInterrupted(() =>
      collection
        .find(this.scoped({ ...filter, ...keyset } as Filter<T>), this.deadline.read())
        .sort({ _id: 1 })
        .limit(page.first + 1)
        .toArray(),
    )) as T[];

    return { nodes: documents.slice(0, page.first), hasNextPage: documents.length > page.first };
  }

  /**
   * Options of a read by ids: the batch size is given so that the driver's default first batch
   * (101 documents) does not split a read of a few hundred ids into several round trips, each a
   * getMore the server answers from the same scan.
   */
  private byIdsRead(): { maxTimeMS: number; batchSize: number } {
    return { ...this.deadline.read(), batchSize: BATCH_SIZE };
  }

  /** Every filter goes through here: the tenant is set last, so no caller field can replace it. */
  private scoped<T>(filter: T): T & { organizationId: ObjectId } {
    return { ...filter, organizationId: this.tenantId };
  }
}

const REPORT_FIELDS: Readonly<Record<ReportDimension, string>> = Object.freeze({
  STATUS: 'status',
  ASSIGNEE: 'assigneeId',
  PROJECT: 'projectId',
  TAG: 'tags',
});

/** Report key of a task without assignee. */
export const UNASSIGNED_KEY = 'UNASSIGNED';

function reportKey(value: unknown): string {
  if (value === null || value === undefined) return UNASSIGNED_KEY;
  if (typeof value === 'object' && 'toHexString' in value) {
    return (value as { toHexString(): string }).toHexString();
  }
  return String(value);
}

/**
 * A filter on ids: equality for one (the usual batch of a single lookup), `$in` for more. Some
 * servers answer `_id` equality from the key but scan the collection for `$in` (FerretDB's SQLite
 * handler), so the one-id case is worth the branch.
 */
export function byIds(ids: readonly ObjectId[]): { _id: ObjectId | { $in: ObjectId[] } } {
  return ids.length === 1 ? { _id: ids[0] } : { _id: { $in: [...ids] } };
}

function taskFilter(selection: TaskSelection): Filter<TaskDocument> {
  const filter: Filter<TaskDocument> = {};
  if (selection.projectId) filter.projectId = selection.projectId;
  if (selection.status) filter.status = selection.status;
  if (selection.assigneeId) filter.assigneeId = selection.assigneeId;
  if (selection.tag !== undefined) filter.tags = selection.tag;
  return filter;
}

function isPresent<T>(value: T | undefined): value is T {
  return value !== undefined;
}
