import {
  Arg,
  Args,
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

import { notFound } from '../../errors.js';
import type { ProjectDocument } from '../../tenancy/models.js';
import type { RequestContext } from '../context.js';
import { pageRequest } from '../cursor.js';
import { parseId } from '../ids.js';
import { description, requiredText } from '../validation.js';
import { PageInfo, connectionOf } from './page-info.js';
import { PageArgs, ProjectTasksArgs } from './page-args.js';
import { TaskConnection, toTask } from './task.js';

@ObjectType()
export class Project {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => GraphQLDateTime)
  createdAt!: Date;

  @Field(() => GraphQLDateTime)
  updatedAt!: Date;
}

@ObjectType()
export class ProjectConnection {
  @Field(() => [Project])
  nodes!: Project[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: Promise<number>;
}

@InputType()
export class CreateProjectInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class UpdateProjectInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

/** The GraphQL view of a project document. */
export function toProject(document: ProjectDocument): Project {
  return {
    id: document._id.toHexString(),
    name: document.name,
    description: document.description,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}

@Resolver(() => Project)
export class ProjectResolver {
  @Authorized()
  @Query(() => Project, { nullable: true })
  async project(
    @Arg('id', () => ID) rawId: string,
    @Ctx() context: RequestContext,
  ): Promise<Project | null> {
    const id = parseId('id', rawId);
    const { loaders } = await context.tenant();
    const project = await loaders.project.load(id);
    return project ? toProject(project) : null;
  }

  @Authorized()
  @Query(() => ProjectConnection)
  async projects(
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ProjectConnection> {
    const { store } = await context.tenant();
    const page = await store.pageProjects(pageRequest('project', first, after));
    return connectionOf('project', page, toProject, () => store.countProjects());
  }

  @Authorized('OWNER', 'ADMIN')
  @Mutation(() => Project)
  async createProject(
    @Arg('input', () => CreateProjectInput) input: CreateProjectInput,
    @Ctx() context: RequestContext,
  ): Promise<Project> {
    const name = requiredText('name', input.name, 120);
    const text = description('description', input.description) ?? null;

    const { store } = await context.tenant();
    const now = new Date();
    return toProject(
      await store.insertProject({ name, description: text, createdAt: now, updatedAt: now }),
    );
  }

  @Authorized('OWNER', 'ADMIN')
  @Mutation(() => Project)
  async updateProject(
    @Arg('input', () => UpdateProjectInput) input: UpdateProjectInput,
    @Ctx() context: RequestContext,
  ): Promise<Project> {
    const id = parseId('id', input.id);
    const name =
      input.name === undefined || input.name === null
        ? undefined
        : requiredText('name', input.name, 120);
    const text = description('description', input.description);

    const { store } = await context.tenant();
    const changes = {
      ...(name !== undefined ? { name } : {}),
      ...(text !== undefined ? { description: text } : {}),
      updatedAt: new Date(),
    };
    const updated = await store.updateProject(id, changes);
    if (!updated) throw notFound('project', input.id);
    return toProject(updated);
  }

  @Authorized('OWNER', 'ADMIN')
  @Mutation(() => Boolean)
  async deleteProject(
    @Arg('id', () => ID) rawId: string,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    const id = parseId('id', rawId);
    const { store } = await context.tenant();
    if (!(await store.deleteProject(id))) throw notFound('project', rawId);
    return true;
  }

  @FieldResolver(() => TaskConnection)
  async tasks(
    @Root() root: Project,
    @Args(() => ProjectTasksArgs) { first, after, status }: ProjectTasksArgs,
    @Ctx() context: RequestContext,
  ): Promise<TaskConnection> {
    const page = pageRequest('task', first, after);
    const { loaders } = await context.tenant();
    const projectId = parseId('id', root.id);
    const key = { projectId, first: page.first, after: page.after, status: status ?? undefined };

    const tasks = await loaders.projectTasks.load(key);
    return connectionOf('task', tasks, toTask, () =>
      loaders.projectTaskCount.load({ projectId, status: status ?? undefined }),
    );
  }
}
