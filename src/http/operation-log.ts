import type { ApolloServerPlugin } from '@apollo/server';

import type { RequestContext } from '../schema/context.js';
import { currentCommandTally } from '../storage/command-attribution.js';
import type { OperationRecorder } from './metrics.js';

/**
 * One info line per operation: its name, type, duration, outcome, error codes and the database
 * commands it issued (`dbCommands`), on the request's logger (which carries requestId and
 * tenantId). Variables are never logged: they hold passwords.
 */
export function operationLogPlugin(metrics: OperationRecorder): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = process.hrtime.bigint();
      return {
        async didResolveOperation({ operationName }) {
          contextValue.log.debug(
            { component: 'graphql', operation: operationName ?? null },
            'operation started',
          );
        },

        async willSendResponse({ response, operation, operationName, errors }) {
          const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
          const body = response.body?.kind === 'single' ? response.body.singleResult : null;
          const codes = [
            ...new Set(
              // The answered errors first: a raw error Apollo raised before execution has no code.
              (body?.errors ?? errors ?? []).map((error) => String(error.extensions?.code)),
            ),
          ];
          const cost = await contextValue.quotaSettled?.catch(() => null);
          // Read after settling, which may itself read the organization; null outside a tally.
          const dbCommands = currentCommandTally()?.commands ?? null;
          const laneWaitMs = contextValue.laneWaitMs ?? 0;

          const outcome = outcomeOf(codes);
          metrics.recordOperation({
            plan: contextValue.quota?.payer.plan ?? (contextValue.operator ? 'operator' : 'none'),
            outcome,
            durationMs,
            databaseMs: contextValue.databaseClock.elapsedMs?.() ?? null,
            requestedCost: cost?.requestedQueryCost ?? null,
            actualCost: cost?.actualQueryCost ?? null,
          });

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
              dbCommands,
              ...(laneWaitMs >= 1 ? { laneWaitMs: Math.round(laneWaitMs) } : {}),
            },
            'operation',
          );
        },
      };
    },
  };
}

const OUTCOMES: Readonly<Record<string, string>> = Object.freeze({
  THROTTLED: 'throttled',
  CONCURRENCY_LIMITED: 'throttled',
  QUERY_TOO_COMPLEX: 'too_complex',
  TIMEOUT: 'timeout',
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  SUSPENDED: 'suspended',
  INTERNAL_SERVER_ERROR: 'internal',
  CLUSTER_UNAVAILABLE: 'unavailable',
});

/** A bounded outcome label: `ok`, a named class, or `client_error`. */
function outcomeOf(codes: string[]): string {
  if (codes.length === 0) return 'ok';
  return OUTCOMES[codes[0]] ?? 'client_error';
}
