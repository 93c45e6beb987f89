import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createProject, createTenant, type TestTenant } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { errorCodes, graphql, type GraphQLResponse } from '../support/graphql.js';
import { plansFile } from '../support/plans.js';

let gateway: TestGateway;

/** FREE as the contract has it but refilling slowly, so timing stays readable in a test. */
const SLOW_FREE = {
  FREE: { maximumAvailable: 1_000, restoreRate: 10, maxQueryCost: 1_000, concurrency: 64 },
};
/** 505 points requested: 2 + 100 x 3 for the tasks, 1 + 2 + 100 x 2 for the projects. */
const EXPENSIVE =
  '{ tasks(first: 100) { nodes { project { id } assignee { id organization { id } } } } organization { projects(first: 100) { nodes { id tasks(first: 1) { nodes { id } } } } } }';

beforeAll(async () => {
  gateway = await startGateway({ env: { PLANS_FILE: plansFile(SLOW_FREE) } });
});

afterAll(async () => {
  await gateway.stop();
});

/** Spends `reports` x 100 points: taskReport's actual cost is its flat price. */
async function drain(token: string, reports: number): Promise<void> {
  for (let index = 0; index < reports; index++) {
    const response = await graphql(
      gateway.url,
      '{ taskReport(input: { dimension: STATUS }) { total } }',
      {},
      { token },
    );
    expect(response.body.extensions?.cost?.actualQueryCost).toBe(100);
  }
}

async function available(token: string): Promise<number> {
  const response = await graphql(gateway.url, '{ quota { currentlyAvailable } }', {}, { token });
  return response.body.data.quota.currentlyAvailable;
}

function requestedOf(response: GraphQLResponse): number {
  return response.body.extensions?.cost?.requestedQueryCost;
}

describe('the tenant bucket', () => {
  describe('when an operation costs more than it holds', () => {
    it('answers THROTTLED with 429 and Retry-After, and charges nothing', async () => {
      const tenant = await createTenant(gateway.url);
      await drain(tenant.token, 6);
      const before = await available(tenant.token);

      const refused = await graphql(gateway.url, EXPENSIVE, {}, { token: tenant.token });

      expect(refused.status).toBe(429);
      expect(errorCodes(refused)).toEqual(['THROTTLED']);
      const retryAfterMs = refused.body.errors?.[0].extensions?.retryAfterMs;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil(retryAfterMs / 1000));
      expect(refused.body.extensions?.cost?.actualQueryCost).toBeNull();
      expect(await available(tenant.token)).toBeGreaterThanOrEqual(before);
    });
  });

  describe('after an operation', () => {
    it('keeps only the actual cost: the unused part of the price is refunded', async () => {
      const tenant = await createTenant(gateway.url);

      const response = await graphql(gateway.url, EXPENSIVE, {}, { token: tenant.token });

      const { requestedQueryCost, actualQueryCost, throttleStatus } =
        response.body.extensions?.cost;
      expect(requestedQueryCost).toBe(505);
      expect(actualQueryCost).toBe(5);
      expect(throttleStatus.currentlyAvailable).toBeGreaterThan(1_000 - actualQueryCost - 1);
    });
  });

  describe('while it refills', () => {
    it('grows at restoreRate points per second', async () => {
      const tenant = await createTenant(gateway.url);
      await drain(tenant.token, 9);
      const drained = await graphql(
        gateway.url,
        '{ quota { currentlyAvailable } }',
        {},
        { token: tenant.token },
      );
      const startedAt = Date.now();
      const low = drained.body.data.quota.currentlyAvailable;

      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const later = await available(tenant.token);

      const elapsedS = (Date.now() - startedAt) / 1000;
      expect(later - low).toBeGreaterThanOrEqual(10 * 1.5 - 1);
      expect(later - low).toBeLessThanOrEqual(10 * elapsedS + 1);
    });
  });

  describe('of one tenant', () => {
    it("does not touch another tenant's bucket", async () => {
      const noisy = await createTenant(gateway.url);
      const quiet = await createTenant(gateway.url);
      await drain(noisy.token, 5);

      expect(await available(noisy.token)).toBeLessThan(1_000);
      expect(await available(quiet.token)).toBe(1_000);
    });
  });

  describe('quota', () => {
    it('reports the plan and its numbers', async () => {
      const tenant = await createTenant(gateway.url);

      const response = await graphql(
        gateway.url,
        '{ quota { plan maximumAvailable currentlyAvailable restoreRate maxQueryCost concurrency } }',
        {},
        { token: tenant.token },
      );

      expect(response.body.data.quota).toEqual({
        plan: 'FREE',
        maximumAvailable: 1000,
        currentlyAvailable: 1000,
        restoreRate: 10,
        maxQueryCost: 1000,
        concurrency: 64,
      });
    });
  });
});

