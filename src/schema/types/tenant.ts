import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  UseMiddleware,
  ArgsType,
} from 'type-graphql';
import { ObjectId } from 'mongodb';

import { badInput, conflict, notFound } from '../../errors.js';
import type { OrganizationDocument } from '../../tenancy/models.js';
import { MoveRefusedError } from '../../tenancy/moves/tenant-mover.js';
import type { RequestContext } from '../context.js';
import { pageRequest } from '../cursor.js';
import { DateTime as GraphQLDateTime } from '../date-time.js';
import { parseId } from '../ids.js';
import { OperatorOnly } from '../operator-guard.js';
import { IsolationTier, Plan } from './enums.js';
import { PageArgs } from './page-args.js';
import { PageInfo, connectionOf } from './page-info.js';
import { QuotaStatus } from './quota-status.js';
import { TenantMove, toTenantMove } from './tenant-move.js';

@ObjectType()
export class TenantUsage {
  @Field(() => Int)
  operations!: number;

  @Field(() => Float)
  costConsumed!: number;

  @Field(() => Int)
  throttled!: number;

  @Field(() => GraphQLDateTime)
  since!: Date;
}

@ObjectType()
export class Tenant {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => Plan)
  plan!: Plan;

  @Field(() => IsolationTier)
  tier!: IsolationTier;

  @Field(() => String)
  cluster!: string;

  @Field(() => Boolean)
  suspended!: boolean;

  document!: OrganizationDocument;
}

@ObjectType()
export class TenantConnection {
  @Field(() => [Tenant])
  nodes!: Tenant[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: Promise<number>;
}

@InputType()
export class QuotaOverrideInput {
  @Field(() => Float, { nullable: true })
  maximumAvailable?: number | null;

  @Field(() => Float, { nullable: true })
  restoreRate?: number | null;

  @Field(() => Int, { nullable: true })
  maxQueryCost?: number | null;

  @Field(() => Int, { nullable: true })
  concurrency?: number | null;

  @Field(() => Int, { nullable: true })
  dbTimeMs?: number | null;
}

@ArgsType()
export class TenantListArgs extends PageArgs {
  @Field(() => Plan, { nullable: true })
  plan?: Plan | null;
}

@ArgsType()
export class SetTenantPlanArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => Plan)
  plan!: Plan;
}

@ArgsType()
export class SetTenantQuotaArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => QuotaOverrideInput, { nullable: true })
  override?: QuotaOverrideInput | null;
}

@ArgsType()
export class SuspendTenantArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  reason!: string;
}

@ArgsType()
export class MoveTenantArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => IsolationTier)
  tier!: IsolationTier;

  @Field(() => String, { nullable: true })
  cluster?: string | null;
}

/** The operator's view of an organization. */
export function toTenant(document: OrganizationDocument): Tenant {
  return {
    id: document._id.toHexString(),
    name: document.name,
    slug: document.slug,
    plan: document.plan,
    tier: document.tier,
    cluster: document.cluster,
    suspended: document.suspended === true,
    document,
  };
}

@Resolver(() => Tenant)
export class TenantResolver {
  @UseMiddleware(OperatorOnly)
  @Query(() => TenantConnection)
  async tenants(
    @Args(() => TenantListArgs) { first, after, plan }: TenantListArgs,
    @Ctx() context: RequestContext,
  ): Promise<TenantConnection> {
    const page = pageRequest('tenant', first, after);
    const filter = { state: 'active' as const, ...(plan ? { plan } : {}) };
    const { collection } = context.services.organizations;
    const found = await collection
      .find({ ...filter, ...(page.after ? { _id: { $gt: page.after } } : {}) })
      .sort({ _id: 1 })
      .limit(page.first + 1)
      .toArray();
    const result = { nodes: found.slice(0, page.first), hasNextPage: found.length > page.first };
    return connectionOf('tenant', result, toTenant, () => collection.countDocuments(filter));
  }

  @UseMiddleware(OperatorOnly)
  @Query(() => Tenant, { nullable: true })
  async tenant(
    @Arg('id', () => ID) rawId: string,
    @Ctx() context: RequestContext,
  ): Promise<Tenant | null> {
    const found = await activeOrganization(context, parseId('id', rawId));
    return found ? toTenant(found) : null;
  }

  @UseMiddleware(OperatorOnly)
  @Mutation(() => Tenant)
  async setTenantPlan(
    @Args(() => SetTenantPlanArgs) { id: rawId, plan }: SetTenantPlanArgs,
    @Ctx() context: RequestContext,
  ): Promise<Tenant> {
    const organization = await requireTenant(context, rawId);
    await context.services.organizations.setPlan(organization._id, plan);
    return toTenant({ ...organization, plan });
  }

