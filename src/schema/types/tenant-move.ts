import {
  Arg,
  Ctx,
  Field,
  ID,
  Int,
  ObjectType,
  Query,
  Resolver,
  UseMiddleware,
  registerEnumType,
} from 'type-graphql';

import type { MoveDocument, MoveState as MoveStateName } from '../../tenancy/moves/move-model.js';
import type { RequestContext } from '../context.js';
import { DateTime as GraphQLDateTime } from '../date-time.js';
import { parseId } from '../ids.js';
import { OperatorOnly } from '../operator-guard.js';
import { IsolationTier } from './enums.js';

export const MoveState = {
  PENDING: 'PENDING',
  COPYING: 'COPYING',
  SWITCHING: 'SWITCHING',
  DONE: 'DONE',
  FAILED: 'FAILED',
} as const;
registerEnumType(MoveState, { name: 'MoveState' });

@ObjectType()
export class TenantMove {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  tenantId!: string;

  @Field(() => IsolationTier)
  fromTier!: IsolationTier;

  @Field(() => IsolationTier)
  toTier!: IsolationTier;

  @Field(() => String)
  fromCluster!: string;

  @Field(() => String)
  toCluster!: string;

  @Field(() => MoveState)
  state!: MoveStateName;

  @Field(() => Int)
  copied!: number;

  @Field(() => Int)
  total!: number;

  @Field(() => GraphQLDateTime)
  startedAt!: Date;

  @Field(() => GraphQLDateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'How long writes were held during the switch, in milliseconds.',
  })
  switchMs!: number | null;
}

/** The operator's view of a move record. */
export function toTenantMove(move: MoveDocument): TenantMove {
  return {
    id: move._id.toHexString(),
    tenantId: move.tenantId.toHexString(),
    fromTier: move.from.tier,
    toTier: move.to.tier,
    fromCluster: move.from.cluster,
    toCluster: move.to.cluster,
    state: move.state,
    copied: move.copied,
    total: move.total,
    startedAt: move.startedAt,
    finishedAt: move.finishedAt,
    error: move.error,
    switchMs: (move as MoveDocument & { switchMs?: number }).switchMs ?? null,
  };
}

@Resolver(() => TenantMove)
export class TenantMoveResolver {
  @UseMiddleware(OperatorOnly)
  @Query(() => TenantMove, { nullable: true })
  async tenantMove(
    @Arg('id', () => ID) rawId: string,
    @Ctx() context: RequestContext,
  ): Promise<TenantMove | null> {
    const move = await context.services.moves.find(parseId('id', rawId));
    return move ? toTenantMove(move) : null;
  }
}