describe('hostile documents', () => {
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(gateway.url);
    await createProject(gateway.url, tenant.token);
  });

  const aliases = (count: number) =>
    `{ ${Array.from({ length: count }, (_, index) => `a${index}: viewer { id }`).join(' ')} }`;
  /** project, then (tasks, nodes, project) x n: depth 1 + 3n. */
  const deep = (repeats: number) =>
    `{ project(id: "${'0'.repeat(24)}") { ${'tasks(first: 1) { nodes { project { '.repeat(repeats)}id ${'} } } '.repeat(repeats)}} }`;
  const directives = (count: number) =>
    `fragment F on Member { id } { viewer { ${Array.from({ length: count }, () => '...F @include(if: true)').join(' ')} } }`;
  const cases: [string, string, string, number][] = [
    ['31 aliases', aliases(31), 'aliases', 31],
    [
      'a fragment that multiplies aliases',
      `fragment F on Member { a: id b: id c: id d: id e: id f: id g: id h: id } { viewer { ...F x: organization { id } } a: viewer { ...F } b: viewer { ...F } c: viewer { ...F } }`,
      'aliases',
      36,
    ],
    ['51 directives', directives(51), 'directives', 51],
    ['nesting beyond depth 12', deep(4), 'depth', 13],
    [
      'circular introspection',
      '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }',
      'depth',
      4,
    ],
    ['a huge first', '{ tasks(first: 1000000) { nodes { project { id } } } }', 'cost', 1_000_002],
    ['over 5,000 tokens', `{ viewer { ${'id '.repeat(5_100)} } }`, 'tokens', 5_001],
  ];

  for (const [label, query, limit, value] of cases) {
    it(`${label}: QUERY_TOO_COMPLEX (${limit}) with 400, nothing charged`, async () => {
      const before = await available(tenant.token);

      const response = await graphql(gateway.url, query, {}, { token: tenant.token });

      expect(response.status).toBe(400);
      expect(errorCodes(response)).toEqual(['QUERY_TOO_COMPLEX']);
      const extensions = response.body.errors?.[0].extensions;
      expect(extensions?.limit).toBe(limit);
      if (value > 0) expect(extensions?.value).toBe(value);
      expect(extensions?.value).toBeGreaterThan(extensions?.max);
      expect(await available(tenant.token)).toBeGreaterThanOrEqual(before);
    });
  }

  it('a batched array is refused with 400', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.token}` },
      body: JSON.stringify([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]),
    });

    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('BAD_REQUEST');
  });

  it('field suggestions are hidden from callers without a token', async () => {
    const anonymous = await graphql(gateway.url, '{ vewer { id } }');
    const signedIn = await graphql(gateway.url, '{ vewer { id } }', {}, { token: tenant.token });

    expect(anonymous.body.errors?.[0].message).not.toMatch(/Did you mean/);
    expect(signedIn.body.errors?.[0].message).toMatch(/Did you mean "viewer"/);
  });
});

describe('the anonymous bucket', () => {
  it("is per client address, with FREE's numbers", async () => {
    const address = '198.51.100.7';
    let response: GraphQLResponse | undefined;
    let paid = 0;
    // 25 aliases x 5 points: 125 points a request.
    const introspection = `{ ${Array.from({ length: 25 }, (_, index) => `a${index}: __schema { types { fields { args { type { name } } } } }`).join(' ')} }`;
    for (let attempt = 0; attempt < 40; attempt++) {
      response = await graphql(gateway.url, introspection, {}, { address });
      if (response.status === 429) break;
      paid += requestedOf(response);
    }

    expect(errorCodes(response!)).toEqual(['THROTTLED']);
    expect(paid).toBeLessThanOrEqual(1_000 + 10 * 5);
    const elsewhere = await graphql(gateway.url, introspection, {}, { address: '198.51.100.8' });
    expect(elsewhere.status).toBe(200);
  });
});
