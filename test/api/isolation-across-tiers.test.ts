import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createProject, createTenant, type TestTenant } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql } from '../support/graphql.js';
import { ROOMY_FREE, plansFile } from '../support/plans.js';
import { SecondCluster } from '../support/second-cluster.js';

const OPERATOR_KEY = 'operator-key-for-tests-0123456789';
const PLACEMENTS = [
  ['SHARED', 'master'],
  ['SHARED', 'east'],
  ['COLLECTION', 'master'],
  ['COLLECTION', 'east'],
  ['DATABASE', 'master'],
  ['DATABASE', 'east'],
] as const;
const OPERATIONS = 2_000;

/** What the test believes one tenant holds. */
interface Model {
  tenant: TestTenant;
  projects: string[];
  tasks: Map<string, { status: string; title: string }>;
}

let east: SecondCluster;
let gateway: TestGateway;
const models: Model[] = [];

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

beforeAll(async () => {
  east = new SecondCluster();
  await east.start();
  gateway = await startGateway({
    env: {
      OPERATOR_API_KEY: OPERATOR_KEY,
      PLANS_FILE: plansFile({ FREE: { ...ROOMY_FREE.FREE, dbTimeMs: 30_000 } }),
      MONGODB_CLUSTERS: `east=${east.uri('tg_east')}`,
      MOVE_PROPAGATION_MS: '200',
      MOVE_CLEANUP_DELAY_MS: '500',
    },
  });

  for (const [tier, cluster] of PLACEMENTS) {
    const tenant = await createTenant(gateway.url);
    if (tier !== 'SHARED' || cluster !== 'master') await moveTo(tenant, tier, cluster);
    models.push({
      tenant,
      projects: [await createProject(gateway.url, tenant.token)],
      tasks: new Map(),
    });
  }
}, 120_000);

afterAll(async () => {
  await gateway.stop();
  await east.remove();
});

async function moveTo(tenant: TestTenant, tier: string, cluster: string): Promise<void> {
  const headers = { 'x-operator-key': OPERATOR_KEY };
  const move = dataOf(
    await graphql(
      gateway.url,
      `mutation { moveTenant(id: "${tenant.id}", tier: ${tier}, cluster: "${cluster}") { id } }`,
      {},
      { headers },
    ),
  ).moveTenant;
  for (;;) {
    const state = dataOf(
      await graphql(gateway.url, `{ tenantMove(id: "${move.id}") { state } }`, {}, { headers }),
    ).tenantMove.state;
    if (state === 'DONE') return;
    if (state === 'FAILED') throw new Error(`move of ${tier}/${cluster} failed`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One random operation of one of the lane's tenants, checked against the model. */
async function step(random: () => number, own: Model[]): Promise<void> {
  const model = own[Math.floor(random() * own.length)];
  const other =
    models[
      (models.indexOf(model) + 1 + Math.floor(random() * (models.length - 1))) % models.length
    ];
  const token = model.tenant.token;
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const roll = random();

  if (roll < 0.3 || model.tasks.size === 0) {
    const title = `t${Math.floor(random() * 1e9)}`;
    const response = await graphql(
      gateway.url,
      'mutation C($input: CreateTaskInput!) { createTask(input: $input) { id status } }',
      { input: { projectId: pick(model.projects), title } },
      { token },
    );
    model.tasks.set(dataOf(response).createTask.id, { status: 'TODO', title });
  } else if (roll < 0.4) {
    const id = pick([...model.tasks.keys()]);
    const status = pick(['TODO', 'IN_PROGRESS', 'DONE']);
    const response = await graphql(
      gateway.url,
      `mutation { updateTask(input: { id: "${id}", status: ${status} }) { status } }`,
      {},
      { token },
    );
    expect(dataOf(response).updateTask.status).toBe(status);
    model.tasks.get(id)!.status = status;
  } else if (roll < 0.5 && other.tasks.size > 0) {
    const foreign = pick([...other.tasks.keys()]);
    const kind = pick(['update', 'delete', 'lookup']);
    if (kind === 'lookup') {
      const response = await graphql(
        gateway.url,
        `{ task(id: "${foreign}") { id } }`,
        {},
        { token },
      );
      expect(dataOf(response).task).toBeNull();
    } else {
      const mutation =
        kind === 'update'
          ? `mutation { updateTask(input: { id: "${foreign}", title: "stolen" }) { id } }`
          : `mutation { deleteTask(id: "${foreign}") }`;
      expect(errorCodes(await graphql(gateway.url, mutation, {}, { token }))).toEqual([
        'NOT_FOUND',
      ]);
    }
  } else if (roll < 0.6) {
    const id = pick([...model.tasks.keys()]);
    expect(
      dataOf(await graphql(gateway.url, `mutation { deleteTask(id: "${id}") }`, {}, { token }))
        .deleteTask,
    ).toBe(true);
    model.tasks.delete(id);
  } else if (roll < 0.65) {
    model.projects.push(await createProject(gateway.url, token));
  } else if (roll < 0.8) {
    const id = pick([...model.tasks.keys()]);
    const response = await graphql(
      gateway.url,
      `{ task(id: "${id}") { title status } }`,
      {},
      { token },
    );
    expect(dataOf(response).task).toEqual(model.tasks.get(id));
  } else {
    const response = await graphql(
      gateway.url,
      '{ tasks(first: 100) { totalCount nodes { id } } projects(first: 100) { nodes { id } } }',
      {},
      { token },
    );
    const data = dataOf(response);
    for (const node of data.tasks.nodes) expect(model.tasks.has(node.id)).toBe(true);
    for (const node of data.projects.nodes) expect(model.projects).toContain(node.id);
  }
}

describe('tenants on every tier and cluster', () => {
  it(`never see one another's data over ${OPERATIONS} random operations`, async () => {
    // Three lanes run at once, each owning two tenants, so no two lanes race on one model.
    const lanes = 3;
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        const random = generator(20_261_204 + lane);
        const own = models.filter((_, index) => index % lanes === lane);
        for (let index = 0; index < Math.ceil(OPERATIONS / lanes); index++) await step(random, own);
      }),
    );

    for (const model of models) {
      const response = await graphql(
        gateway.url,
        '{ tasks(first: 1) { totalCount } projects(first: 1) { totalCount } }',
        {},
        { token: model.tenant.token },
      );
      expect(dataOf(response)).toEqual({
        tasks: { totalCount: model.tasks.size },
        projects: { totalCount: model.projects.length },
      });
    }
    const placements = await Promise.all(
      models.map(
        async (model) =>
          dataOf(
            await graphql(
              gateway.url,
              `{ tenant(id: "${model.tenant.id}") { tier cluster } }`,
              {},
              { headers: { 'x-operator-key': OPERATOR_KEY } },
            ),
          ).tenant,
      ),
    );
    expect(placements).toEqual(PLACEMENTS.map(([tier, cluster]) => ({ tier, cluster })));
  }, 300_000);
});
