import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTenant, type TestTenant } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { errorCodes, graphql, type GraphQLResponse } from '../support/graphql.js';
import { plansFile } from '../support/plans.js';

let gateway: TestGateway;

/** FREE refilling one point a second, so a drained bucket stays drained while a test runs. */
const STILL_FREE = {
  FREE: { maximumAvailable: 1_000, restoreRate: 1, maxQueryCost: 1_000, concurrency: 64 },
};

/** 2 + n x 2 points: the price follows `$n`. */
const TASKS =
  'query Tasks($n: Int!) { tasks(first: $n) { nodes { project { id } assignee { id } } } }';

beforeAll(async () => {
  gateway = await startGateway({ env: { PLANS_FILE: plansFile(STILL_FREE) } });
});

afterAll(async () => {
  await gateway.stop();
});

/** A tenant with about 100 points left: nine reports of 100 spent from its 1,000. */
async function nearlyDrainedTenant(): Promise<TestTenant> {
  const tenant = await createTenant(gateway.url);
  for (let index = 0; index < 9; index++) {
    const response = await graphql(
      gateway.url,
      '{ taskReport(input: { dimension: STATUS }) { total } }',
      {},
      { token: tenant.token },
    );
    expect(response.status).toBe(200);
  }
  return tenant;
}

async function tasks(token: string, n: number, requestId = randomUUID()) {
  const response = await graphql(
    gateway.url,
    TASKS,
    { n },
    {
      token,
      headers: { 'x-request-id': requestId },
    },
  );
  return { response, requestId };
}

function operationLine(requestId: string): Record<string, unknown> | undefined {
  return gateway.logs.find((line) => line.requestId === requestId && line.msg === 'operation');
}

/** Waits for the line of a request: the gateway writes it after answering. */
async function lineOf(requestId: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const line = operationLine(requestId);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no operation line for ${requestId}`);
}

function shapeOf(response: GraphQLResponse) {
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    retryAfter: response.headers.get('retry-after') !== null,
    keys: Object.keys(response.body),
    errorKeys: Object.keys(response.body.errors?.[0] ?? {}),
    errorExtensionKeys: Object.keys(response.body.errors?.[0]?.extensions ?? {}).sort(),
    codes: errorCodes(response),
    requested: response.body.extensions?.cost?.requestedQueryCost,
    actual: response.body.extensions?.cost?.actualQueryCost,
    throttleKeys: Object.keys(response.body.extensions?.cost?.throttleStatus ?? {}),
  };
}

describe('the throttle gate', () => {
  it("answers a tenant's repeated refusal from memory, exactly as the pipeline does", async () => {
    const tenant = await nearlyDrainedTenant();

    const first = await tasks(tenant.token, 100);
    const again = [];
    for (let index = 0; index < 5; index++) again.push(await tasks(tenant.token, 100));

    expect(shapeOf(first.response)).toMatchObject({ status: 429, codes: ['THROTTLED'] });
    expect(shapeOf(first.response).requested).toBe(202);
    expect((await lineOf(first.requestId)).refusedBy).toBeUndefined();
    const lines = await Promise.all(again.map(({ requestId }) => lineOf(requestId)));
    const gateLines = lines.filter((line) => line.refusedBy === 'gate');
    expect(gateLines.length).toBeGreaterThan(0);
    for (const line of gateLines) {
      expect(line).toMatchObject({ operation: 'Tasks', operationType: 'query', dbCommands: 0 });
    }
    for (const { response } of again) {
      expect(shapeOf(response)).toEqual(shapeOf(first.response));
    }
    for (const line of lines) {
      expect(line).toMatchObject({
        tenantId: tenant.id,
        errorCodes: ['THROTTLED'],
        requestedCost: 202,
        actualCost: null,
      });
    }
  });

  it('prices each request with its own variables: a cheap one still runs', async () => {
    const tenant = await nearlyDrainedTenant();
    await tasks(tenant.token, 100);

    const refused = await tasks(tenant.token, 100);
    const cheap = await tasks(tenant.token, 1);

    expect(refused.response.status).toBe(429);
    expect(cheap.response.status).toBe(200);
    expect(cheap.response.body.extensions?.cost?.requestedQueryCost).toBe(4);
    expect(cheap.response.body.data.tasks.nodes).toEqual([]);
  });

  it('lets the quota field and other tenants through', async () => {
    const tenant = await nearlyDrainedTenant();
    const other = await createTenant(gateway.url);
    await tasks(tenant.token, 100);

    const quota = await graphql(
      gateway.url,
      '{ quota { currentlyAvailable } }',
      {},
      {
        token: tenant.token,
      },
    );
    const otherTasks = await tasks(other.token, 100);

    expect(quota.status).toBe(200);
    expect(quota.body.data.quota.currentlyAvailable).toBeLessThan(202);
    expect(otherTasks.response.status).toBe(200);
  });

  it('checks another operation of a refused document against the limits first', async () => {
    const tenant = await nearlyDrainedTenant();
    // Depth 15: tasks > nodes > project, five times over.
    const deep = `query Deep { ${'tasks(first: 1) { nodes { project { '.repeat(5)}id${' } } }'.repeat(5)} }`;
    const source = `${TASKS}\n${deep}`;
    const send = (operationName: string) =>
      graphql(gateway.url, source, operationName === 'Tasks' ? { n: 100 } : {}, {
        token: tenant.token,
        operationName,
      });
    expect((await send('Tasks')).status).toBe(429);
    expect((await send('Tasks')).status).toBe(429);

    const other = await send('Deep');

    expect(other.status).toBe(400);
    expect(errorCodes(other)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(other.body.errors?.[0].extensions).toMatchObject({ limit: 'depth', value: 15, max: 12 });
  });

  it('leaves a revoked token to the pipeline, which answers 401', async () => {
    const tenant = await nearlyDrainedTenant();
    await tasks(tenant.token, 100);
    const logout = await graphql(gateway.url, 'mutation { logout }', {}, { token: tenant.token });
    expect(logout.body.data?.logout).toBe(true);

    const after = await tasks(tenant.token, 100);

    expect(after.response.status).toBe(401);
    expect(errorCodes(after.response)).toEqual(['UNAUTHENTICATED']);
  });
});
