import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  PASSWORD,
  addMemberAs,
  createProject,
  createTenant,
  loginAs,
  type TestTenant,
} from '../support/builders.js';
import { openDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, graphql } from '../support/graphql.js';

let gateway: TestGateway;
let tenant: TestTenant;
const secrets: string[] = [];

beforeAll(async () => {
  gateway = await startGateway({ env: { LOG_LEVEL: 'debug' } });
  tenant = await createTenant(gateway.url);
  const member = await addMemberAs(gateway.url, tenant, 'MEMBER');
  const relogged = await loginAs(gateway.url, tenant.ownerEmail);
  await graphql(
    gateway.url,
    `mutation { login(input: { email: "${tenant.ownerEmail}", password: "a wrong password" }) { token } }`,
  );
  await createProject(gateway.url, tenant.token);
  const newPassword = 'the second password';
  const changed = await graphql(
    gateway.url,
    'mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { token } }',
    { input: { currentPassword: PASSWORD, newPassword } },
    { token: relogged.token },
  );
  await graphql(gateway.url, 'mutation { logout }', {}, { token: member.token });
  await graphql(gateway.url, '{ viewer { id } }', {}, { token: member.token });

  const { db, close } = await openDatabase(gateway.mongoUri);
  const hashes = await db
    .collection('members')
    .find({})
    .map((document) => String(document.passwordHash))
    .toArray();
  await close();
  secrets.push(
    PASSWORD,
    newPassword,
    'a wrong password',
    tenant.token,
    member.token,
    relogged.token,
    dataOf(changed).changePassword.token,
    ...hashes,
  );
  for (const hash of hashes) secrets.push(...hash.split('$').filter((part) => part.length > 16));
});

afterAll(async () => {
  await gateway.stop();
});

describe('logs of a full session', () => {
  it('contain no password, token or password hash', () => {
    const text = gateway.rawLogs.join('\n');

    expect(text.length).toBeGreaterThan(0);
    for (const secret of secrets)
      expect(text.includes(secret), `a secret of ${secret.length} characters leaked`).toBe(false);
  });

  it('have one line per operation with its request id and tenant', () => {
    const operations = gateway.logs.filter((record) => record.msg === 'operation');

    expect(operations.length).toBeGreaterThanOrEqual(6);
    for (const record of operations) expect(typeof record.requestId).toBe('string');
    const projectLine = operations.find((record) => record.operation === 'P');
    expect(projectLine).toMatchObject({
      tenantId: tenant.id,
      outcome: 'ok',
      operationType: 'mutation',
    });
  });

  it("answer each request with the id its lines carry, the caller's own when it sent one", async () => {
    const fresh = await graphql(gateway.url, '{ __typename }');
    const given = await graphql(
      gateway.url,
      '{ __typename }',
      {},
      { headers: { 'x-request-id': 'client-chosen-id-1' } },
    );

    const freshId = fresh.headers.get('x-request-id');
    expect(freshId).toMatch(/^[0-9a-f-]{36}$/);
    expect(given.headers.get('x-request-id')).toBe('client-chosen-id-1');
    await expect
      .poll(() => gateway.logs.filter((line) => line.msg === 'operation').map((l) => l.requestId))
      .toEqual(expect.arrayContaining([freshId, 'client-chosen-id-1']));
  });
});
