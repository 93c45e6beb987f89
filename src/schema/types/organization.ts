import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { DateTime as GraphQLDateTime } from '../date-time.js';

import { badInput, conflict } from '../../errors.js';
import type { OrganizationDocument } from '../../tenancy/models.js';
import { SlugTakenError } from '../../tenancy/organizations.js';
import { requireSession } from '../auth-checker.js';
import type { RequestContext } from '../context.js';
import { pageRequest } from '../cursor.js';
import { organizationName } from '../validation.js';
import { Plan } from './enums.js';
import { MemberConnection, toMember } from './member.js';
import { connectionOf } from './page-info.js';
import { PageArgs } from './page-args.js';
import { ProjectConnection, toProject } from './project.js';

@ObjectType()
export class Organization {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => Plan)
  plan!: Plan;

  @Field(() => GraphQLDateTime)
  createdAt!: Date;

  @Field(() => GraphQLDateTime)
  updatedAt!: Date;
}

@ObjectType()
export class PublicOrganization {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => GraphQLDateTime)
  createdAt!: Date;
}

@InputType()
export class UpdateOrganizationInput {
  @Field(() => String, { nullable: true })
  name?: string | null;
}

@InputType()
export class DeleteOrganizationInput {
  @Field(() => String)
  confirmName!: string;
}

/** The GraphQL view of an organization document. */
export function toOrganization(document: OrganizationDocument): Organization {
  return {
    id: document._id.toHexString(),
    name: document.name,
    slug: document.slug,
    plan: document.plan,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => PublicOrganization, {
    nullable: true,
    description:
      "Public: does an organization of this name exist (the seed service's GET /org/get).",
  })
  async organizationByName(
    @Arg('name', () => String) name: string,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PublicOrganization | null> {
    await context.services.fieldLimits.attempt('organizationByNamePerAddress', { context, info });
    if (name.length > 256)
      throw badInput('name', 'An organization name is at most 64 characters long.');

    let slug: string;
    try {
      slug = organizationName('name', name).slug;
    } catch {
      return null; // a name that could never be registered names no organization
    }
    const found = await context.services.organizations.findActiveBySlug(slug);
    return found ? { name: found.name, slug: found.slug, createdAt: found.createdAt } : null;
  }

  @Authorized()
  @Query(() => Organization)
  async organization(@Ctx() context: RequestContext): Promise<Organization> {
    const { organization } = await context.tenant();
    return toOrganization(organization);
  }

  @Authorized('OWNER', 'ADMIN')
  @Mutation(() => Organization)
  async updateOrganization(
    @Arg('input', () => UpdateOrganizationInput) input: UpdateOrganizationInput,
    @Ctx() context: RequestContext,
  ): Promise<Organization> {
    const { organization } = await context.tenant();
    if (input.name === undefined || input.name === null) return toOrganization(organization);

    const { name, slug } = organizationName('name', input.name);
    try {
      const renamed = await context.services.organizations.rename(organization._id, name, slug);
      return toOrganization(renamed ?? organization);
    } catch (error) {
      if (error instanceof SlugTakenError) throw nameTaken(name);
      throw error;
    }
  }

  @Authorized('OWNER')
  @Mutation(() => Boolean)
  async deleteOrganization(
    @Arg('input', () => DeleteOrganizationInput) input: DeleteOrganizationInput,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    const { organization } = await context.tenant();
    if (input.confirmName.trim() !== organization.name) {
      throw badInput('confirmName', 'confirmName must repeat the organization name exactly.');
    }

    if (organization.activeMoveId) {
      throw conflict(
        'id',
        'The organization is being moved; delete it once the move has finished.',
      );
    }
    await context.services.lifecycle.delete(organization);
    return true;
  }

  @FieldResolver(() => MemberConnection)
  async members(
    @Root() root: Organization,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<MemberConnection> {
    const session = requireSession(context);
    const page = await context.services.members.page(
      session.tenantId,
      pageRequest('member', first, after),
    );
    return connectionOf('member', page, toMember, () =>
      context.services.members.count(session.tenantId),
    );
  }

  @FieldResolver(() => ProjectConnection)
  async projects(
    @Root() root: Organization,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ProjectConnection> {
    const { store } = await context.tenant();
    const page = await store.pageProjects(pageRequest('project', first, after));
    return connectionOf('project', page, toProject, () => store.countProjects());
  }
}

/** CONFLICT for an organization name whose slug is held. */
export function nameTaken(name: string) {
  return conflict(
    'name',
    `An organization named like "${name}" already exists; choose another name.`,
  );
}
