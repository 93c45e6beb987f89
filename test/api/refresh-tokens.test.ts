import { createHash, randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PASSWORD, addMemberAs, createTenant, type TestTenant } from '../support/builders.js';
import { openDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql, randomAddress } from '../support/graphql.js';
import { msUntilRefused, statusOf } from '../support/propagation.js';

const OPERATOR_KEY = 'operator-key-for-refresh-tests-0123456789';
const asOperator = { headers: { 'x-operator-key': OPERATOR_KEY } };
const REFUSED = 'The refresh token is invalid, expired or revoked; log in again.';
const SESSION =
  'token expiresAt refreshToken refreshExpiresAt member { id role } organization { id }';
const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { ${SESSION} } }`;
const REFRESH = `mutation Refresh($input: RefreshTokenInput!) { refreshToken(input: $input) { ${SESSION} } }`;

let gateway: TestGateway;
let replica: TestGateway;
/** Every refresh token this file was handed, to look for in the logs and the database. */
const issued: string[] = [];

beforeAll(async () => {
  const env = { OPERATOR_API_KEY: OPERATOR_KEY };
  gateway = await startGateway({ env });
  replica = await startGateway({ env, databaseName: gateway.databaseName });
});

afterAll(async () => {
  await Promise.all([gateway.stop(), replica.stop()]);
});

/** An access token and refresh token, as login and refreshToken answer them. */
interface Pair {
  token: string;
  refreshToken: string;
  refreshExpiresAt: string;
  member: { id: string; role: string };
  organization: { id: string };
}

function remember(pair: Pair): Pair {
  issued.push(pair.refreshToken);
  return pair;
}

async function login(url: string, email: string, password = PASSWORD): Promise<Pair> {
  const response = await graphql(url, LOGIN, { input: { email, password } });
  return remember(dataOf(response).login);
}

function refresh(url: string, refreshToken: string, address = randomAddress()) {
  return graphql(url, REFRESH, { input: { refreshToken } }, { address });
}

async function refreshed(url: string, refreshToken: string): Promise<Pair> {
  return remember(dataOf(await refresh(url, refreshToken)).refreshToken);
}

/** The claims of a JWT, read without verifying it. */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** Expects the refresh to be refused with the one message every refusal shares. */
function expectRefused(response: Awaited<ReturnType<typeof refresh>>): void {
  expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  expect(response.body.errors?.[0].message).toBe(REFUSED);
  expect(response.body.data).toBeNull();
}

/** A well-formed refresh token the gateway never issued. */
function unknownToken(): string {
  return `tgr_${randomBytes(32).toString('base64url')}`;
}

describe('refreshToken', () => {
  describe('after login', () => {
    it('answers a working access token for the same member, organization and role, and a new refresh token', async () => {
      const tenant = await createTenant(gateway.url);
      const first = await login(gateway.url, tenant.ownerEmail);

      const second = await refreshed(replica.url, first.refreshToken);

      expect(first.refreshToken).toMatch(/^tgr_[A-Za-z0-9_-]{43}$/);
      expect(second.refreshToken).toMatch(/^tgr_[A-Za-z0-9_-]{43}$/);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.token).not.toBe(first.token);
      const before = claimsOf(first.token);
      const after = claimsOf(second.token);
      expect([after.sub, after.tid, after.role]).toEqual([tenant.ownerId, tenant.id, 'OWNER']);
      expect([after.sub, after.tid, after.role]).toEqual([before.sub, before.tid, before.role]);
      expect(after.jti).not.toBe(before.jti);
      expect(await statusOf(gateway.url, second.token)).toBe(200);
      expect(second.member).toEqual({ id: tenant.ownerId, role: 'OWNER' });
    });

    it('keeps the session going: each new refresh token works once', async () => {
      const tenant = await createTenant(gateway.url);
      let pair = await login(gateway.url, tenant.ownerEmail);

      for (let round = 0; round < 3; round++) {
        pair = await refreshed(round % 2 === 0 ? replica.url : gateway.url, pair.refreshToken);
      }

      expect(await statusOf(replica.url, pair.token)).toBe(200);
    });

    it('lasts JWT_REFRESH_TTL, 30 days by default', async () => {
      const tenant = await createTenant(gateway.url);
      const startedAt = Date.now();

      const pair = await login(gateway.url, tenant.ownerEmail);

      const lifetimeMs = Date.parse(pair.refreshExpiresAt) - startedAt;
      expect(lifetimeMs).toBeGreaterThan(30 * 86_400_000 - 60_000);
      expect(lifetimeMs).toBeLessThan(30 * 86_400_000 + 60_000);
    });

    it('is returned by createOrganization, and is priced like login: 10 plus the selection', async () => {
      const tenant = await createTenant(gateway.url);
      const created = await graphql(
        gateway.url,
        'mutation C($input: CreateOrganizationInput!) { createOrganization(input: $input) { refreshToken } }',
        {
          input: {
            name: `Org ${randomBytes(4).toString('hex')}`,
            email: `o.${randomBytes(4).toString('hex')}@example.test`,
            password: PASSWORD,
          },
        },
      );
      const pair = await login(gateway.url, tenant.ownerEmail);
      const loginCost = (
        await graphql(gateway.url, LOGIN, {
          input: { email: tenant.ownerEmail, password: PASSWORD },
        })
      ).body.extensions?.cost;

      const response = await refresh(gateway.url, pair.refreshToken);

      issued.push(dataOf(created).createOrganization.refreshToken);
      remember(dataOf(response).refreshToken);
      expect(dataOf(created).createOrganization.refreshToken).toMatch(/^tgr_/);
      expect(response.body.extensions?.cost.requestedQueryCost).toBe(12);
      expect(response.body.extensions?.cost.requestedQueryCost).toBe(loginCost.requestedQueryCost);
      expect(response.body.extensions?.cost.actualQueryCost).toBe(12);
    });
  });

  describe('when a used refresh token is presented again', () => {
    it('answers UNAUTHENTICATED with the message of an unknown token', async () => {
      const tenant = await createTenant(gateway.url);
      const first = await login(gateway.url, tenant.ownerEmail);
      await refreshed(gateway.url, first.refreshToken);

      const reused = await refresh(replica.url, first.refreshToken);

      expectRefused(reused);
      expectRefused(await refresh(replica.url, unknownToken()));
    });

    it('ends the family: its newest refresh token is refused and its access tokens are refused on the other replica within a second', async () => {
      const tenant = await createTenant(gateway.url);
      const first = await login(gateway.url, tenant.ownerEmail);
      const second = await refreshed(gateway.url, first.refreshToken);
      const other = await login(gateway.url, tenant.ownerEmail);
      expect(await statusOf(replica.url, second.token)).toBe(200);

      expectRefused(await refresh(gateway.url, first.refreshToken));

      expectRefused(await refresh(replica.url, second.refreshToken));
      expect(await msUntilRefused(replica.url, second.token)).toBeLessThan(1_000);
      expect(await msUntilRefused(replica.url, first.token)).toBeLessThan(1_000);
      expect(await statusOf(gateway.url, other.token)).toBe(200);
      expect((await refreshed(replica.url, other.refreshToken)).token).toBeTruthy();
    });
  });

  describe('when ten requests use one refresh token at once', () => {
    it('answers exactly one of them with a new pair, the others UNAUTHENTICATED', async () => {
      const tenant = await createTenant(gateway.url);

      // Several races, since one can go right by luck: a claim by filtered update, which
      // FerretDB runs as a read then a write, let two requests win in some of them.
      for (let race = 0; race < 8; race++) {
        const pair = await login(gateway.url, tenant.ownerEmail);

        const responses = await Promise.all(
          Array.from({ length: 10 }, (_, index) =>
            refresh(index % 2 === 0 ? gateway.url : replica.url, pair.refreshToken),
          ),
        );

        const winners = responses.filter((response) => errorCodes(response).length === 0);
        for (const winner of winners) remember(dataOf(winner).refreshToken);
        expect(winners, `race ${race}`).toHaveLength(1);
        for (const response of responses.filter((candidate) => !winners.includes(candidate))) {
          expectRefused(response);
        }
      }
    });

    it('treats the nine others as reuse: the winning refresh token dies with the family', async () => {
      const tenant = await createTenant(gateway.url);
      const pair = await login(gateway.url, tenant.ownerEmail);

      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          refresh(index % 2 === 0 ? gateway.url : replica.url, pair.refreshToken),
        ),
      );

      const winner = remember(
        dataOf(responses.find((response) => errorCodes(response).length === 0)!).refreshToken,
      );
      expectRefused(await refresh(gateway.url, winner.refreshToken));
      expect(await msUntilRefused(replica.url, winner.token)).toBeLessThan(1_000);
    });
  });

  describe('logout', () => {
    it("ends the family of that session and leaves the member's other sessions", async () => {
      const tenant = await createTenant(gateway.url);
      const first = await login(gateway.url, tenant.ownerEmail);
      const current = await refreshed(gateway.url, first.refreshToken);
      const other = await login(gateway.url, tenant.ownerEmail);

      const response = await graphql(
        gateway.url,
        'mutation { logout }',
        {},
        { token: current.token },
      );

      expect(dataOf(response).logout).toBe(true);
      expectRefused(await refresh(replica.url, current.refreshToken));
      expect(await statusOf(gateway.url, current.token)).toBe(401);
      expect(await statusOf(replica.url, other.token)).toBe(200);
      expect((await refreshed(replica.url, other.refreshToken)).token).toBeTruthy();
    });
  });

  describe('logout racing a refresh of the same session', () => {
    it('ends the family whichever lands first: a pair the refresh won is refused too', async () => {
      const tenant = await createTenant(gateway.url);

      for (let round = 0; round < 8; round++) {
        const pair = await login(gateway.url, tenant.ownerEmail);
        const [loggedOut, refreshedPair] = await Promise.all([
          graphql(gateway.url, 'mutation { logout }', {}, { token: pair.token }),
          refresh(replica.url, pair.refreshToken),
        ]);

        expect(dataOf(loggedOut).logout).toBe(true);
        const won = refreshedPair.body.data?.refreshToken as Pair | undefined;
        if (!won) continue;
        remember(won);
        expectRefused(await refresh(gateway.url, won.refreshToken));
        expect(await msUntilRefused(replica.url, won.token)).toBeLessThan(1_000);
      }
    });
  });

  describe('changePassword', () => {
    it("refuses other sessions' refresh tokens and its own old one; the returned one works", async () => {
      const tenant = await createTenant(gateway.url);
      const current = await login(gateway.url, tenant.ownerEmail);
      const other = await login(gateway.url, tenant.ownerEmail);

      const response = await graphql(
        gateway.url,
        `mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { ${SESSION} } }`,
        { input: { currentPassword: PASSWORD, newPassword: 'a brand new password' } },
        { token: current.token },
      );

      const fresh = remember(dataOf(response).changePassword);
      expectRefused(await refresh(replica.url, other.refreshToken));
      expectRefused(await refresh(replica.url, current.refreshToken));
      const next = await refreshed(replica.url, fresh.refreshToken);
      expect(await statusOf(gateway.url, next.token)).toBe(200);
    });
  });

  describe('updateMember changing the role', () => {
    it("refuses the member's refresh tokens; after a new login the role is the new one", async () => {
      const tenant = await createTenant(gateway.url);
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');
      const pair = await login(gateway.url, member.email);

      await graphql(
        gateway.url,
        `mutation { updateMember(input: { id: "${member.memberId}", role: ADMIN }) { role } }`,
        {},
        { token: tenant.token },
      );

      expectRefused(await refresh(replica.url, pair.refreshToken));
      const relogged = await login(gateway.url, member.email);
      const next = await refreshed(replica.url, relogged.refreshToken);
      expect(claimsOf(next.token).role).toBe('ADMIN');
    });
  });

  describe('removeMember', () => {
    it("refuses the removed member's refresh token", async () => {
      const tenant = await createTenant(gateway.url);
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');
      const pair = await login(gateway.url, member.email);

      await graphql(
        gateway.url,
        `mutation { removeMember(id: "${member.memberId}") }`,
        {},
        { token: tenant.token },
      );

      expectRefused(await refresh(replica.url, pair.refreshToken));
    });
  });

  describe('deleteOrganization', () => {
    it('refuses the refresh tokens of its members', async () => {
      const tenant = await createTenant(gateway.url);
      const member = await addMemberAs(gateway.url, tenant, 'ADMIN');
      const pair = await login(gateway.url, member.email);

      await graphql(
        gateway.url,
        `mutation { deleteOrganization(input: { confirmName: "${tenant.name}" }) }`,
        {},
        { token: tenant.token },
      );

      expectRefused(await refresh(replica.url, pair.refreshToken));
    });
  });

  describe('suspendTenant', () => {
    it('answers SUSPENDED while the organization is suspended, and refreshes again once resumed', async () => {
      const tenant = await createTenant(gateway.url);
      const pair = await login(gateway.url, tenant.ownerEmail);

      await suspend(tenant, true);
      const refused = await refresh(replica.url, pair.refreshToken);
      await suspend(tenant, false);

      expect(errorCodes(refused)).toEqual(['SUSPENDED']);
      expect((await refreshed(replica.url, pair.refreshToken)).token).toBeTruthy();
    });
  });

  describe('when the refresh token has expired', () => {
    it('answers UNAUTHENTICATED with the message of an unknown token', async () => {
      const shortLived = await startGateway({
        env: { JWT_REFRESH_TTL: '1s' },
        databaseName: gateway.databaseName,
      });
      try {
        const tenant = await createTenant(shortLived.url);
        const pair = await login(shortLived.url, tenant.ownerEmail);
        await new Promise((resolve) => setTimeout(resolve, 1_500));

        expectRefused(await refresh(shortLived.url, pair.refreshToken));
      } finally {
        await shortLived.stop();
      }
    });
  });

  describe('with malformed input', () => {
    for (const [label, value] of [
      ['empty', ''],
      ['without the prefix', randomBytes(32).toString('base64url').padEnd(47, 'x')],
      ['too short', 'tgr_abc'],
      ['too long', `${unknownToken()}x`],
      ['with a character outside base64url', `tgr_${'+'.repeat(43)}`],
      ['an access token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
    ]) {
      it(`refuses a value ${label} with BAD_USER_INPUT, charging only the mutation's base`, async () => {
        const response = await refresh(gateway.url, value);

        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect(response.body.errors?.[0].extensions?.field).toBe('refreshToken');
        const message = String(response.body.errors?.[0].message);
        expect(value.length > 0 && message.includes(value), 'the input was echoed').toBe(false);
        // The cost model charges a mutation that ran and returned null its 10; the selection's
        // 2 are refunded, as for every refused mutation.
        expect(response.body.extensions?.cost.requestedQueryCost).toBe(12);
        expect(response.body.extensions?.cost.actualQueryCost).toBe(10);
      });
    }

    it('changes nothing: the session it was sent beside still refreshes', async () => {
      const tenant = await createTenant(gateway.url);
      const pair = await login(gateway.url, tenant.ownerEmail);

      await refresh(gateway.url, pair.refreshToken.slice(0, -1));

      expect((await refreshed(gateway.url, pair.refreshToken)).token).toBeTruthy();
    });
  });

  describe('per client address', () => {
    it('allows 60 calls a minute, then answers THROTTLED', async () => {
      const address = randomAddress();

      const responses = [];
      for (let call = 0; call < 61; call++) {
        responses.push(await refresh(gateway.url, unknownToken(), address));
      }

      expect(responses.slice(0, 60).map((response) => errorCodes(response)[0])).toEqual(
        Array(60).fill('UNAUTHENTICATED'),
      );
      expect(errorCodes(responses[60])).toEqual(['THROTTLED']);
    });

    it('does not count malformed input toward that limit', async () => {
      const address = randomAddress();
      for (let call = 0; call < 61; call++) await refresh(gateway.url, 'tgr_short', address);

      const response = await refresh(gateway.url, unknownToken(), address);

      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });
  });
});

