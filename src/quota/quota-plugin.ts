import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';

import type { Logger } from '../logger.js';
import type { ConcurrencyLimiter, ConcurrencySlot } from './concurrency.js';
import { lanesOf, type ExecutionLanes } from './execution-lanes.js';
import { actualCost, requestedCost } from './cost.js';
import { costExtension, type CostExtension } from './cost-extension.js';
import type { LimitViolation } from './limits.js';
import type { QuotaContextFields, QuotaPayer } from './payer.js';
import { concurrencyLimited, throttled, tooComplex } from './quota-errors.js';
import { SourceLimits } from './source-limits.js';
import type { PricedDocuments } from './priced-documents.js';
import type { ThrottleMemo } from './throttle-memo.js';
import type { BucketLimits, BucketStore } from './token-bucket.js';

/** How one operation settled, for usage metering. */
export interface SettledOperation {
  payer: QuotaPayer;
  requestedCost: number;
  actualCost: number | null;
  throttled: boolean;
}

/** What the pipeline needs; the HTTP layer supplies who pays. */
export interface QuotaPipelineOptions<TContext> {
  schema: GraphQLSchema;
  buckets: BucketStore;
  slots: ConcurrencyLimiter;
  /** A tenant's admitted operations beyond its lanes wait here for their turn. */
  lanes: ExecutionLanes;
  /** The payer of a request, or null when no one is charged (the operator API). */
  payerOf(context: TContext): Promise<QuotaPayer | null>;
  /** Called once per charged operation after it settled. */
  onSettled?(operation: SettledOperation): void;
  /** Refusals remembered per payer, so a flood from an empty bucket is refused from memory. */
  memo: ThrottleMemo;
  /** Filled with refused operations, for the HTTP gate to price their repeats from. */
  documents: PricedDocuments;
  log: Logger;
}

/** Per-request state of the pipeline. */
interface Charge {
  payer: QuotaPayer | null;
  requestedCost: number;
  taken: boolean;
  slot: ConcurrencySlot | null;
  /** Frees the operation's lane; null when it holds none. */
  leaveLane: (() => void) | null;
  throttled: boolean;
  /** What the bucket held when it refused, so the answer needs no second look at it. */
  availableWhenRefused: number | null;
  /** A document limit the source broke, found before Apollo parsed it. */
  violation: LimitViolation | null;
}

/** A slot outlives its operation by this much at most, should the replica die. */
const SLOT_LEASE_MARGIN_MS = 30_000;

/**
 * The quota pipeline as an Apollo plugin. Before execution: limits, price with the request's
 * own variables (never cached across requests), refuse above `maxQueryCost`, take the price from
 * the payer's bucket, take a concurrency slot. After: price what was returned, refund the
 * difference, release the slot, and answer `extensions.cost`. A refused operation is charged
 * nothing.
 */
export function quotaPlugin<TContext extends QuotaContextFields>(
  options: QuotaPipelineOptions<TContext>,
): ApolloServerPlugin<TContext> {
  const sourceLimits = new SourceLimits();

  return {
    async requestDidStart() {
      const charge: Charge = {
        payer: null,
        requestedCost: 0,
        taken: false,
        slot: null,
        leaveLane: null,
        throttled: false,
        availableWhenRefused: null,
        violation: null,
      };

      return {
        async didResolveSource({ source, request }) {
          charge.violation = sourceLimits.check(source, request.operationName);
        },

        async didResolveOperation(requestContext) {
          await admit(options, charge, requestContext);
        },

        async willSendResponse(requestContext) {
          const settled = settle(options, charge, requestContext);
          requestContext.contextValue.quotaSettled = settled;
          await settled;
        },
      };
    },
  };
}

async function admit<TContext extends QuotaContextFields>(
  options: QuotaPipelineOptions<TContext>,
  charge: Charge,
  requestContext: GraphQLRequestContext<TContext>,
): Promise<void> {
  const { document, operationName, request, contextValue } = requestContext;
  if (!document) return;

  charge.payer = await options.payerOf(contextValue);
  if (charge.violation) throw tooComplex(charge.violation);
  if (!charge.payer) return;

  const { payer } = charge;
  charge.requestedCost = requestedCost(options.schema, document, operationName, request.variables);
  if (charge.requestedCost > payer.limits.maxQueryCost) {
    throw tooComplex({
      limit: 'cost',
      value: charge.requestedCost,
      max: payer.limits.maxQueryCost,
    });
  }

  const known = options.memo.refusalOf(payer.key, charge.requestedCost, Date.now(), payer.limits);
  if (known) {
    charge.throttled = true;
    charge.availableWhenRefused = known.available;
    rememberRefused(options, requestContext);
    throw throttled(charge.requestedCost, known.available, known.retryAfterMs);
  }

  const take = await options.buckets.take(payer.key, charge.requestedCost, bucketLimits(payer));
  if (!take.admitted) {
    options.memo.remember(payer, take.available, Date.now());
    charge.throttled = true;
    charge.availableWhenRefused = take.available;
    rememberRefused(options, requestContext);
    throw throttled(charge.requestedCost, take.available, take.retryAfterMs);
  }
  options.memo.forget(payer.key);
  charge.taken = true;

  charge.slot = await options.slots.acquire(payer.key, payer.limits.concurrency, leaseMs(payer));
  if (!charge.slot) {
    charge.throttled = true;
    await refund(options, charge, charge.requestedCost);
    charge.taken = false;
    throw concurrencyLimited(payer.limits.concurrency, 250);
  }

  if (payer.tenantId) await waitForLane(options, charge, payer, contextValue);
}

