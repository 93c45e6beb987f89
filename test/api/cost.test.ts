import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createProject, createTask, createTenant, type TestTenant } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { graphql } from '../support/graphql.js';
import { ROOMY_FREE, plansFile } from '../support/plans.js';

let gateway: TestGateway;
let tenant: TestTenant;
let projectId: string;

beforeAll(async () => {
  gateway = await startGateway({ env: { PLANS_FILE: plansFile(ROOMY_FREE) } });
  tenant = await createTenant(gateway.url);
  projectId = await createProject(gateway.url, tenant.token);
  for (let index = 0; index < 3; index++)
    await createTask(gateway.url, tenant.token, { projectId });
});

afterAll(async () => {
  await gateway.stop();
});

/** [document, variables, requested cost worked out by hand from the contract's rules]. */
const DOCUMENTS: [string, string, Record<string, unknown>, number][] = [
  ['scalars only', '{ viewer { id email role } }', {}, 1],
  ['nested objects', '{ viewer { organization { id } } }', {}, 2],
  ['__typename and quota cost nothing', '{ __typename quota { plan currentlyAvailable } }', {}, 0],
  ['a connection with the default first', '{ projects { nodes { id } } }', {}, 2],
  [
    'a connection selecting totalCount',
    '{ projects(first: 10) { totalCount nodes { id } pageInfo { hasNextPage } } }',
    {},
    3,
  ],
  [
    'first from a variable',
    'query Q($n: Int) { tasks(first: $n) { nodes { project { id } } } }',
    { n: 7 },
    2 + 7 * 1,
  ],
  [
    'nested connections',
    '{ projects(first: 10) { totalCount nodes { id tasks(first: 5) { nodes { id assignee { id } } } } } }',
    {},
    73,
  ],
  [
    'a connection under an object',
    '{ organization { members(first: 3) { totalCount nodes { email } } } }',
    {},
    1 + 2 + 1,
  ],
  ['two aliases of one field', '{ a: viewer { id } b: viewer { id } }', {}, 2],
  [
    'a fragment spread under two aliases',
    'fragment F on Member { organization { id } } { a: viewer { ...F } b: viewer { ...F } }',
    {},
    4,
  ],
  ['an inline fragment', '{ viewer { ... on Member { organization { name } } } }', {}, 2],
  [
    '@skip with a variable',
    'query Q($skip: Boolean!) { viewer { id } organization @skip(if: $skip) { id } }',
    { skip: true },
    1,
  ],
  ['@include false', '{ viewer { id } organization @include(if: false) { id } }', {}, 1],
  [
    'taskReport is flat',
    '{ taskReport(input: { dimension: TAG }) { total buckets { key count } } }',
    {},
    100,
  ],
  [
    'a mutation',
    `mutation { createTask(input: { projectId: "${'0'.repeat(24)}", title: "x" }) { id project { id } } }`,
    {},
    11,
  ],
  ['a mutation returning a scalar', 'mutation { logout }', {}, 10],
  ['introspection counts like objects', '{ __schema { types { name fields { name } } } }', {}, 3],
  [
    'a lookup and a connection together',
    `{ project(id: "${'0'.repeat(24)}") { tasks(first: 4, status: DONE) { totalCount nodes { project { id } } } } }`,
    {},
    1 + 2 + 1 + 4,
  ],
];

describe('requestedQueryCost', () => {
  for (const [label, query, variables, expected] of DOCUMENTS) {
    it(`${label}: ${expected}`, async () => {
      // logout would end the session; it is priced on a throwaway token.
      const token = query.includes('logout')
        ? (await createTenant(gateway.url)).token
        : tenant.token;

      const response = await graphql(gateway.url, query, variables, { token });

      expect(response.body.extensions?.cost?.requestedQueryCost).toBe(expected);
    });
  }

  it('the standard introspection query passes every limit', async () => {
    for (const options of [
      {},
      { descriptions: false },
      {
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
      },
    ]) {
      const response = await graphql(
        gateway.url,
        getIntrospectionQuery(options),
        {},
        { token: tenant.token },
      );

      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.__schema.queryType.name).toBe('Query');
    }
  });
});

describe('actualQueryCost', () => {
  it('counts the nodes returned, not the nodes asked for, and refunds the difference', async () => {
    const response = await graphql(
      gateway.url,
      `{ project(id: "${projectId}") { tasks(first: 50) { nodes { assignee { id } project { id } } } } }`,
      {},
      { token: tenant.token },
    );

    const cost = response.body.extensions?.cost;
    expect(cost.requestedQueryCost).toBe(1 + 2 + 50 * 2);
    expect(cost.actualQueryCost).toBe(1 + 2 + 3 * 2);
  });

  it('is null when nothing ran', async () => {
    const response = await graphql(
      gateway.url,
      '{ viewer { id } tasks(first: 1000000) { nodes { project { id } } } }',
      {},
      { token: tenant.token },
    );

    expect(response.body.extensions?.cost?.actualQueryCost).toBeNull();
  });

  it('comes with the throttle status of the tenant', async () => {
    const response = await graphql(gateway.url, '{ viewer { id } }', {}, { token: tenant.token });

    expect(response.body.extensions?.cost?.throttleStatus).toMatchObject({
      maximumAvailable: 1_000_000,
      restoreRate: 100_000,
    });
  });
});