describe('refresh token storage', () => {
  it('holds only SHA-256 hashes of the tokens', async () => {
    const tenant = await createTenant(gateway.url);
    const pair = await login(gateway.url, tenant.ownerEmail);
    await refreshed(gateway.url, pair.refreshToken);
    const { db, close } = await openDatabase(gateway.mongoUri);

    const records = await db.collection('refresh_tokens').find({}).toArray();
    const uses = await db.collection('refresh_token_uses').find({}).toArray();
    await close();

    const stored = JSON.stringify([records, uses]);
    const hash = createHash('sha256').update(pair.refreshToken).digest('hex');
    const record = records.find((entry) => entry.hash === hash);
    expect(record).toMatchObject({ memberId: expect.anything(), familyId: expect.any(String) });
    expect(uses.map((use) => String(use._id))).toContain(String(record?._id));
    for (const record of records) expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.length).toBeGreaterThan(20);
    for (const token of issued) {
      expect(stored.includes(token)).toBe(false);
      expect(stored.includes(token.slice(4))).toBe(false);
    }
  });
});

describe('logs', () => {
  it('never contain a refresh token', () => {
    const text = [...gateway.rawLogs, ...replica.rawLogs].join('\n');

    expect(text).toContain('its whole family is revoked');
    for (const token of issued) {
      expect(text.includes(token.slice(4)), 'a refresh token was logged').toBe(false);
    }
  });
});

async function suspend(tenant: TestTenant, suspended: boolean): Promise<void> {
  const mutation = suspended
    ? `mutation { suspendTenant(id: "${tenant.id}", reason: "refresh test") { suspended } }`
    : `mutation { resumeTenant(id: "${tenant.id}") { suspended } }`;
  dataOf(await graphql(gateway.url, mutation, {}, asOperator));
}