  @UseMiddleware(OperatorOnly)
  @Mutation(() => Tenant, { description: 'null clears the override.' })
  async setTenantQuota(
    @Args(() => SetTenantQuotaArgs) { id: rawId, override }: SetTenantQuotaArgs,
    @Ctx() context: RequestContext,
  ): Promise<Tenant> {
    const quotaOverride = override ? checkedOverride(override) : null;
    const organization = await requireTenant(context, rawId);
    await context.services.organizations.update(organization._id, { quotaOverride });
    return toTenant({ ...organization, quotaOverride });
  }

  @UseMiddleware(OperatorOnly)
  @Mutation(() => Tenant)
  async suspendTenant(
    @Args(() => SuspendTenantArgs) { id: rawId, reason }: SuspendTenantArgs,
    @Ctx() context: RequestContext,
  ): Promise<Tenant> {
    const text = reason.trim();
    if (text.length < 1 || text.length > 500)
      throw badInput('reason', 'A suspension needs a reason of 1 to 500 characters.');
    const organization = await requireTenant(context, rawId);
    await context.services.organizations.update(organization._id, {
      suspended: true,
      suspendedReason: text,
    });
    context.services.suspensions.mark(rawId, true);
    context.log.warn({ tenantId: rawId }, 'tenant suspended by the operator');
    return toTenant({ ...organization, suspended: true });
  }

  @UseMiddleware(OperatorOnly)
  @Mutation(() => Tenant)
  async resumeTenant(
    @Arg('id', () => ID) rawId: string,
    @Ctx() context: RequestContext,
  ): Promise<Tenant> {
    const organization = await requireTenant(context, rawId);
    await context.services.organizations.update(organization._id, {
      suspended: false,
      suspendedReason: null,
    });
    context.services.suspensions.mark(rawId, false);
    return toTenant({ ...organization, suspended: false });
  }

  @UseMiddleware(OperatorOnly)
  @Mutation(() => TenantMove, {
    description: 'Starts an online move; poll tenantMove. The cluster defaults to the current one.',
  })
  async moveTenant(
    @Args(() => MoveTenantArgs) { id: rawId, tier, cluster }: MoveTenantArgs,
    @Ctx() context: RequestContext,
  ): Promise<TenantMove> {
    const organization = await requireTenant(context, rawId);
    const targetCluster = cluster ?? organization.cluster;
    if (!context.services.clusters.has(targetCluster)) {
      throw badInput(
        'cluster',
        `No cluster is named "${targetCluster}"; the clusters field lists them.`,
      );
    }

    try {
      return toTenantMove(
        await context.services.mover.start(organization, { tier, cluster: targetCluster }),
      );
    } catch (error) {
      if (error instanceof MoveRefusedError && error.reason === 'same-placement')
        throw badInput('tier', error.message);
      if (error instanceof MoveRefusedError) throw conflict('id', error.message);
      throw error;
    }
  }

  @FieldResolver(() => QuotaStatus)
  async quota(@Root() tenant: Tenant, @Ctx() context: RequestContext): Promise<QuotaStatus> {
    const limits = context.services.limitsOf(tenant.document);
    const available = await context.services.quotaBuckets.peek(`tenant:${tenant.id}`, {
      capacity: limits.maximumAvailable,
      refillPerSecond: limits.restoreRate,
    });
    return {
      plan: tenant.plan,
      maximumAvailable: limits.maximumAvailable,
      currentlyAvailable: Math.floor(available * 100) / 100,
      restoreRate: limits.restoreRate,
      maxQueryCost: limits.maxQueryCost,
      concurrency: limits.concurrency,
    };
  }

  @FieldResolver(() => TenantUsage, { description: 'The last 24 hours.' })
  usage(@Root() tenant: Tenant, @Ctx() context: RequestContext): Promise<TenantUsage> {
    return context.services.usage.usageOf(tenant.id);
  }
}

async function activeOrganization(
  context: RequestContext,
  id: ObjectId,
): Promise<OrganizationDocument | null> {
  const found = await context.services.organizations.collection.findOne({ _id: id });
  return found && found.state === 'active' ? found : null;
}

async function requireTenant(
  context: RequestContext,
  rawId: string,
): Promise<OrganizationDocument> {
  const found = await activeOrganization(context, parseId('id', rawId));
  if (!found) throw notFound('tenant', rawId);
  return found;
}

/** Every given limit must be a positive number; absent ones keep the plan's. */
function checkedOverride(
  override: QuotaOverrideInput,
): NonNullable<OrganizationDocument['quotaOverride']> {
  const checked: NonNullable<OrganizationDocument['quotaOverride']> = {};
  for (const name of [
    'maximumAvailable',
    'restoreRate',
    'maxQueryCost',
    'concurrency',
    'dbTimeMs',
  ] as const) {
    const value = override[name];
    if (value === null || value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0)
      throw badInput(`override.${name}`, `"${name}" must be a positive number.`);
    checked[name] = value;
  }
  return checked;
}
