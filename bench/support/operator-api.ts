import { sleep } from './processes.js';

/** An isolation tier of the contract. */
export type Tier = 'SHARED' | 'COLLECTION' | 'DATABASE';

/** How a finished move came out. */
export interface FinishedMove {
  id: string;
  state: 'DONE' | 'FAILED';
  copied: number;
  error: string | null;
  elapsedMs: number;
}

const REQUEST_TIMEOUT_MS = 30_000;
const POLL_EVERY_MS = 100;

const MOVE_TENANT = `mutation Move($id: ID!, $tier: IsolationTier!) {
  moveTenant(id: $id, tier: $tier) { id state }
}`;

const TENANT_MOVE = `query Poll($id: ID!) {
  tenantMove(id: $id) { id state copied error }
}`;

/** Sends one operator operation (header `X-Operator-Key`); throws on any GraphQL error. */
export async function operatorRequest<TData>(
  endpoint: string,
  operatorKey: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<TData> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-operator-key': operatorKey },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as { data?: TData; errors?: unknown[] };
  if (body.errors?.length || !body.data) {
    throw new Error(`operator request failed (HTTP ${response.status}): ${JSON.stringify(body)}`);
  }
  return body.data;
}

/** Starts a move with `moveTenant` and polls `tenantMove` until it is DONE or FAILED. */
export async function moveTenantAndWait(
  endpoint: string,
  operatorKey: string,
  tenantId: string,
  tier: Tier,
  timeoutMs = 60_000,
): Promise<FinishedMove> {
  const startedAt = performance.now();
  const { moveTenant } = await operatorRequest<{ moveTenant: { id: string } }>(
    endpoint,
    operatorKey,
    MOVE_TENANT,
    { id: tenantId, tier },
  );

  while (performance.now() - startedAt < timeoutMs) {
    const { tenantMove } = await operatorRequest<{
      tenantMove: { id: string; state: string; copied: number; error: string | null };
    }>(endpoint, operatorKey, TENANT_MOVE, { id: moveTenant.id });
    if (tenantMove.state === 'DONE' || tenantMove.state === 'FAILED') {
      return { ...tenantMove, state: tenantMove.state, elapsedMs: performance.now() - startedAt };
    }
    await sleep(POLL_EVERY_MS);
  }
  throw new Error(`the move of ${tenantId} to ${tier} did not finish within ${timeoutMs} ms`);
}
