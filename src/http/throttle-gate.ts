import type { Request, RequestHandler, Response } from 'express';
import {
  getOperationAST,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

import { ErrorCode } from '../errors.js';
import { requestedCost } from '../quota/cost.js';
import { costExtension } from '../quota/cost-extension.js';
import type { PricedDocuments } from '../quota/priced-documents.js';
import { retryAfterHeader, throttledMessage } from '../quota/quota-errors.js';
import type { KnownRefusal, ThrottleMemo } from '../quota/throttle-memo.js';
import type { GatewayServices } from '../schema/gateway-services.js';
import type { OperationRecorder } from './metrics.js';
import { bearerClaims, isOperator } from './request-context.js';
import { requestIdOf } from './request-id.js';

/** What the gate needs: the same memo and documents the quota pipeline fills. */
export interface ThrottleGateOptions {
  schema: GraphQLSchema;
  services: GatewayServices;
  memo: ThrottleMemo;
  documents: PricedDocuments;
  metrics: OperationRecorder;
}

/** The media types Apollo answers a single result with, in its order of preference. */
const RESPONSE_TYPES = ['application/json', 'application/graphql-response+json'];

/**
 * Refuses, before the GraphQL pipeline, an operation whose payer this replica already knows
 * cannot pay for it: an operation the pipeline refused moments ago for an empty bucket (so it
 * parsed, validated and passed the document limits), priced with this request's own variables,
 * from a payer whose bucket still cannot pay. The answer is the one the pipeline
 * would give (429, Retry-After, THROTTLED, `extensions.cost`), metered and logged the same way;
 * a tenant flooding past its budget then costs the replica little more than parsing HTTP.
 *
 * Anything the gate is not sure of goes on to the pipeline: an operation not refused before, a
 * token that does not verify, is revoked or suspended (answered there with 401 or 403), the
 * operator, a batch, a persisted query, an operation above `maxQueryCost` (answered there as
 * QUERY_TOO_COMPLEX).
 */
export function throttleGate(options: ThrottleGateOptions): RequestHandler {
  return (req, res, next) => {
    refuseIfKnownShort(options, req, res).then(
      (refused) => {
        if (!refused) next();
      },
      (error: unknown) => {
        // The gate is a shortcut: if it fails, the pipeline answers the request as it would have.
        options.services.log.warn(
          { err: error, requestId: requestIdOf(req) },
          'throttle gate failed',
        );
        if (!res.headersSent) next();
      },
    );
  };
}

async function refuseIfKnownShort(
  options: ThrottleGateOptions,
  req: Request,
  res: Response,
): Promise<boolean> {
  const startedAt = process.hrtime.bigint();
  const operation = operationOf(req, options.documents);
  if (!operation) return false;

  const payerKey = await payerKeyOf(req, options.services);
  if (!payerKey) return false;

  const cost = requestedCost(
    options.schema,
    operation.document,
    operation.name,
    operation.variables,
  );
  const refusal = options.memo.refusalOf(payerKey, cost, Date.now());
  if (!refusal || cost > refusal.payer.limits.maxQueryCost) return false;

  const contentType = req.accepts(RESPONSE_TYPES);
  if (!contentType) return false;

  answer(res, contentType, cost, refusal);
  account(options, req, operation, cost, refusal, startedAt);
  return true;
}

interface KnownOperation {
  document: DocumentNode;
  /** The operationName the request gave, or null. */
  name: string | null;
  /** The operation the document and name select. */
  definition: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
}

/**
 * The single operation of a JSON POST that the pipeline refused moments ago (same source, same
 * operationName, so it passed that operation's limits), or null. Persisted-query requests are
 * left to Apollo, which checks their hash.
 */
function operationOf(req: Request, documents: PricedDocuments): KnownOperation | null {
  const body: unknown = req.body;
  if (req.method !== 'POST' || !isRecord(body) || typeof body.query !== 'string') return null;
  if (body.extensions !== undefined) return null;

  const { operationName, variables } = body;
  if (operationName != null && typeof operationName !== 'string') return null;
  if (variables != null && !isRecord(variables)) return null;

  const document = documents.find(body.query, operationName);
  const definition = document && getOperationAST(document, operationName ?? undefined);
  if (!document || !definition) return null;
  return { document, name: operationName ?? null, definition, variables: variables ?? undefined };
}

/**
 * The bucket key the pipeline would charge: the token's tenant, or the client address without a
 * token. Null when the gate must leave the request to the pipeline.
 */
async function payerKeyOf(req: Request, services: GatewayServices): Promise<string | null> {
  if (isOperator(req, services.operatorKeyDigest)) return null; // charged to no one

  const claims = await bearerClaims(req, services);
  if (claims === undefined) return `address:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
  if (claims === null || services.suspensions.isSuspended(claims.tenantId)) return null;
  return `tenant:${claims.tenantId}`;
}

/**
 * Writes the pipeline's THROTTLED answer by hand: building a GraphQLError (with its stack) was the
 * largest single cost of a refusal here.
 */
function answer(res: Response, contentType: string, cost: number, refusal: KnownRefusal): void {
  const { limits } = refusal.payer;
  const { available, retryAfterMs } = refusal;
  const body = {
    errors: [
      {
        message: throttledMessage(cost, available, retryAfterMs),
        extensions: { code: ErrorCode.THROTTLED, retryAfterMs },
      },
    ],
    extensions: {
      cost: costExtension(cost, null, limits.maximumAvailable, available, limits.restoreRate),
    },
  };

  res
    .status(429)
    .set({ ...retryAfterHeader(retryAfterMs), 'cache-control': 'no-store' })
    .type(`${contentType}; charset=utf-8`)
    .send(JSON.stringify(body));
}

/** Metrics, usage and the operation's log line, as the pipeline records a THROTTLED operation. */
function account(
  options: ThrottleGateOptions,
  req: Request,
  operation: KnownOperation,
  cost: number,
  refusal: KnownRefusal,
  startedAt: bigint,
): void {
  const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  const { payer } = refusal;
  options.metrics.recordOperation({
    plan: payer.plan,
    outcome: 'throttled',
    durationMs,
    databaseMs: null,
    requestedCost: cost,
    actualCost: null,
  });
  if (payer.tenantId) options.services.usage.record(payer.tenantId, 0, true);

  options.services.log.info(
    {
      requestId: requestIdOf(req),
      ...(payer.tenantId ? { tenantId: payer.tenantId } : {}),
      component: 'graphql',
      operation: operation.name ?? operation.definition.name?.value ?? null,
      operationType: operation.definition.operation,
      durationMs: Math.round(durationMs * 100) / 100,
      outcome: 'error',
      errorCodes: [ErrorCode.THROTTLED],
      requestedCost: cost,
      actualCost: null,
      dbCommands: 0,
      refusedBy: 'gate',
    },
    'operation',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
