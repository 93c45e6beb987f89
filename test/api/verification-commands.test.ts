import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addMemberAs, createTenant, type TestTenant } from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql, type GraphQLResponse } from '../support/graphql.js';
import { monitorRedis, type RedisMonitor } from '../support/redis-monitor.js';
import { freePort, startRedis, stopProcess } from '../support/servers.js';

/**
 * The contract: checking a token never needs a database round trip. An operation that needs
 * neither the database nor Redis itself (`__typename`, with the quota pipeline off) must then
 * cost no command at all, whether its token is valid, revoked or of a suspended tenant.
 */

const OPERATOR_KEY = 'operator-key-for-tests-0123456789';
const REQUESTS = 1_000;
const PARALLEL = 8;
const TYPENAME = '{ __typename }';

/** The background pollers of one gateway, by the series they add to; intervals in ms. */
const POLLERS: Record<string, { intervalMs: number; commandsPerPoll: number }[]> = {
  'find/revocations': [{ intervalMs: 400, commandsPerPoll: 1 }],
  'delete/revocations': [{ intervalMs: 60_000, commandsPerPoll: 1 }],
  // Suspensions every 0.4 s; the creation/deletion recovery pass (two finds) every 15 s.
  'find/organizations': [
    { intervalMs: 400, commandsPerPoll: 1 },
    { intervalMs: 15_000, commandsPerPoll: 2 },
  ],
  'find/moves': [{ intervalMs: 5_000, commandsPerPoll: 1 }],
  // The usage meter flushes every 5 s; it writes nothing with the quota pipeline off, and sweeps
  // old buckets once an hour (the first time at its first flush).
  'delete/usage': [{ intervalMs: 3_600_000, commandsPerPoll: 1 }],
};

type Kind = 'valid' | 'revoked' | 'suspended';

interface Sent {
  requestId: string;
  kind: Kind;
  response: GraphQLResponse;
}

let redis: ChildProcess;
let monitor: RedisMonitor;
let gateway: TestGateway;
let controlRequestId: string;
let sent: Sent[] = [];
let redisCommandsDuringRun: string[] = [];
let databaseDelta = new Map<string, number>();
let elapsedMs = 0;

beforeAll(async () => {
  const redisPort = await freePort();
  redis = await startRedis(redisPort);
  gateway = await startGateway({
    env: {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      QUOTAS: 'off',
      OPERATOR_API_KEY: OPERATOR_KEY,
    },
  });
  monitor = await monitorRedis(redisPort);

  const tokens = await buildTokens(gateway.url);
  controlRequestId = await sendControl(gateway.url, tokens.valid[0]);
  // Pollers and the log settle; the monitor has seen the revocations' broadcasts by now.
  await waitFor(async () => monitor.commands.some((line) => line.includes('"publish"')));
  await waitFor(async () => gateway.logs.some((record) => record.requestId === controlRequestId));

  const before = await databaseCommands(gateway.url);
  const monitoredBefore = monitor.commands.length;
  const startedAt = Date.now();
  sent = await sendAll(gateway.url, tokens);
  elapsedMs = Date.now() - startedAt;
  const after = await databaseCommands(gateway.url);
  // A command a request caused would have reached Redis before its answer; this only lets the
  // monitor's stream catch up.
  await new Promise((resolve) => setTimeout(resolve, 200));
  redisCommandsDuringRun = monitor.commands.slice(monitoredBefore);
  databaseDelta = difference(after, before);

  const requestIds = new Set(sent.map((request) => request.requestId));
  await waitFor(
    async () =>
      gateway.logs.filter((record) => requestIds.has(String(record.requestId))).length >= REQUESTS,
  );
}, 120_000);

afterAll(async () => {
  monitor?.close();
  await gateway?.stop();
  if (redis) await stopProcess(redis);
});

describe(`verifying ${REQUESTS} requests over HTTP`, () => {
  it('answers valid tokens 200, revoked ones 401 and a suspended tenant 403 SUSPENDED', () => {
    const byKind = (kind: Kind) => sent.filter((request) => request.kind === kind);

    expect(sent).toHaveLength(REQUESTS);
    for (const { response } of byKind('valid')) {
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ __typename: 'Query' });
    }
    for (const { response } of byKind('revoked')) {
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    }
    for (const { response } of byKind('suspended')) {
      expect(response.status).toBe(403);
      expect(errorCodes(response)).toEqual(['SUSPENDED']);
    }
    expect(byKind('revoked').length).toBe(200);
    expect(byKind('suspended').length).toBe(100);
  });

  it('logs dbCommands 0 for every one of them, where an operation reading data logs more', () => {
    const control = gateway.logs.find((record) => record.requestId === controlRequestId);
    expect(control).toMatchObject({ msg: 'operation', outcome: 'ok' });
    expect(control?.dbCommands).toBeGreaterThanOrEqual(1);

    for (const request of sent) {
      const lines = gateway.logs.filter((record) => record.requestId === request.requestId);
      expect(lines, request.requestId).toHaveLength(1);
      expect(lines[0].msg).toBe(request.kind === 'valid' ? 'operation' : 'request refused');
      expect(lines[0].dbCommands, request.requestId).toBe(0);
    }
  });

  it('sends Redis no command at all', () => {
    expect(redisCommandsDuringRun).toEqual([]);
  });

  it("leaves only the pollers' own commands in the database totals, within their rate", () => {
    const unexplained = [...databaseDelta].filter(([series]) => !(series in POLLERS));
    expect(unexplained).toEqual([]);

    let allowed = 0;
    for (const [series, pollers] of Object.entries(POLLERS)) {
      const allowance = pollers.reduce(
        (sum, poller) =>
          sum + (Math.floor(elapsedMs / poller.intervalMs) + 2) * poller.commandsPerPoll,
        0,
      );
      allowed += allowance;
      expect(databaseDelta.get(series) ?? 0, series).toBeLessThanOrEqual(allowance);
    }
    const total = [...databaseDelta.values()].reduce((sum, count) => sum + count, 0);
    expect(total).toBeLessThanOrEqual(allowed);
  });
});

