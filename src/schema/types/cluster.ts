import { Ctx, Field, Int, ObjectType, Query, Resolver, UseMiddleware } from 'type-graphql';

import type { RequestContext } from '../context.js';
import { OperatorOnly } from '../operator-guard.js';

@ObjectType()
export class Cluster {
  @Field(() => String)
  name!: string;

  @Field(() => Boolean)
  healthy!: boolean;

  @Field(() => Int)
  tenantCount!: number;
}

@Resolver(() => Cluster)
export class ClusterResolver {
  /** Every configured cluster, master first, with a ping and its number of tenants. */
  @UseMiddleware(OperatorOnly)
  @Query(() => [Cluster])
  async clusters(@Ctx() context: RequestContext): Promise<Cluster[]> {
    const { clusters, organizations } = context.services;
    return Promise.all(
      clusters.all().map(async (cluster) => ({
        name: cluster.name,
        healthy: await clusters.healthy(cluster.name),
        tenantCount: await organizations.collection.countDocuments({
          cluster: cluster.name,
          state: 'active',
        }),
      })),
    );
  }
}
