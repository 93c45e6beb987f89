import { ArgsType, Field, Int } from 'type-graphql';

import { TaskStatus } from './enums.js';

/** `first` and `after` of every connection field; `first` null or omitted means 20. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20 })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

/** `Project.tasks` also narrows by status. */
@ArgsType()
export class ProjectTasksArgs extends PageArgs {
  @Field(() => TaskStatus, { nullable: true })
  status?: TaskStatus | null;
}