/**
 * A slot outlives the longest its operation can take: waiting behind the rest of its tenant's
 * operations in flight, one lane's worth at a time, and then its own database time.
 */
function leaseMs(payer: QuotaPayer): number {
  const { concurrency, dbTimeMs } = payer.limits;
  const turns = Math.ceil(concurrency / lanesOf(payer.limits));
  return turns * dbTimeMs + SLOT_LEASE_MARGIN_MS;
}

/** Only tenants' operations take lanes: anonymous ones are few and rate limited per field. */
async function waitForLane<TContext extends QuotaContextFields>(
  options: QuotaPipelineOptions<TContext>,
  charge: Charge,
  payer: QuotaPayer,
  contextValue: TContext,
): Promise<void> {
  const startedAt = performance.now();
  charge.leaveLane = await options.lanes.enter(payer.key, lanesOf(payer.limits));
  contextValue.laneWaitMs = performance.now() - startedAt;
}

/** Lets the HTTP gate answer repeats of this refused operation (see PricedDocuments). */
function rememberRefused<TContext extends QuotaContextFields>(
  options: QuotaPipelineOptions<TContext>,
  { source, request }: GraphQLRequestContext<TContext>,
): void {
  if (source !== undefined) options.documents.remember(source, request.operationName);
}

async function settle<TContext extends QuotaContextFields>(
  options: QuotaPipelineOptions<TContext>,
  charge: Charge,
  requestContext: GraphQLRequestContext<TContext>,
): Promise<CostExtension | null> {
  const { response, document, operationName, request } = requestContext;
  const body = response.body?.kind === 'single' ? response.body.singleResult : null;
  if (body && charge.violation) answerAsTooComplex(requestContext, charge.violation);

  charge.leaveLane?.();
  if (charge.slot)
    await options.slots
      .release(charge.slot)
      .catch((error) => options.log.warn({ err: error }, 'slot release failed'));

  const payer =
    charge.payer ?? (await options.payerOf(requestContext.contextValue).catch(() => null));
  if (!payer || !body) return null;

  let spent: number | null = null;
  if (charge.taken && document) {
    spent = actualCost(
      options.schema,
      document,
      operationName,
      request.variables,
      body.data as Record<string, unknown> | null | undefined,
      charge.requestedCost,
    );
    await refund(options, charge, Math.max(0, charge.requestedCost - spent));
  }
  const available =
    charge.availableWhenRefused ??
    (await options.buckets.peek(payer.key, bucketLimits(payer)).catch(() => 0));
  const cost = costExtension(
    charge.requestedCost,
    charge.taken ? spent : null,
    payer.limits.maximumAvailable,
    available,
    payer.limits.restoreRate,
  );
  body.extensions = { ...body.extensions, cost };

  options.onSettled?.({
    payer,
    requestedCost: charge.requestedCost,
    actualCost: spent,
    throttled: charge.throttled,
  });
  return cost;
}

async function refund<TContext>(
  options: QuotaPipelineOptions<TContext>,
  charge: Charge,
  points: number,
): Promise<void> {
  if (!charge.payer || points <= 0) return;
  options.memo.forget(charge.payer.key);
  await options.buckets.refund(charge.payer.key, points, bucketLimits(charge.payer));
}

function bucketLimits(payer: QuotaPayer): BucketLimits {
  return { capacity: payer.limits.maximumAvailable, refillPerSecond: payer.limits.restoreRate };
}

/**
 * A document that broke a limit and also failed Apollo's parse or validation (the parser stops
 * at the token limit; graphql-js has its own introspection-depth rule) is answered with the
 * limit it broke, as the contract orders: limits first.
 */
function answerAsTooComplex<TContext extends QuotaContextFields>(
  requestContext: GraphQLRequestContext<TContext>,
  violation: LimitViolation,
): void {
  const { response } = requestContext;
  if (response.body?.kind !== 'single') return;
  const codes = (response.body.singleResult.errors ?? []).map((error) => error.extensions?.code);
  if (!codes.includes('GRAPHQL_PARSE_FAILED') && !codes.includes('GRAPHQL_VALIDATION_FAILED'))
    return;

  const error = tooComplex(violation);
  response.body.singleResult.errors = [
    {
      message: error.message,
      extensions: {
        code: 'QUERY_TOO_COMPLEX',
        limit: violation.limit,
        value: violation.value,
        max: violation.max,
      },
    },
  ];
  response.http.status = 400;
}
