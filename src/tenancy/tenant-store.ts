import type { ObjectId } from 'mongodb';

import type { Page, PageRequest, ProjectDocument, TaskDocument, TaskStatus } from './models.js';

/** Which tasks a listing or count selects; every field narrows. */
export interface TaskSelection {
  projectId?: ObjectId;
  status?: TaskStatus;
  assigneeId?: ObjectId;
  tag?: string;
}

export type ReportDimension = 'STATUS' | 'ASSIGNEE' | 'PROJECT' | 'TAG';

/** One group of a task report. */
export interface ReportGroup {
  key: string;
  count: number;
}

export type NewProject = Omit<ProjectDocument, '_id' | 'organizationId'>;
export type NewTask = Omit<TaskDocument, '_id' | 'organizationId'>;
export type ProjectChanges = Partial<Pick<ProjectDocument, 'name' | 'description' | 'updatedAt'>>;
export type TaskChanges = Partial<
  Omit<TaskDocument, '_id' | 'organizationId' | 'projectId' | 'createdAt'>
>;

/**
 * One tenant's projects and tasks, wherever its placement keeps them. Every implementation
 * scopes every command to its tenant itself: callers never pass an organization id, and so
 * can never forget it.
 */
export interface TenantStore {
  readonly tenantId: ObjectId;

  insertProject(project: NewProject): Promise<ProjectDocument>;
  findProjects(ids: readonly ObjectId[]): Promise<ProjectDocument[]>;
  pageProjects(page: PageRequest): Promise<Page<ProjectDocument>>;
  countProjects(): Promise<number>;
  updateProject(id: ObjectId, changes: ProjectChanges): Promise<ProjectDocument | null>;
  /** Deletes the project's tasks, then the project; true when the project existed. */
  deleteProject(id: ObjectId): Promise<boolean>;

  insertTask(task: NewTask): Promise<TaskDocument>;
  findTasks(ids: readonly ObjectId[]): Promise<TaskDocument[]>;
  pageTasks(selection: TaskSelection, page: PageRequest): Promise<Page<TaskDocument>>;
  /** First pages of several projects' tasks in one command, keyed by project id. */
  pageTasksOfProjects(
    projectIds: readonly ObjectId[],
    status: TaskStatus | undefined,
    page: PageRequest,
  ): Promise<Map<string, Page<TaskDocument>>>;
  countTasks(selection: TaskSelection): Promise<number>;
  /** Task counts of several projects in one command, keyed by project id. */
  countTasksOfProjects(
    projectIds: readonly ObjectId[],
    status: TaskStatus | undefined,
  ): Promise<Map<string, number>>;
  updateTask(id: ObjectId, changes: TaskChanges): Promise<TaskDocument | null>;
  deleteTask(id: ObjectId): Promise<boolean>;
  /** Clears the assignee of every task assigned to a removed member. */
  unassignMember(memberId: ObjectId): Promise<void>;
  reportTasks(
    dimension: ReportDimension,
    projectId?: ObjectId,
  ): Promise<{ groups: ReportGroup[]; total: number }>;

  /** Removes every document of the tenant; safe to repeat. */
  dropAll(): Promise<void>;
}
