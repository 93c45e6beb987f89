import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTenant, type TestTenant } from '../support/builders.js';
import { TEST_JWT_SECRET, startGateway, type TestGateway } from '../support/gateway.js';
import { errorCodes, graphql } from '../support/graphql.js';

let gateway: TestGateway;
let tenant: TestTenant;

beforeAll(async () => {
  gateway = await startGateway();
  tenant = await createTenant(gateway.url);
});

afterAll(async () => {
  await gateway.stop();
});

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

/** A token signed with the test secret, with claims the test may spoil. */
function forge(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256' },
) {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: 'tenantgate',
    aud: 'tenantgate',
    sub: tenant.ownerId,
    tid: tenant.id,
    role: 'OWNER',
    jti: 'forged',
    iat: now,
    exp: now + 600,
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(secret);
}

function unsigned(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

/** A request refused before anything ran: 401, UNAUTHENTICATED, no data. */
async function expectRefused(token: string) {
  const response = await graphql(gateway.url, '{ viewer { id } }', {}, { token });

  expect(response.status).toBe(401);
  expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  expect(response.body.data ?? null).toBeNull();
}

describe('tokens that are refused with 401', () => {
  it('unless well-formed: the forged baseline itself is accepted', async () => {
    const response = await graphql(
      gateway.url,
      '{ viewer { id } }',
      {},
      { token: await forge({}) },
    );

    expect(response.body.data?.viewer).toEqual({ id: tenant.ownerId });
  });

  it('a malformed token', async () => {
    await expectRefused('not.a.token');
  });

  it('a token signed with another secret', async () => {
    const other = await new SignJWT({ tid: tenant.id, role: 'OWNER' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('tenantgate')
      .setAudience('tenantgate')
      .setSubject(tenant.ownerId)
      .setJti('x')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('another-secret-0123456789abcdef012345'));
    await expectRefused(other);
  });

  it('an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await forge({ iat: now - 7200, exp: now - 3600 }));
  });

  it('alg none', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(
      unsigned({
        iss: 'tenantgate',
        aud: 'tenantgate',
        sub: tenant.ownerId,
        tid: tenant.id,
        role: 'OWNER',
        jti: 'n',
        iat: now,
        exp: now + 600,
      }),
    );
  });

  it('a token of another issuer or audience', async () => {
    await expectRefused(await forge({ iss: 'someone-else' }));
    await expectRefused(await forge({ aud: 'someone-else' }));
  });

  it('a token without a tenant claim', async () => {
    await expectRefused(await forge({ tid: undefined }));
  });

  it('a token with a role the contract does not know', async () => {
    await expectRefused(await forge({ role: 'ROOT' }));
  });

  it('a header that is not Bearer', async () => {
    const response = await graphql(
      gateway.url,
      '{ viewer { id } }',
      {},
      { headers: { authorization: `Basic ${tenant.token}` } },
    );

    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('errors', () => {
  it("a persisted query whose hash does not match is the request's fault, not ours", async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } },
      }),
    });
    const body = await response.json();

    expect(response.status).toBe(400);
    expect(
      body.errors.map((error: { extensions: { code: string } }) => error.extensions.code),
    ).toEqual(['BAD_REQUEST']);
    expect(body.errors[0].message).toContain('sha');
    expect(gateway.logs.filter((line) => line.level === 50)).toEqual([]);
  });

  it('a guarded field without a token is UNAUTHENTICATED with HTTP 200', async () => {
    const response = await graphql(gateway.url, '{ viewer { id } }');

    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('a wrong login is UNAUTHENTICATED and says nothing of which part was wrong', async () => {
    const wrongPassword = await graphql(
      gateway.url,
      `mutation { login(input: { email: "${tenant.ownerEmail}", password: "wrong password!" }) { token } }`,
    );
    const unknownEmail = await graphql(
      gateway.url,
      'mutation { login(input: { email: "nobody@example.test", password: "wrong password!" }) { token } }',
    );

    expect(errorCodes(wrongPassword)).toEqual(['UNAUTHENTICATED']);
    expect(wrongPassword.body.errors?.[0].message).toBe(unknownEmail.body.errors?.[0].message);
  });

  it('a syntax error keeps GRAPHQL_PARSE_FAILED', async () => {
    const response = await graphql(gateway.url, '{ viewer { id ');

    expect(errorCodes(response)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('an unknown field keeps GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await graphql(gateway.url, '{ nope }', {}, { token: tenant.token });

    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('an oversized body is refused with 413', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ __typename }`,
        variables: { padding: 'x'.repeat(1_100_000) },
      }),
    });

    expect(response.status).toBe(413);
  });

  it('no error carries a stack trace, a database message or a collection name', async () => {
    const responses = await Promise.all([
      graphql(gateway.url, '{ project(id: "zzz") { id } }', {}, { token: tenant.token }),
      graphql(gateway.url, '{ nope }', {}, { token: tenant.token }),
      graphql(gateway.url, '{ viewer { id ', {}, {}),
      graphql(
        gateway.url,
        `mutation { createOrganization(input: { name: "${tenant.name}", email: "x@example.test", password: "0123456789" }) { token } }`,
      ),
      graphql(gateway.url, '{ viewer { id } }', {}, { token: 'bad' }),
    ]);

    const text = JSON.stringify(responses.map((response) => response.body));
    expect(text).not.toMatch(
      /stacktrace|at .*\.js:\d+|E11000|Mongo|collection|organizations\.|members\./i,
    );
    for (const response of responses) {
      for (const error of response.body.errors ?? [])
        expect(typeof error.extensions?.code).toBe('string');
    }
  });
});
