import { afterAll, describe, expect, it } from 'vitest';

import { createProject, createTask, createTenant } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { graphql } from '../support/graphql.js';
import { plansFile } from '../support/plans.js';

const HEAVY =
  '{ tasks(first: 50) { nodes { project { tasks(first: 5) { nodes { id } } } assignee { id } } } }';

/** Operations sent at once; fewer than the concurrency, so none is refused. */
const AT_ONCE = 6;

const replicas: TestGateway[] = [];

afterAll(async () => {
  await Promise.all(replicas.map((gateway) => gateway.stop()));
});

/** A gateway whose FREE plan admits AT_ONCE operations in flight and executes `lanes` at once. */
async function gatewayWithLanes(lanes: number, databaseName?: string): Promise<TestGateway> {
  const FREE = { concurrency: 8, lanes, maximumAvailable: 1_000_000, restoreRate: 100_000 };
  const gateway = await startGateway({
    databaseName,
    env: { PLANS_FILE: plansFile({ FREE: { ...FREE, dbTimeMs: 30_000 } }) },
  });
  replicas.push(gateway);
  return gateway;
}

/** Sends AT_ONCE heavy queries together; returns the operation lines they logged. */
async function burst(gateway: TestGateway, token: string): Promise<Record<string, unknown>[]> {
  const before = gateway.logs.length;
  const responses = await Promise.all(
    Array.from({ length: AT_ONCE }, () => graphql(gateway.url, HEAVY, {}, { token })),
  );

  for (const response of responses) {
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  }
  await expect.poll(() => operationLines(gateway, before).length).toBe(AT_ONCE);
  return operationLines(gateway, before);
}

/**
 * The query lines logged since `from`: a fixture mutation's line is written after its answer, so
 * on a busy machine it can land after the burst began.
 */
function operationLines(gateway: TestGateway, from: number): Record<string, unknown>[] {
  return gateway.logs
    .slice(from)
    .filter((line) => line.msg === 'operation' && line.operationType === 'query');
}

describe("a tenant's lanes", () => {
  it("admit every operation its concurrency allows and execute at most its lanes' worth at once", async () => {
    const oneLane = await gatewayWithLanes(1);
    const sixLanes = await gatewayWithLanes(AT_ONCE, oneLane.databaseName);
    const tenant = await createTenant(oneLane.url);
    const projectId = await createProject(oneLane.url, tenant.token);
    for (let index = 0; index < 20; index++)
      await createTask(oneLane.url, tenant.token, { projectId, assigneeId: tenant.ownerId });

    const queued = await burst(oneLane, tenant.token);
    const side = await burst(sixLanes, tenant.token);

    // One lane: the operations took turns, so all but the first few to arrive waited for one.
    const waited = queued.filter((line) => typeof line.laneWaitMs === 'number');
    expect(waited.length).toBeGreaterThanOrEqual(AT_ONCE - 2);
    for (const line of waited) expect(line.laneWaitMs).toBeGreaterThanOrEqual(1);
    // As many lanes as operations: none waited.
    expect(side.filter((line) => 'laneWaitMs' in line)).toEqual([]);
  });
});
