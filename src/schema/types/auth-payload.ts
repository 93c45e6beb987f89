import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  Info,
  InputType,
  Mutation,
  ObjectType,
  Resolver,
} from 'type-graphql';
import { DateTime as GraphQLDateTime } from '../date-time.js';

import { ErrorCode, badInput, clientError, unauthenticated } from '../../errors.js';
import { EmailTakenError } from '../../tenancy/members.js';
import type { MemberDocument, OrganizationDocument } from '../../tenancy/models.js';
import { SlugTakenError } from '../../tenancy/organizations.js';
import { requireSession } from '../auth-checker.js';
import type { RequestContext } from '../context.js';
import { email, organizationName, password } from '../validation.js';
import { Member, emailTaken, toMember } from './member.js';
import { Organization, nameTaken, toOrganization } from './organization.js';

@ObjectType()
export class AuthPayload {
  @Field(() => String)
  token!: string;

  @Field(() => GraphQLDateTime)
  expiresAt!: Date;

  @Field(() => Member)
  member!: Member;

  @Field(() => Organization)
  organization!: Organization;
}

@InputType()
export class CreateOrganizationInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@InputType()
export class LoginInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@InputType()
export class ChangePasswordInput {
  @Field(() => String)
  currentPassword!: string;

  @Field(() => String)
  newPassword!: string;
}

const WRONG_LOGIN = 'Wrong email or password.';

@Resolver(() => AuthPayload)
export class AuthResolver {
  @Mutation(() => AuthPayload, {
    description:
      'Public: creates the organization, its first OWNER, and returns a token for that owner.',
  })
  async createOrganization(
    @Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AuthPayload> {
    await context.services.fieldLimits.attempt('createOrganizationPerAddress', { context, info });
    const { name, slug } = organizationName('name', input.name);
    const ownerEmail = email('email', input.email);
    const secret = password('password', input.password);
    const { lifecycle, passwords } = context.services;

    try {
      const ownerPasswordHash = await passwords.hash(secret);
      const { organization, owner } = await lifecycle.create({
        name,
        slug,
        ownerEmail,
        ownerPasswordHash,
      });
      context.log.info({ tenantId: organization._id.toHexString() }, 'organization created');
      return await issue(context, owner, organization);
    } catch (error) {
      if (error instanceof SlugTakenError) throw nameTaken(name);
      if (error instanceof EmailTakenError) throw emailTaken();
      throw error;
    }
  }

  @Mutation(() => AuthPayload, { description: 'Public.' })
  async login(
    @Arg('input', () => LoginInput) input: LoginInput,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AuthPayload> {
    const address = input.email.trim().toLowerCase();
    const { members, organizations, passwords, fieldLimits } = context.services;
    await fieldLimits.attempt('loginPerAddress', { context, info });
    // Counted before the password is checked, so racing guesses cannot pass the limit together.
    const failure = await fieldLimits.attempt('loginFailuresPerEmail', {
      context,
      info,
      email: address,
    });
    if (address.length > 254 || input.password.length > 256) throw unauthenticated(WRONG_LOGIN);

    const member = await members.findByEmail(address);
    // An unknown email costs the same hashing as a wrong password, so timing reveals nothing.
    const valid = member
      ? await passwords.verify(input.password, member.passwordHash)
      : await passwords.verifyDecoy(input.password);
    const organization = member && valid ? await organizations.find(member.organizationId) : null;
    if (!member || !organization || organization.state !== 'active')
      throw unauthenticated(WRONG_LOGIN);

    await failure.forget();
    if (organization.suspended) {
      throw clientError(
        ErrorCode.SUSPENDED,
        'This organization is suspended; contact the service operator.',
        { httpStatus: 403 },
      );
    }
    return issue(context, member, organization);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Revokes the token that made this request.' })
  async logout(@Ctx() context: RequestContext): Promise<boolean> {
    const session = requireSession(context);
    await context.services.revocations.revokeToken(session.claims);
    return true;
  }

  @Authorized()
  @Mutation(() => AuthPayload, {
    description: 'Revokes every other token of this member; returns a fresh one.',
  })
  async changePassword(
    @Arg('input', () => ChangePasswordInput) input: ChangePasswordInput,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    const session = requireSession(context);
    const secret = password('newPassword', input.newPassword);
    const { members, passwords, revocations } = context.services;
    const { organization, loaders } = await context.tenant();

    const member = await loaders.member.load(session.memberId);
    if (!member) throw unauthenticated('The member of this token no longer exists.');
    if (!(await passwords.verify(input.currentPassword, member.passwordHash))) {
      throw badInput('currentPassword', 'The current password is wrong.');
    }

    const updated = await members.setPasswordHash(
      session.tenantId,
      session.memberId,
      await passwords.hash(secret),
    );
    if (!updated) throw unauthenticated('The member of this token no longer exists.');
    await revocations.revokeMemberBelow(session.memberId.toHexString(), updated.tokenGeneration);
    return issue(context, updated, organization);
  }
}

async function issue(
  context: RequestContext,
  member: MemberDocument,
  organization: OrganizationDocument,
): Promise<AuthPayload> {
  const { token, claims } = await context.services.tokens.issue({
    memberId: member._id.toHexString(),
    tenantId: organization._id.toHexString(),
    role: member.role,
    generation: member.tokenGeneration,
  });
  return {
    token,
    expiresAt: new Date(claims.expiresAtMs),
    member: toMember(member),
    organization: toOrganization(organization),
  };
}
