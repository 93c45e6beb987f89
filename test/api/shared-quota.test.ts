import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

import { createProject, createTask, createTenant } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { plansFile } from '../support/plans.js';

const REPORT = '{ taskReport(input: { dimension: STATUS }) { total } }';
const HEAVY =
  '{ tasks(first: 50) { nodes { project { tasks(first: 5) { nodes { id } } } assignee { id } } } }';

let replicas: TestGateway[] = [];

afterAll(async () => {
  await Promise.all(replicas.map((gateway) => gateway.stop()));
});

describe('two gateways sharing Redis', () => {
  beforeAll(async () => {
    const env = {
      REDIS_URL: inject('redisUrl'),
      PLANS_FILE: plansFile({ FREE: { concurrency: 64 } }),
    };
    const first = await startGateway({ env });
    replicas = [first, await startGateway({ env, databaseName: first.databaseName })];
  });

  it('never admit more than bucket + restoreRate x time for one tenant', async () => {
    const tenant = await createTenant(replicas[0].url);
    const startedAt = Date.now();
    let admittedPoints = 0;
    let throttled = 0;

    while (Date.now() - startedAt < 2_000) {
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          graphql(replicas[index % 2].url, REPORT, {}, { token: tenant.token }),
        ),
      );
      for (const response of responses) {
        if (response.status === 429) throttled += 1;
        else admittedPoints += response.body.extensions?.cost?.requestedQueryCost ?? 0;
      }
    }

    const elapsedS = (Date.now() - startedAt) / 1000;
    expect(throttled).toBeGreaterThan(0);
    expect(admittedPoints).toBeGreaterThanOrEqual(1_000);
    expect(admittedPoints).toBeLessThanOrEqual(1_000 + 50 * elapsedS + 100);
  });

  it('show both replicas the same bucket', async () => {
    const tenant = await createTenant(replicas[0].url);

    await graphql(replicas[0].url, REPORT, {}, { token: tenant.token });
    const seen = await graphql(
      replicas[1].url,
      '{ quota { currentlyAvailable } }',
      {},
      { token: tenant.token },
    );

    expect(seen.body.data.quota.currentlyAvailable).toBeLessThan(905);
  });
});

describe('the concurrency cap', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({
      env: {
        PLANS_FILE: plansFile({
          FREE: { concurrency: 2, maximumAvailable: 1_000_000, restoreRate: 100_000 },
        }),
      },
    });
    replicas.push(gateway);
  });

  it("answers CONCURRENCY_LIMITED with 429 and Retry-After beyond the plan's operations in flight, charging nothing for them", async () => {
    const tenant = await createTenant(gateway.url);
    const projectId = await createProject(gateway.url, tenant.token);
    for (let index = 0; index < 20; index++)
      await createTask(gateway.url, tenant.token, { projectId, assigneeId: tenant.ownerId });

    const responses = await Promise.all(
      Array.from({ length: 24 }, () => graphql(gateway.url, HEAVY, {}, { token: tenant.token })),
    );

    const limited = responses.filter(
      (response) => errorCodes(response)[0] === 'CONCURRENCY_LIMITED',
    );
    expect(limited.length).toBeGreaterThan(0);
    expect(responses.filter((response) => response.status === 200).length).toBeGreaterThanOrEqual(
      2,
    );
    expect(limited[0].status).toBe(429);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited[0].body.extensions?.cost?.actualQueryCost).toBeNull();
    const after = await graphql(
      gateway.url,
      '{ quota { currentlyAvailable maximumAvailable } }',
      {},
      { token: tenant.token },
    );
    expect(after.body.data.quota.currentlyAvailable).toBe(after.body.data.quota.maximumAvailable);
  });
});

describe('the database time of one operation', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({
      env: {
        PLANS_FILE: plansFile({
          FREE: { dbTimeMs: 1, maximumAvailable: 1_000_000, restoreRate: 100_000 },
        }),
      },
    });
    replicas.push(gateway);
  });

  it('answers TIMEOUT once it has run out', async () => {
    // Fixtures through a replica on the same database with the normal plan table.
    const roomy = await startGateway({ databaseName: gateway.databaseName });
    replicas.push(roomy);
    const tenant = await createTenant(roomy.url);
    const projectId = await createProject(roomy.url, tenant.token);
    for (let index = 0; index < 10; index++)
      await createTask(roomy.url, tenant.token, { projectId, assigneeId: tenant.ownerId });

    const response = await graphql(gateway.url, HEAVY, {}, { token: tenant.token });

    expect(response.status).toBe(200);
    expect(errorCodes(response)).toContain('TIMEOUT');
    expect(JSON.stringify(response.body)).not.toMatch(/maxTimeMS|Mongo|stack/i);
  });
});
