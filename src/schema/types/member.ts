import { ObjectId } from 'mongodb';
import {
  Arg,
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
} from 'type-graphql';
import { DateTime as GraphQLDateTime } from '../date-time.js';

import { conflict, forbidden, notFound, unauthenticated } from '../../errors.js';
import { EmailTakenError } from '../../tenancy/members.js';
import type { MemberDocument } from '../../tenancy/models.js';
import { requireSession } from '../auth-checker.js';
import type { RequestContext } from '../context.js';
import { parseId } from '../ids.js';
import { email, password } from '../validation.js';
import { Role } from './enums.js';
import { Organization, toOrganization } from './organization.js';
import { PageInfo } from './page-info.js';

@ObjectType()
export class Member {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => GraphQLDateTime)
  createdAt!: Date;
}

@ObjectType()
export class MemberConnection {
  @Field(() => [Member])
  nodes!: Member[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: Promise<number>;
}

@InputType()
export class AddMemberInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => Role)
  role!: Role;
}

@InputType()
export class UpdateMemberInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Role, { nullable: true })
  role?: Role | null;
}

/** The GraphQL view of a member document; never its hash. */
export function toMember(document: MemberDocument): Member {
  return {
    id: document._id.toHexString(),
    email: document.email,
    role: document.role,
    createdAt: document.createdAt,
  };
}

@Resolver(() => Member)
export class MemberResolver {
  @Authorized()
  @Query(() => Member)
  async viewer(@Ctx() context: RequestContext): Promise<Member> {
    const session = requireSession(context);
    const { loaders } = await context.tenant();
    const member = await loaders.member.load(session.memberId);
    if (!member) throw unauthenticated('The member of this token no longer exists.');
    return toMember(member);
  }

  @Authorized('OWNER', 'ADMIN')
  @Mutation(() => Member)
  async addMember(
    @Arg('input', () => AddMemberInput) input: AddMemberInput,
    @Ctx() context: RequestContext,
  ): Promise<Member> {
    const session = requireSession(context);
    const address = email('email', input.email);
    const secret = password('password', input.password);
    if (input.role === 'OWNER' && session.role !== 'OWNER') {
      throw forbidden('Only an OWNER may grant the OWNER role.');
    }

    const now = new Date();
    const member: MemberDocument = {
      _id: new ObjectId(),
      organizationId: session.tenantId,
      email: address,
      passwordHash: await context.services.passwords.hash(secret),
      role: input.role,
      tokenGeneration: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await context.services.members.insert(member);
    } catch (error) {
      if (error instanceof EmailTakenError) throw emailTaken();
      throw error;
    }
    return toMember(member);
  }

  @Authorized('OWNER', 'ADMIN')
  @Mutation(() => Member)
  async updateMember(
    @Arg('input', () => UpdateMemberInput) input: UpdateMemberInput,
    @Ctx() context: RequestContext,
  ): Promise<Member> {
    const session = requireSession(context);
    const id = parseId('id', input.id);
    const { loaders } = await context.tenant();
    const target = await loaders.member.load(id);
    if (!target) throw notFound('member', input.id);
    if (!input.role || input.role === target.role) return toMember(target);

    if (session.role !== 'OWNER' && (target.role === 'OWNER' || input.role === 'OWNER')) {
      throw forbidden('Only an OWNER may change an OWNER or grant the OWNER role.');
    }
    const { members, revocations } = context.services;
    if (target.role === 'OWNER' && (await members.countOwners(session.tenantId)) <= 1) {
      throw forbidden('The last OWNER cannot be demoted; make another member OWNER first.');
    }

    const updated = await members.setRole(session.tenantId, id, input.role);
    if (!updated) throw notFound('member', input.id);
    if (target.role === 'OWNER' && (await members.countOwners(session.tenantId)) === 0) {
      // Two owners demoted each other at once: undo ours so one OWNER is always left.
      await members.setRole(session.tenantId, id, 'OWNER');
      throw forbidden('The last OWNER cannot be demoted; make another member OWNER first.');
    }
    await revocations.revokeMemberBelow(id.toHexString(), updated.tokenGeneration);
    return toMember(updated);
  }

  @Authorized('OWNER', 'ADMIN')
  @Mutation(() => Boolean)
  async removeMember(
    @Arg('id', () => ID) rawId: string,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    const session = requireSession(context);
    const id = parseId('id', rawId);
    const { loaders, store } = await context.tenant();
    const target = await loaders.member.load(id);
    if (!target) throw notFound('member', rawId);

    if (target.role === 'OWNER' && session.role !== 'OWNER') {
      throw forbidden('Only an OWNER may remove an OWNER.');
    }
    const { members, revocations } = context.services;
    if (target.role === 'OWNER' && (await members.countOwners(session.tenantId)) <= 1) {
      throw forbidden('The last OWNER cannot be removed; make another member OWNER first.');
    }

    if (!(await members.delete(session.tenantId, id))) throw notFound('member', rawId);
    if (target.role === 'OWNER' && (await members.countOwners(session.tenantId)) === 0) {
      await members.collection.insertOne(target); // raced with another removal: put ours back
      throw forbidden('The last OWNER cannot be removed; make another member OWNER first.');
    }
    await revocations.revokeMember(id.toHexString());
    await store.unassignMember(id);
    return true;
  }

  @FieldResolver(() => Organization)
  async organization(@Ctx() context: RequestContext): Promise<Organization> {
    const { organization } = await context.tenant();
    return toOrganization(organization);
  }
}

/** CONFLICT for an email held by any member of the service. */
export function emailTaken() {
  return conflict('email', 'That email already belongs to an account; use another or log in.');
}
