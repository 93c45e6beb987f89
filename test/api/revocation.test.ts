import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { PASSWORD, addMemberAs, createTenant, loginAs } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql } from '../support/graphql.js';
import { msUntilRefused, statusOf } from '../support/propagation.js';

let gateway: TestGateway;
let replica: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
  replica = await startGateway({ databaseName: gateway.databaseName });
});

afterAll(async () => {
  await Promise.all([gateway.stop(), replica.stop()]);
});

describe('revocation', () => {
  describe('logout', () => {
    it('refuses that token at once and on another replica within a second', async () => {
      const tenant = await createTenant(gateway.url);
      const other = await loginAs(gateway.url, tenant.ownerEmail);

      const response = await graphql(
        gateway.url,
        'mutation { logout }',
        {},
        { token: tenant.token },
      );

      expect(dataOf(response).logout).toBe(true);
      expect(await statusOf(gateway.url, tenant.token)).toBe(401);
      expect(await msUntilRefused(replica.url, tenant.token)).toBeLessThan(1_000);
      expect(await statusOf(gateway.url, other.token)).toBe(200);
    });
  });

  describe('changePassword', () => {
    it('refuses every other token of the member and returns a working one', async () => {
      const tenant = await createTenant(gateway.url);
      const second = await loginAs(gateway.url, tenant.ownerEmail);
      const newPassword = 'a brand new password';

      const response = await graphql(
        gateway.url,
        'mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { token } }',
        { input: { currentPassword: PASSWORD, newPassword } },
        { token: tenant.token },
      );

      const fresh = dataOf(response).changePassword.token;
      expect(await statusOf(gateway.url, fresh)).toBe(200);
      expect(await statusOf(gateway.url, tenant.token)).toBe(401);
      expect(await msUntilRefused(replica.url, second.token)).toBeLessThan(1_000);
      expect(await statusOf(replica.url, fresh)).toBe(200);
      expect((await loginAs(gateway.url, tenant.ownerEmail, newPassword)).token).toBeTruthy();
    });

    it('with a wrong current password answers BAD_USER_INPUT and keeps the old password', async () => {
      const tenant = await createTenant(gateway.url);

      const response = await graphql(
        gateway.url,
        'mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { token } }',
        { input: { currentPassword: 'not the password', newPassword: 'whatever whatever' } },
        { token: tenant.token },
      );

      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(await statusOf(gateway.url, tenant.token)).toBe(200);
      expect((await loginAs(gateway.url, tenant.ownerEmail)).token).toBeTruthy();
    });
  });

  describe('updateMember changing the role', () => {
    it("refuses the member's tokens on every replica within a second", async () => {
      const tenant = await createTenant(gateway.url);
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');

      await graphql(
        gateway.url,
        `mutation { updateMember(input: { id: "${member.memberId}", role: ADMIN }) { role } }`,
        {},
        { token: tenant.token },
      );

      expect(await statusOf(gateway.url, member.token)).toBe(401);
      expect(await msUntilRefused(replica.url, member.token)).toBeLessThan(1_000);
      const relogged = await loginAs(gateway.url, member.email);
      const viewer = await graphql(
        gateway.url,
        '{ viewer { role } }',
        {},
        { token: relogged.token },
      );
      expect(dataOf(viewer).viewer.role).toBe('ADMIN');
    });
  });

  describe('removeMember', () => {
    it("refuses the member's tokens on every replica within a second, and login fails", async () => {
      const tenant = await createTenant(gateway.url);
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');

      await graphql(
        gateway.url,
        `mutation { removeMember(id: "${member.memberId}") }`,
        {},
        { token: tenant.token },
      );

      expect(await statusOf(gateway.url, member.token)).toBe(401);
      expect(await msUntilRefused(replica.url, member.token)).toBeLessThan(1_000);
      const login = await graphql(
        gateway.url,
        `mutation { login(input: { email: "${member.email}", password: "${PASSWORD}" }) { token } }`,
      );
      expect(errorCodes(login)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('deleteOrganization', () => {
    it('refuses its tokens on another replica within a second', async () => {
      const tenant = await createTenant(gateway.url);
      const member = await addMemberAs(gateway.url, tenant, 'ADMIN');

      await graphql(
        gateway.url,
        `mutation { deleteOrganization(input: { confirmName: "${tenant.name}" }) }`,
        {},
        { token: tenant.token },
      );

      expect(await msUntilRefused(replica.url, member.token)).toBeLessThan(1_000);
    });
  });
});

describe('revocation with Redis pub/sub between replicas', () => {
  it('refuses a logged-out token on the other replica within a second', async () => {
    const env = { REDIS_URL: inject('redisUrl') };
    const first = await startGateway({ env });
    const second = await startGateway({ env, databaseName: first.databaseName });
    try {
      const tenant = await createTenant(first.url);
      expect(await statusOf(second.url, tenant.token)).toBe(200);

      await graphql(first.url, 'mutation { logout }', {}, { token: tenant.token });

      expect(await msUntilRefused(second.url, tenant.token)).toBeLessThan(1_000);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
