import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { DateTime as GraphQLDateTime } from '../date-time.js';
import type { ObjectId } from 'mongodb';

import { notFound } from '../../errors.js';
import type { TaskDocument } from '../../tenancy/models.js';
import type { TaskChanges } from '../../tenancy/tenant-store.js';
import type { RequestContext, TenantScope } from '../context.js';
import { pageRequest } from '../cursor.js';
import { parseId, parseOptionalId } from '../ids.js';
import { description, requiredText, tagFilter, tags } from '../validation.js';
import { TaskStatus } from './enums.js';
import { Member, toMember } from './member.js';
import { PageInfo, connectionOf } from './page-info.js';
import { PageArgs } from './page-args.js';
import { Project, toProject } from './project.js';

@ObjectType()
export class Task {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => TaskStatus)
  status!: TaskStatus;

  @Field(() => [String])
  tags!: string[];

  @Field(() => GraphQLDateTime, { nullable: true })
  dueAt!: Date | null;

  @Field(() => GraphQLDateTime)
  createdAt!: Date;

  @Field(() => GraphQLDateTime)
  updatedAt!: Date;

  projectId!: ObjectId;
  assigneeId!: ObjectId | null;
}

@ObjectType()
export class TaskConnection {
  @Field(() => [Task])
  nodes!: Task[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: Promise<number>;
}

@InputType()
export class CreateTaskInput {
  @Field(() => ID)
  projectId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => TaskStatus, { nullable: true, defaultValue: TaskStatus.TODO })
  status?: TaskStatus | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => GraphQLDateTime, { nullable: true })
  dueAt?: Date | null;

  @Field(() => ID, { nullable: true })
  assigneeId?: string | null;
}

@InputType()
export class UpdateTaskInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => TaskStatus, { nullable: true })
  status?: TaskStatus | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => GraphQLDateTime, { nullable: true })
  dueAt?: Date | null;

  @Field(() => ID, { nullable: true })
  assigneeId?: string | null;
}

@InputType()
export class TaskFilter {
  @Field(() => ID, { nullable: true })
  projectId?: string | null;

  @Field(() => TaskStatus, { nullable: true })
  status?: TaskStatus | null;

  @Field(() => ID, { nullable: true })
  assigneeId?: string | null;

  @Field(() => String, { nullable: true })
  tag?: string | null;
}

/** `Query.tasks`: a page of the tenant's tasks, narrowed by a filter. */
@ArgsType()
export class TaskListArgs extends PageArgs {
  @Field(() => TaskFilter, { nullable: true })
  filter?: TaskFilter | null;
}

/** The GraphQL view of a task document. */
export function toTask(document: TaskDocument): Task {
  return {
    id: document._id.toHexString(),
    title: document.title,
    description: document.description,
    status: document.status,
    tags: document.tags,
    dueAt: document.dueAt,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    projectId: document.projectId,
    assigneeId: document.assigneeId,
  };
}

@Resolver(() => Task)
export class TaskResolver {
  @Authorized()
  @Query(() => Task, { nullable: true })
  async task(
    @Arg('id', () => ID) rawId: string,
    @Ctx() context: RequestContext,
  ): Promise<Task | null> {
    const id = parseId('id', rawId);
    const { loaders } = await context.tenant();
    const task = await loaders.task.load(id);
    return task ? toTask(task) : null;
  }

  @Authorized()
  @Query(() => TaskConnection)
  async tasks(
    @Args(() => TaskListArgs) { first, after, filter }: TaskListArgs,
    @Ctx() context: RequestContext,
  ): Promise<TaskConnection> {
    const page = pageRequest('task', first, after);
    const selection = {
      projectId: parseOptionalId('filter.projectId', filter?.projectId),
      status: filter?.status ?? undefined,
      assigneeId: parseOptionalId('filter.assigneeId', filter?.assigneeId),
      tag: tagFilter('filter.tag', filter?.tag),
    };

    const { store } = await context.tenant();
    const tasks = await store.pageTasks(selection, page);
    return connectionOf('task', tasks, toTask, () => store.countTasks(selection));
  }

