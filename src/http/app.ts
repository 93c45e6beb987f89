import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Server } from 'node:http';

import type { Config } from '../config/config.js';
import type { RequestContext } from '../schema/context.js';
import type { GatewayServices } from '../schema/gateway-services.js';
import { createErrorFormatter } from './format-error.js';
import { registerHealthRoutes, type ReadinessCheck } from './health.js';
import { registerJwksRoute } from './jwks.js';
import { registerMetricsRoute, type GatewayMetrics } from './metrics.js';
import { noStorePlugin } from './no-store.js';
import { operationLogPlugin } from './operation-log.js';
import { defaultPlaygroundFolder, registerPlayground } from './playground.js';
import { hideSuggestionsPlugin } from './suggestions.js';
import { createPayerOf } from './quota-payer.js';
import { ExecutionLanes } from '../quota/execution-lanes.js';
import { quotaPlugin } from '../quota/quota-plugin.js';
import { PricedDocuments } from '../quota/priced-documents.js';
import { ThrottleMemo } from '../quota/throttle-memo.js';
import { DOCUMENT_LIMITS } from '../quota/limits.js';
import type { QuotaState } from '../quota/shared-state.js';
import { createRequestContext } from './request-context.js';
import { assignRequestId } from './request-id.js';
import { throttleGate } from './throttle-gate.js';

/** Largest request body accepted; beyond it the answer is 413. */
export const BODY_LIMIT = '1mb';

/**
 * Apollo's cache of parsed and validated documents, measured by the JSON size of each document.
 * That undercounts the heap a document holds many times over (its token locations are not in
 * the JSON): with Apollo's default of 30 MiB, 600 distinct anonymous 19 KB documents grew a
 * replica from 110 MB to 730 MB, and with this bound to 275 MB. Everyday operations are small
 * and few, and still fit by the hundred.
 */
const DOCUMENT_CACHE_BYTES = 2 * 2 ** 20;

/** Builds the Express app with Apollo mounted on `/graphql`. */
export async function createApp(
  config: Config,
  schema: GraphQLSchema,
  services: GatewayServices,
  httpServer: Server,
  readiness: ReadinessCheck,
  metrics: GatewayMetrics,
  quotaState: QuotaState,
): Promise<{ app: Express; apollo: ApolloServer<RequestContext> }> {
  const memo = new ThrottleMemo();
  const documents = new PricedDocuments();
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: createErrorFormatter(services.log.child({ component: 'graphql' })),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: true,
    // Shutdown is ours (src/main.ts): it also closes database clients and the embedded server.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      ...(config.quotasEnabled
        ? [
            quotaPlugin<RequestContext>({
              schema,
              buckets: quotaState.buckets,
              slots: quotaState.slots,
              lanes: new ExecutionLanes(),
              payerOf: createPayerOf(quotaState.buckets),
              onSettled: ({ payer, actualCost, throttled }) => {
                if (payer.tenantId)
                  services.usage.record(payer.tenantId, actualCost ?? 0, throttled);
              },
              memo,
              documents,
              log: services.log.child({ component: 'quota' }),
            }),
          ]
        : []),
      operationLogPlugin(metrics),
      hideSuggestionsPlugin(),
    ],
    // The parser stops at the token limit, so an oversized document costs almost nothing.
    parseOptions: { maxTokens: DOCUMENT_LIMITS.tokens },
    documentStore: new InMemoryLRUCache<DocumentNode>({ maxSize: DOCUMENT_CACHE_BYTES }),
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // GraphQL answers are never revalidated by clients; hashing each one for an ETag is waste.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  registerHealthRoutes(app, readiness);
  registerMetricsRoute(app, metrics);
  registerJwksRoute(app, config.signingKeys);
  registerPlayground(app, defaultPlaygroundFolder());
  app.use(
    '/graphql',
    assignRequestId,
    express.json({ limit: BODY_LIMIT }),
    ...(config.quotasEnabled ? [throttleGate({ schema, services, memo, documents, metrics })] : []),
    expressMiddleware(apollo, { context: createRequestContext(services) }),
  );
  app.use(bodyErrors);
  return { app, apollo };
}

/** Oversized or unparsable bodies answer in GraphQL's error shape, never with a stack. */
const bodyErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  const status = typeof error?.status === 'number' ? error.status : 500;
  const message =
    status === 413
      ? `The request body is larger than ${BODY_LIMIT}.`
      : status === 400
        ? 'The request body is not valid JSON.'
        : 'Something went wrong on our side.';
  const code = status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
};
