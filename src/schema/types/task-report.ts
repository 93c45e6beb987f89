import {
  Arg,
  Authorized,
  Ctx,
  Field,
  ID,
  InputType,
  Int,
  ObjectType,
  Query,
  Resolver,
} from 'type-graphql';

import type { RequestContext } from '../context.js';
import { parseOptionalId } from '../ids.js';
import { TaskReportDimension } from './enums.js';

@ObjectType()
export class ReportBucket {
  @Field(() => String)
  key!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class TaskReport {
  @Field(() => TaskReportDimension)
  dimension!: TaskReportDimension;

  @Field(() => [ReportBucket])
  buckets!: ReportBucket[];

  @Field(() => Int)
  total!: number;
}

@InputType()
export class TaskReportInput {
  @Field(() => TaskReportDimension)
  dimension!: TaskReportDimension;

  @Field(() => ID, { nullable: true })
  projectId?: string | null;
}

@Resolver(() => TaskReport)
export class TaskReportResolver {
  /**
   * Counts tasks per status, assignee (key: member id, or UNASSIGNED), project (key: project
   * id) or tag, most frequent first. For TAG, `total` counts tasks, not tag uses.
   */
  @Authorized()
  @Query(() => TaskReport)
  async taskReport(
    @Arg('input', () => TaskReportInput) input: TaskReportInput,
    @Ctx() context: RequestContext,
  ): Promise<TaskReport> {
    const projectId = parseOptionalId('projectId', input.projectId);
    const { store } = await context.tenant();
    const { groups, total } = await store.reportTasks(input.dimension, projectId);
    return { dimension: input.dimension, buckets: groups, total };
  }
}
