import { Authorized, Ctx, Field, Float, Int, ObjectType, Query, Resolver } from 'type-graphql';

import { ErrorCode, clientError } from '../../errors.js';
import type { QuotaHandle } from '../../quota/payer.js';
import type { RequestContext } from '../context.js';
import { Plan } from './enums.js';

@ObjectType()
export class QuotaStatus {
  @Field(() => Plan)
  plan!: Plan;

  @Field(() => Float)
  maximumAvailable!: number;

  @Field(() => Float)
  currentlyAvailable!: number;

  @Field(() => Float)
  restoreRate!: number;

  @Field(() => Int)
  maxQueryCost!: number;

  @Field(() => Int)
  concurrency!: number;
}

/** The live status of a payer's quota. */
export async function quotaStatusOf(handle: QuotaHandle): Promise<QuotaStatus> {
  const { limits, plan } = handle.payer;
  return {
    plan: plan as Plan,
    maximumAvailable: limits.maximumAvailable,
    currentlyAvailable: Math.floor((await handle.currentlyAvailable()) * 100) / 100,
    restoreRate: limits.restoreRate,
    maxQueryCost: limits.maxQueryCost,
    concurrency: limits.concurrency,
  };
}

@Resolver(() => QuotaStatus)
export class QuotaStatusResolver {
  /** The caller's organization's budget as it stands, this operation's charge included. */
  @Authorized()
  @Query(() => QuotaStatus)
  async quota(@Ctx() context: RequestContext): Promise<QuotaStatus> {
    if (!context.quota)
      throw clientError(ErrorCode.INTERNAL_SERVER_ERROR, 'The quota of this request is unknown.');
    return quotaStatusOf(context.quota);
  }
}
