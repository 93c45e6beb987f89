import { createHash, timingSafeEqual } from 'node:crypto';

import type { Request } from 'express';
import { ObjectId } from 'mongodb';

import type { TokenClaims } from '../auth/tokens.js';
import { ErrorCode, clientError, unauthenticated } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RequestContext, Session, TenantScope } from '../schema/context.js';
import type { GatewayServices } from '../schema/gateway-services.js';
import { createLoaders } from '../schema/loaders.js';
import { startCommandTally, type CommandTally } from '../storage/command-attribution.js';
import { Deadline } from '../tenancy/deadline.js';
import { enterRequest, requestIdOf } from './request-id.js';

/** Builds the context of one request: its id, logger, session and lazily opened tenant scope. */
export function createRequestContext(services: GatewayServices) {
  return async ({ req }: { req: Request }): Promise<RequestContext> => {
    // Before the first await: from here on, database commands of this flow are this request's.
    const commands = startCommandTally();
    const requestId = requestIdOf(req);
    enterRequest(requestId);
    const operator = isOperator(req, services.operatorKeyDigest);
    const session = await sessionOf(req, services).catch((error: unknown) => {
      logRefusal(services.log, requestId, error, commands);
      throw error;
    });
    const tenantId = session?.tenantId.toHexString();
    const log = services.log.child({ requestId, ...(tenantId ? { tenantId } : {}) });

    let scope: Promise<TenantScope> | null = null;
    const context: RequestContext = {
      requestId,
      log,
      clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      services,
      session,
      operator,
      databaseClock: { elapsedMs: null },
      tenant: () => (scope ??= openTenantScope(context)),
    };
    return context;
  };
}

/**
 * A request refused for its token never reaches Apollo's operation pipeline, so the operation
 * line is not written for it: this line stands in, with the database commands it cost (none, as
 * the contract requires of checking a token).
 */
function logRefusal(log: Logger, requestId: string, error: unknown, commands: CommandTally): void {
  const code = (error as { extensions?: { code?: unknown } })?.extensions?.code;
  log.info(
    {
      component: 'graphql',
      requestId,
      outcome: 'error',
      errorCodes: [String(code ?? ErrorCode.INTERNAL_SERVER_ERROR)],
      dbCommands: commands.commands,
    },
    'request refused',
  );
}

/** Compares the X-Operator-Key header with the configured key in constant time. */
export function isOperator(req: Request, keyDigest: Buffer | null): boolean {
  const given = req.headers['x-operator-key'];
  if (!keyDigest || typeof given !== 'string' || given.length === 0) return false;
  return timingSafeEqual(createHash('sha256').update(given).digest(), keyDigest);
}

/**
 * The session of a bearer token. A token that is malformed, expired, forged, revoked or of a
 * deleted organization refuses the whole request with 401, before anything runs. Checking it
 * touches neither the database nor Redis.
 */
async function sessionOf(req: Request, services: GatewayServices): Promise<Session | null> {
  const claims = await bearerClaims(req, services);
  if (claims === undefined) return null;
  if (claims === null) {
    throw unauthenticated('The bearer token is invalid, expired or revoked; log in again.', 401);
  }
  if (services.suspensions.isSuspended(claims.tenantId)) {
    throw clientError(
      ErrorCode.SUSPENDED,
      'This organization is suspended; contact the service operator.',
      { httpStatus: 403 },
    );
  }

  return {
    claims,
    tenantId: new ObjectId(claims.tenantId),
    memberId: new ObjectId(claims.memberId),
    role: claims.role,
  };
}

/**
 * The claims of the request's bearer token when it verifies and is not revoked; null when the
 * token must be refused; undefined when the request has none. Memory only, no round trip.
 */
export async function bearerClaims(
  req: Request,
  services: GatewayServices,
): Promise<TokenClaims | null | undefined> {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return undefined;

  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const claims = match ? await services.tokens.verify(match[1]) : null;
  return claims && !services.revocations.isRevoked(claims) ? claims : null;
}

async function openTenantScope(context: RequestContext): Promise<TenantScope> {
  const session = context.session;
  if (!session)
    throw clientError(ErrorCode.UNAUTHENTICATED, 'This field needs a bearer token: log in first.');
  const { organizations, stores, members, limitsOf } = context.services;

  const organization = await organizations.find(session.tenantId);
  if (!organization || organization.state !== 'active') {
    throw unauthenticated('The organization of this token no longer exists.');
  }

  const deadline = new Deadline(limitsOf(organization).dbTimeMs);
  context.databaseClock.elapsedMs = () => deadline.elapsedMs();
  const store = await stores.open(organization, deadline);
  return { organization, store, loaders: createLoaders(store, members) };
}