  @Authorized()
  @Mutation(() => Task)
  async createTask(
    @Arg('input', () => CreateTaskInput) input: CreateTaskInput,
    @Ctx() context: RequestContext,
  ): Promise<Task> {
    const projectId = parseId('projectId', input.projectId);
    const assigneeId = parseOptionalId('assigneeId', input.assigneeId) ?? null;
    const title = requiredText('title', input.title, 200);
    const text = description('description', input.description) ?? null;
    const taskTags = tags('tags', input.tags) ?? [];

    const scope = await context.tenant();
    await requireProject(scope, projectId, input.projectId);
    if (assigneeId) await requireMember(scope, assigneeId, input.assigneeId as string);

    const now = new Date();
    const task = await scope.store.insertTask({
      projectId,
      title,
      description: text,
      status: input.status ?? 'TODO',
      tags: taskTags,
      dueAt: input.dueAt ?? null,
      assigneeId,
      createdAt: now,
      updatedAt: now,
    });
    return toTask(task);
  }

  @Authorized()
  @Mutation(() => Task)
  async updateTask(
    @Arg('input', () => UpdateTaskInput) input: UpdateTaskInput,
    @Ctx() context: RequestContext,
  ): Promise<Task> {
    const id = parseId('id', input.id);
    const changes = taskChanges(input);
    const scope = await context.tenant();
    if (changes.assigneeId)
      await requireMember(scope, changes.assigneeId, input.assigneeId as string);

    const updated = await scope.store.updateTask(id, changes);
    if (!updated) throw notFound('task', input.id);
    return toTask(updated);
  }

  @Authorized('OWNER', 'ADMIN')
  @Mutation(() => Boolean)
  async deleteTask(
    @Arg('id', () => ID) rawId: string,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    const id = parseId('id', rawId);
    const { store } = await context.tenant();
    if (!(await store.deleteTask(id))) throw notFound('task', rawId);
    return true;
  }

  @FieldResolver(() => Project)
  async project(@Root() task: Task, @Ctx() context: RequestContext): Promise<Project> {
    const { loaders } = await context.tenant();
    const project = await loaders.project.load(task.projectId);
    if (!project) throw notFound('project', task.projectId.toHexString());
    return toProject(project);
  }

  @FieldResolver(() => Member, { nullable: true })
  async assignee(@Root() task: Task, @Ctx() context: RequestContext): Promise<Member | null> {
    if (!task.assigneeId) return null;
    const { loaders } = await context.tenant();
    const member = await loaders.member.load(task.assigneeId);
    return member ? toMember(member) : null;
  }
}

/** Validated changes of an update; an explicit null clears a nullable field. */
function taskChanges(input: UpdateTaskInput): TaskChanges {
  const changes: TaskChanges = { updatedAt: new Date() };
  if (input.title !== undefined && input.title !== null)
    changes.title = requiredText('title', input.title, 200);
  const text = description('description', input.description);
  if (text !== undefined) changes.description = text;
  if (input.status) changes.status = input.status;
  const taskTags = tags('tags', input.tags);
  if (taskTags !== undefined) changes.tags = taskTags;
  if (input.dueAt !== undefined) changes.dueAt = input.dueAt;
  if (input.assigneeId !== undefined) {
    changes.assigneeId = parseOptionalId('assigneeId', input.assigneeId) ?? null;
  }
  return changes;
}

async function requireProject(scope: TenantScope, id: ObjectId, rawId: string): Promise<void> {
  if (!(await scope.loaders.project.load(id))) throw notFound('project', rawId);
}

async function requireMember(scope: TenantScope, id: ObjectId, rawId: string): Promise<void> {
  if (!(await scope.loaders.member.load(id))) throw notFound('member', rawId);
}
