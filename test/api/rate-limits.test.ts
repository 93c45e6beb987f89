import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

import { PASSWORD, createTenant, uniqueEmail, uniqueName } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { errorCodes, graphql, randomAddress } from '../support/graphql.js';
import { ROOMY_FREE, plansFile } from '../support/plans.js';

let local: TestGateway;
let replicas: TestGateway[];

beforeAll(async () => {
  // Budgets are roomy here: what is measured is the per-field limits alone.
  const plans = plansFile(ROOMY_FREE);
  local = await startGateway({ env: { PLANS_FILE: plans } });
  const shared = { PLANS_FILE: plans, REDIS_URL: inject('redisUrl') };
  const first = await startGateway({ env: shared });
  replicas = [first, await startGateway({ env: shared, databaseName: first.databaseName })];
});

afterAll(async () => {
  await Promise.all([local, ...replicas].map((gateway) => gateway.stop()));
});

const wrongLogin = (email: string) =>
  `mutation { login(input: { email: "${email}", password: "not the password" }) { token } }`;

describe('login', () => {
  describe('100 parallel wrong passwords for one email', () => {
    it('admit at most 10 attempts on one replica; the others are THROTTLED with retryAfterMs', async () => {
      const tenant = await createTenant(local.url);

      const responses = await Promise.all(
        Array.from({ length: 100 }, () => graphql(local.url, wrongLogin(tenant.ownerEmail))),
      );

      const codes = responses.map((response) => errorCodes(response)[0]);
      expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(10);
      expect(codes.filter((code) => code === 'THROTTLED')).toHaveLength(90);
      const throttled = responses.find((response) => errorCodes(response)[0] === 'THROTTLED')!;
      expect(throttled.status).toBe(200);
      expect(throttled.body.errors?.[0].extensions?.retryAfterMs).toBeGreaterThan(14 * 60_000);
    });

    it('admit at most 10 across two replicas sharing Redis', async () => {
      const tenant = await createTenant(replicas[0].url);

      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, index) =>
          graphql(replicas[index % 2].url, wrongLogin(tenant.ownerEmail)),
        ),
      );

      expect(
        responses.filter((response) => errorCodes(response)[0] === 'UNAUTHENTICATED'),
      ).toHaveLength(10);
    });
  });

  describe('after failures', () => {
    it('a right password still counts only failures: 9 failures then a success then 1 failure are admitted', async () => {
      const tenant = await createTenant(local.url);
      for (let index = 0; index < 9; index++)
        await graphql(local.url, wrongLogin(tenant.ownerEmail));

      const success = await graphql(
        local.url,
        `mutation { login(input: { email: "${tenant.ownerEmail}", password: "${PASSWORD}" }) { token } }`,
      );
      const tenth = await graphql(local.url, wrongLogin(tenant.ownerEmail));
      const eleventh = await graphql(local.url, wrongLogin(tenant.ownerEmail));

      expect(success.body.data?.login.token).toBeTruthy();
      expect(errorCodes(tenth)).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(eleventh)).toEqual(['THROTTLED']);
    });
  });

  describe('from one client address', () => {
    it('admits 100 attempts a minute, whatever the emails', async () => {
      const address = randomAddress();

      const responses = [];
      for (let batch = 0; batch < 7; batch++) {
        responses.push(
          ...(await Promise.all(
            Array.from({ length: 15 }, () =>
              graphql(local.url, wrongLogin(uniqueEmail()), {}, { address }),
            ),
          )),
        );
      }

      const codes = responses.map((response) => errorCodes(response)[0]);
      expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(100);
      expect(codes.filter((code) => code === 'THROTTLED')).toHaveLength(5);
    });
  });
});

describe('createOrganization from one client address', () => {
  it('admits 20 an hour', async () => {
    const address = randomAddress();

    const responses = await Promise.all(
      Array.from({ length: 22 }, () =>
        graphql(
          local.url,
          'mutation C($input: CreateOrganizationInput!) { createOrganization(input: $input) { token } }',
          { input: { name: uniqueName(), email: uniqueEmail(), password: PASSWORD } },
          { address },
        ),
      ),
    );

    expect(responses.filter((response) => response.body.data?.createOrganization)).toHaveLength(20);
    expect(responses.filter((response) => errorCodes(response)[0] === 'THROTTLED')).toHaveLength(2);
  });
});

describe('organizationByName from one client address', () => {
  it('admits 120 a minute, and another address is unaffected', async () => {
    const address = randomAddress();
    const aliased = `{ ${Array.from({ length: 30 }, (_, index) => `a${index}: organizationByName(name: "Nobody ${index}") { name }`).join(' ')} }`;

    const codes: string[] = [];
    for (let index = 0; index < 5; index++)
      codes.push(...errorCodes(await graphql(local.url, aliased, {}, { address })));
    const elsewhere = await graphql(local.url, aliased, {}, { address: randomAddress() });

    expect(codes.filter((code) => code === 'THROTTLED')).toHaveLength(30);
    expect(elsewhere.body.errors).toBeUndefined();
  });
});
