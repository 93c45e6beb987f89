import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  PASSWORD,
  createProject,
  createTask,
  createTenant,
  uniqueEmail,
  uniqueName,
} from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql } from '../support/graphql.js';
import { msUntil } from '../support/propagation.js';

const OPERATOR_KEY = 'operator-key-for-tests-0123456789';
const asOperator = { headers: { 'x-operator-key': OPERATOR_KEY } };

let gateway: TestGateway;
let replica: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({ env: { OPERATOR_API_KEY: OPERATOR_KEY } });
  replica = await startGateway({
    env: { OPERATOR_API_KEY: OPERATOR_KEY },
    databaseName: gateway.databaseName,
  });
});

afterAll(async () => {
  await Promise.all([gateway.stop(), replica.stop()]);
});

describe('the operator API', () => {
  describe('without the operator key', () => {
    it('is UNAUTHENTICATED for anonymous callers and FORBIDDEN with a tenant token', async () => {
      const tenant = await createTenant(gateway.url);

      const anonymous = await graphql(gateway.url, '{ clusters { name } }');
      const withToken = await graphql(
        gateway.url,
        '{ clusters { name } }',
        {},
        { token: tenant.token },
      );
      const wrongKey = await graphql(
        gateway.url,
        '{ clusters { name } }',
        {},
        { headers: { 'x-operator-key': 'not-the-key-at-all-0000' } },
      );

      expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(withToken)).toEqual(['FORBIDDEN']);
      expect(errorCodes(wrongKey)).toEqual(['UNAUTHENTICATED']);
    });

    it('refuses every operator mutation to a tenant owner', async () => {
      const tenant = await createTenant(gateway.url);
      const mutations = [
        `mutation { setTenantPlan(id: "${tenant.id}", plan: ENTERPRISE) { plan } }`,
        `mutation { setTenantQuota(id: "${tenant.id}", override: { restoreRate: 1000000 }) { id } }`,
        `mutation { resumeTenant(id: "${tenant.id}") { id } }`,
        `mutation { moveTenant(id: "${tenant.id}", tier: DATABASE) { id } }`,
      ];

      for (const mutation of mutations) {
        expect(
          errorCodes(await graphql(gateway.url, mutation, {}, { token: tenant.token })),
        ).toEqual(['FORBIDDEN']);
      }
    });
  });

  describe('with the key', () => {
    it('lists tenants with plan, placement, live quota and usage, and is charged to no one', async () => {
      const tenant = await createTenant(gateway.url);
      const projectId = await createProject(gateway.url, tenant.token);
      await createTask(gateway.url, tenant.token, { projectId });

      const response = await graphql(
        gateway.url,
        `{ tenant(id: "${tenant.id}") { id name slug plan tier cluster suspended quota { plan maximumAvailable currentlyAvailable } usage { operations costConsumed throttled since } }
           tenants(first: 100) { totalCount nodes { id } } clusters { name healthy tenantCount } }`,
        {},
        asOperator,
      );

      const data = dataOf(response);
      expect(data.tenant).toMatchObject({
        id: tenant.id,
        name: tenant.name,
        plan: 'FREE',
        tier: 'SHARED',
        cluster: 'master',
        suspended: false,
        quota: { plan: 'FREE', maximumAvailable: 1000 },
      });
      expect(data.tenant.quota.currentlyAvailable).toBeLessThan(1000);
      expect(data.tenant.usage.operations).toBeGreaterThanOrEqual(2);
      expect(data.tenant.usage.costConsumed).toBeGreaterThanOrEqual(20);
      expect(data.tenants.nodes.map((node: { id: string }) => node.id)).toContain(tenant.id);
      expect(data.clusters).toEqual([
        { name: 'master', healthy: true, tenantCount: data.tenants.totalCount },
      ]);
      expect(response.body.extensions?.cost).toBeUndefined();
    });

    it('filters tenants by plan', async () => {
      const tenant = await createTenant(gateway.url);
      await graphql(
        gateway.url,
        `mutation { setTenantPlan(id: "${tenant.id}", plan: TEAM) { id } }`,
        {},
        asOperator,
      );

      const response = await graphql(
        gateway.url,
        '{ tenants(plan: TEAM, first: 100) { nodes { id plan } } }',
        {},
        asOperator,
      );

      const nodes = dataOf(response).tenants.nodes;
      expect(nodes).toContainEqual({ id: tenant.id, plan: 'TEAM' });
      expect(nodes.every((node: { plan: string }) => node.plan === 'TEAM')).toBe(true);
    });

    it('answers null and NOT_FOUND for an unknown tenant', async () => {
      const unknown = '0123456789abcdef01234567';

      const lookup = await graphql(
        gateway.url,
        `{ tenant(id: "${unknown}") { id } }`,
        {},
        asOperator,
      );
      const change = await graphql(
        gateway.url,
        `mutation { setTenantPlan(id: "${unknown}", plan: TEAM) { id } }`,
        {},
        asOperator,
      );

      expect(dataOf(lookup).tenant).toBeNull();
      expect(errorCodes(change)).toEqual(['NOT_FOUND']);
    });
  });

  describe('requests with the key', () => {
    it('are exempt from per-field limits, so a seed can create many organizations from one address', async () => {
      const address = '198.51.100.77';

      const responses = [];
      for (let index = 0; index < 22; index++) {
        responses.push(
          await graphql(
            gateway.url,
            'mutation C($input: CreateOrganizationInput!) { createOrganization(input: $input) { token } }',
            { input: { name: uniqueName('Seeded'), email: uniqueEmail(), password: PASSWORD } },
            { ...asOperator, address },
          ),
        );
      }

      expect(responses.filter((response) => response.body.data?.createOrganization)).toHaveLength(
        22,
      );
    });
  });

  describe('setTenantPlan', () => {
    it('takes effect on another replica within a second', async () => {
      const tenant = await createTenant(gateway.url);

      await graphql(
        gateway.url,
        `mutation { setTenantPlan(id: "${tenant.id}", plan: ENTERPRISE) { plan } }`,
        {},
        asOperator,
      );

      const took = await msUntil(async () => {
        const response = await graphql(
          replica.url,
          '{ quota { plan maximumAvailable } }',
          {},
          { token: tenant.token },
        );
        return response.body.data?.quota.maximumAvailable === 20_000;
      });
      expect(took).toBeLessThan(1_000);
    });
  });

  describe('setTenantQuota', () => {
    it("overrides the plan's numbers on every replica, and null clears it", async () => {
      const tenant = await createTenant(gateway.url);

      await graphql(
        gateway.url,
        `mutation { setTenantQuota(id: "${tenant.id}", override: { maximumAvailable: 3000, maxQueryCost: 1500 }) { id } }`,
        {},
        asOperator,
      );
      const took = await msUntil(
        async () =>
          (
            await graphql(
              replica.url,
              '{ quota { maximumAvailable maxQueryCost } }',
              {},
              { token: tenant.token },
            )
          ).body.data?.quota.maxQueryCost === 1500,
      );
      await graphql(
        gateway.url,
        `mutation { setTenantQuota(id: "${tenant.id}", override: null) { id } }`,
        {},
        asOperator,
      );
      const cleared = await msUntil(
        async () =>
          (await graphql(replica.url, '{ quota { maxQueryCost } }', {}, { token: tenant.token }))
            .body.data?.quota.maxQueryCost === 1000,
      );

      expect(took).toBeLessThan(1_000);
      expect(cleared).toBeLessThan(1_000);
    });

    it('refuses a limit that is not positive', async () => {
      const tenant = await createTenant(gateway.url);

      const response = await graphql(
        gateway.url,
        `mutation { setTenantQuota(id: "${tenant.id}", override: { restoreRate: -5 }) { id } }`,
        {},
        asOperator,
      );

      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0].extensions?.field).toBe('override.restoreRate');
    });
  });

  describe('suspendTenant', () => {
    it("refuses the tenant's tokens with SUSPENDED and 403 on every replica within a second, until resumed", async () => {
      const tenant = await createTenant(gateway.url);

      await graphql(
        gateway.url,
        `mutation { suspendTenant(id: "${tenant.id}", reason: "unpaid invoice") { suspended } }`,
        {},
        asOperator,
      );

      const took = await msUntil(
        async () =>
          (await graphql(replica.url, '{ viewer { id } }', {}, { token: tenant.token })).status ===
          403,
      );
      expect(took).toBeLessThan(1_000);
      const refused = await graphql(replica.url, '{ viewer { id } }', {}, { token: tenant.token });
      expect(errorCodes(refused)).toEqual(['SUSPENDED']);
      const login = await graphql(
        gateway.url,
        `mutation { login(input: { email: "${tenant.ownerEmail}", password: "${tenant.password}" }) { token } }`,
      );
      expect(errorCodes(login)).toEqual(['SUSPENDED']);

      await graphql(
        gateway.url,
        `mutation { resumeTenant(id: "${tenant.id}") { suspended } }`,
        {},
        asOperator,
      );
      const back = await msUntil(
        async () =>
          (await graphql(replica.url, '{ viewer { id } }', {}, { token: tenant.token })).status ===
          200,
      );
      expect(back).toBeLessThan(1_000);
    });
  });
});
