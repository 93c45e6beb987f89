import type { ApolloServerPlugin } from '@apollo/server';

import type { RequestContext } from '../schema/context.js';

/**
 * One info line per operation: its name, type, duration, outcome and error codes, on the
 * request's logger (which carries requestId and tenantId). Variables are never logged: they hold
 * passwords.
 */
export function operationLogPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operation, operationName, errors }) {
          const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
          const body = response.body?.kind === 'single' ? response.body.singleResult : null;
          const codes = [
            ...new Set(
              (errors ?? body?.errors ?? []).map((error) => String(error.extensions?.code)),
            ),
          ];
          const cost = await contextValue.quotaSettled?.catch(() => null);

          contextValue.log.info(
            {
              component: 'graphql',
              operation: operationName ?? null,
              operationType: operation?.operation ?? null,
              durationMs: Math.round(durationMs * 100) / 100,
              outcome: codes.length === 0 ? 'ok' : 'error',
              ...(codes.length > 0 ? { errorCodes: codes } : {}),
              ...(cost
                ? { requestedCost: cost.requestedQueryCost, actualCost: cost.actualQueryCost }
                : {}),
            },
            'operation',
          );
        },
      };
    },
  };
}