interface Tokens {
  valid: string[];
  revoked: string[];
  suspended: string[];
}

/**
 * Three tenants of three members each, two logged-out tokens and a removed member's, and two
 * members of a suspended tenant.
 */
async function buildTokens(url: string): Promise<Tokens> {
  const valid: string[] = [];
  for (let index = 0; index < 3; index++) {
    const tenant = await createTenant(url);
    valid.push(tenant.token);
    for (const role of ['ADMIN', 'MEMBER'] as const)
      valid.push((await addMemberAs(url, tenant, role)).token);
  }

  const revoked = [await loggedOut(url, await createTenant(url))];
  const owner = await createTenant(url);
  const removed = await addMemberAs(url, owner, 'MEMBER');
  const removal = await graphql(
    url,
    `mutation { removeMember(id: "${removed.memberId}") }`,
    {},
    { token: owner.token },
  );
  expect(dataOf(removal).removeMember).toBe(true);
  revoked.push(removed.token, await loggedOut(url, owner));

  const suspendedTenant = await createTenant(url);
  const suspended = [
    suspendedTenant.token,
    (await addMemberAs(url, suspendedTenant, 'MEMBER')).token,
  ];
  await suspend(url, suspendedTenant.id);
  return { valid, revoked, suspended };
}

async function loggedOut(url: string, tenant: TestTenant): Promise<string> {
  const response = await graphql(url, 'mutation { logout }', {}, { token: tenant.token });
  expect(dataOf(response).logout).toBe(true);
  return tenant.token;
}

async function suspend(url: string, tenantId: string): Promise<void> {
  const response = await graphql(
    url,
    `mutation { suspendTenant(id: "${tenantId}", reason: "verification test") { suspended } }`,
    {},
    { headers: { 'x-operator-key': OPERATOR_KEY } },
  );
  expect(dataOf(response).suspendTenant.suspended).toBe(true);
}

/** An operation that reads the member: its line must count database commands. */
async function sendControl(url: string, token: string): Promise<string> {
  const requestId = `control-${randomBytes(6).toString('hex')}`;
  const response = await graphql(
    url,
    '{ viewer { email } }',
    {},
    { token, headers: { 'x-request-id': requestId } },
  );
  dataOf(response);
  return requestId;
}

/** Seven in ten requests with a valid token, two revoked, one of the suspended tenant. */
function plan(tokens: Tokens): { kind: Kind; token: string }[] {
  return Array.from({ length: REQUESTS }, (_, index) => {
    const slot = index % 10;
    const kind: Kind = slot < 7 ? 'valid' : slot < 9 ? 'revoked' : 'suspended';
    const pool = tokens[kind];
    return { kind, token: pool[Math.floor(index / 10) % pool.length] };
  });
}

async function sendAll(url: string, tokens: Tokens): Promise<Sent[]> {
  const requests = plan(tokens);
  const results: Sent[] = new Array(requests.length);
  let next = 0;
  const lane = async () => {
    while (next < requests.length) {
      const index = next++;
      const { kind, token } = requests[index];
      const requestId = `verify-${index}-${randomBytes(4).toString('hex')}`;
      const response = await graphql(
        url,
        TYPENAME,
        {},
        {
          token,
          headers: { 'x-request-id': requestId },
        },
      );
      results[index] = { requestId, kind, response };
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return results;
}

/** Database commands started so far, by `command/collection`, from `/metrics`. */
async function databaseCommands(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('tenantgate_db_commands_total{')) continue;
    const command = /command="([^"]*)"/.exec(line)?.[1];
    const collection = /collection="([^"]*)"/.exec(line)?.[1];
    const key = `${command}/${collection}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.split(' ').pop()));
  }
  return counts;
}

/** The series that grew, and by how much. */
function difference(after: Map<string, number>, before: Map<string, number>) {
  const grown = new Map<string, number>();
  for (const [series, count] of after) {
    const delta = count - (before.get(series) ?? 0);
    if (delta > 0) grown.set(series, delta);
  }
  return grown;
}

async function waitFor(check: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
  const startedAt = Date.now();
  while (!(await check())) {
    if (Date.now() - startedAt > limitMs) throw new Error('a condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
