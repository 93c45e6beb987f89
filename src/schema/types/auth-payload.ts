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

import type { IssuedToken } from '../../auth/tokens.js';
import {
  REFRESH_TOKEN_LENGTH,
  REFRESH_TOKEN_PREFIX,
  isRefreshTokenShaped,
  type IssuedRefreshToken,
  type RefreshTokenRecord,
} from '../../auth/refresh-tokens.js';
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

  @Field(() => String, {
    description:
      'Single use: exchange it with refreshToken for a new pair before refreshExpiresAt. Keep it secret.',
  })
  refreshToken!: string;

  @Field(() => GraphQLDateTime)
  refreshExpiresAt!: Date;

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

@InputType()
export class RefreshTokenInput {
  @Field(() => String)
  refreshToken!: string;
}

const WRONG_LOGIN = 'Wrong email or password.';
/** One answer for an unknown, expired, revoked or reused refresh token: they are not told apart. */
const REFRESH_REFUSED = 'The refresh token is invalid, expired or revoked; log in again.';

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
    if (organization.suspended) throw organizationSuspended();
    return issue(context, member, organization);
  }

  @Mutation(() => AuthPayload, {
    description:
      'Public: uses a refresh token once, for a new access token and a new refresh token of the same session. Send it without a bearer token.',
  })
  async refreshToken(
    @Arg('input', () => RefreshTokenInput) input: RefreshTokenInput,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AuthPayload> {
    // Checked before the limit counts it: a malformed token costs no database work.
    const presented = refreshTokenOf('refreshToken', input.refreshToken);
    const { refreshTokens, tokens, fieldLimits } = context.services;
    await fieldLimits.attempt('refreshTokenPerAddress', { context, info });

    const record = await refreshTokens.present(presented);
    if (!record) throw unauthenticated(REFRESH_REFUSED);
    const { member, organization } = await currentSessionOf(context, record);

    // Signed before the token is used, so that using it is the last step that can fail.
    const access = await tokens.issue(subjectOf(member, organization));
    const refresh = await refreshTokens.rotate(record, access.claims);
    if (!refresh) throw unauthenticated(REFRESH_REFUSED);
    return payloadOf(access, refresh, member, organization);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Revokes the token that made this request, and the refresh tokens of its session.',
  })
  async logout(@Ctx() context: RequestContext): Promise<boolean> {
    const session = requireSession(context);
    const { refreshTokens, revocations } = context.services;

    // The family first: it revokes this access token too, and a crash after it leaves no
    // refresh token to mint another.
    await refreshTokens.endFamilyOf(session.claims.tokenId);
    await revocations.revokeToken(session.claims);
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

/** A new session: an access token and the first refresh token of a new family. */
async function issue(
  context: RequestContext,
  member: MemberDocument,
  organization: OrganizationDocument,
): Promise<AuthPayload> {
  const { tokens, refreshTokens } = context.services;
  const access = await tokens.issue(subjectOf(member, organization));
  const refresh = await refreshTokens.startFamily(access.claims);
  return payloadOf(access, refresh, member, organization);
}

function subjectOf(member: MemberDocument, organization: OrganizationDocument) {
  return {
    memberId: member._id.toHexString(),
    tenantId: organization._id.toHexString(),
    role: member.role,
    generation: member.tokenGeneration,
  };
}

function payloadOf(
  access: IssuedToken,
  refresh: IssuedRefreshToken,
  member: MemberDocument,
  organization: OrganizationDocument,
): AuthPayload {
  return {
    token: access.token,
    expiresAt: new Date(access.claims.expiresAtMs),
    refreshToken: refresh.token,
    refreshExpiresAt: refresh.expiresAt,
    member: toMember(member),
    organization: toOrganization(organization),
  };
}

/**
 * The member and organization of a refresh token as they are now, read from the master. The
 * member must still exist with the generation the token was issued in (a password or role change
 * raises it, ending every other session), and the organization must be active. A suspended one
 * is SUSPENDED, as its access tokens are (the registry they are checked against is a copy of the
 * same field, polled); the token is not used, and refreshes again once the tenant is resumed.
 */
async function currentSessionOf(context: RequestContext, record: RefreshTokenRecord) {
  const { members, organizations } = context.services;
  const organization = await organizations.findFresh(record.tenantId);
  const [member] = await members.findInOrganization(record.tenantId, [record.memberId]);

  if (!organization || organization.state !== 'active') throw unauthenticated(REFRESH_REFUSED);
  if (!member || member.tokenGeneration !== record.generation) {
    throw unauthenticated(REFRESH_REFUSED);
  }
  if (organization.suspended) throw organizationSuspended();
  return { member, organization };
}

/** Checks a presented refresh token's shape; never echoes it. */
function refreshTokenOf(field: string, raw: string): string {
  if (!isRefreshTokenShaped(raw)) {
    throw badInput(
      field,
      `"${field}" is not a refresh token: refresh tokens are ${REFRESH_TOKEN_LENGTH} characters long and start with "${REFRESH_TOKEN_PREFIX}".`,
    );
  }
  return raw;
}

/** SUSPENDED with 403, as a suspended organization's access tokens get. */
function organizationSuspended() {
  return clientError(
    ErrorCode.SUSPENDED,
    'This organization is suspended; contact the service operator.',
    { httpStatus: 403 },
  );
}
