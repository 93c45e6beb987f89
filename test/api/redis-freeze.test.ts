import type { ChildProcess } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTenant, type TestTenant } from '../support/builders.js';
import type { TestGateway } from '../support/gateway.js';
import { errorCodes, graphql } from '../support/graphql.js';
import {
  BACK_LOG,
  BURST,
  FALLBACK_LOG,
  REPLICAS,
  SPEND,
  countLogs,
  expectEachReplicaItsShare,
  expectReadyAgainWithoutRestart,
  expectOneSharedBucket,
  startReplicas,
  type Burst,
} from '../support/replica-quota.js';
import { freePort, startRedis, stopProcess } from '../support/servers.js';

/**
 * Two replicas on one database and one redis-server of this file's own, which the file pauses
 * (SIGSTOP) and resumes (SIGCONT) under them. A paused Redis keeps its connections open and
 * refuses nothing: only the command timeout tells the gateways it is gone. Budgets are small,
 * so every number below follows from the plan.
 */

/** The gateway's default `REDIS_COMMAND_TIMEOUT_MS`: what each command waits at most. */
const COMMAND_TIMEOUT_MS = 500;
/** Generous: an answer slower than this waited for the paused Redis more than it should. */
const ANSWER_LIMIT_MS = 3_000;
const QUOTA = '{ quota { currentlyAvailable } }';
/** Operations sent one after another while Redis is paused: several probe intervals' worth. */
const STEADY_OPERATIONS = 40;
/** The contract's failed logins per email and window. */
const LOGIN_FAILURES_PER_EMAIL = 10;

let redis: ChildProcess;
let paused = false;
let replicas: TestGateway[] = [];
let tenant: TestTenant;
/** Every operation answered while Redis was paused, with its status and time. */
const answersWhilePaused: Answer[] = [];

beforeAll(async () => {
  const redisPort = await freePort();
  redis = await startRedis(redisPort);
  replicas = await startReplicas(redisPort);
  tenant = await createTenant(replicas[0].url);
});

afterAll(async () => {
  // Never leave a paused redis-server behind, whatever failed.
  if (paused) resumeRedis();
  await Promise.all(replicas.map((gateway) => gateway.stop()));
  if (redis) await stopProcess(redis);
});

describe(`${REPLICAS} replicas sharing Redis, REPLICAS=${REPLICAS}`, () => {
  describe('when redis-server is paused with its connections open', () => {
    beforeAll(() => {
      pauseRedis();
    });

    it('/readyz answers 503 within a few seconds, naming Redis as down, each answer in time', async () => {
      for (const gateway of replicas) {
        const answers = await readinessUntil(gateway.url, false);

        expect(answers.at(-1)).toMatchObject({
          status: 503,
          body: { status: 'unavailable', checks: { master: true, redis: false } },
        });
        for (const answer of answers) expect(answer.ms).toBeLessThan(ANSWER_LIMIT_MS);
      }
    });

    it('answers every operation with 200 or THROTTLED 429, each in time, most without waiting for Redis', async () => {
      const answers = await steadyTraffic(replicas, tenant, STEADY_OPERATIONS);

      expect(answers).toHaveLength(STEADY_OPERATIONS);
      expect(answers.filter((answer) => !isAnswered(answer))).toEqual([]);
      expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(ANSWER_LIMIT_MS);
      // Waiting for Redis on every operation would put the median at one command timeout or more.
      expect(median(answers.map((answer) => answer.ms))).toBeLessThan(COMMAND_TIMEOUT_MS);
    });

    it("each replica admits exactly its share of a tenant's bucket, whatever the other did", async () => {
      await expectEachReplicaItsShare(replicas, burst, BURST);
    });

    it("each replica admits its share of the failed logins per email, the rule's maximum in all", async () => {
      const fresh = await createTenant(replicas[0].url);

      const perReplica = await Promise.all(
        replicas.map((gateway) => wrongLogins(gateway.url, fresh.ownerEmail)),
      );

      const share = Math.ceil(LOGIN_FAILURES_PER_EMAIL / REPLICAS);
      for (const codes of perReplica) {
        expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(share);
        expect(codes.filter((code) => code === 'THROTTLED')).toHaveLength(
          LOGIN_FAILURES_PER_EMAIL - share,
        );
      }
    });

    it('logs the fallback once per replica, at warn level, naming the timeout', async () => {
      for (const gateway of replicas) {
        const records = gateway.logs.filter((record) => record.msg === FALLBACK_LOG);
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({ level: 40, err: { message: 'Command timed out' } });
        expect(countLogs(gateway, BACK_LOG)).toBe(0);
      }
    });
  });

  describe('when redis-server resumes', () => {
    beforeAll(async () => {
      resumeRedis();
      for (const gateway of replicas) await readinessUntil(gateway.url, true);
      await Promise.all(replicas.map((gateway) => operateUntilLogged(gateway, BACK_LOG)));
    });

    it('/readyz answers 200 again without restarting the gateways', async () => {
      await expectReadyAgainWithoutRestart(replicas);
    });

    it('share one bucket again: one replica can spend all of it, the other none', async () => {
      const fresh = await createTenant(replicas[0].url);
      const startedAt = Date.now();

      const first = await burst(replicas[1].url, fresh, BURST);
      const second = await burst(replicas[0].url, fresh, BURST);

      expectOneSharedBucket(first, second, startedAt, { wholeBucket: false });
    });

    it('logs the return once per replica, and the fallback still only once', () => {
      for (const gateway of replicas) {
        expect(countLogs(gateway, BACK_LOG)).toBe(1);
        expect(countLogs(gateway, FALLBACK_LOG)).toBe(1);
      }
    });

    it('answered nothing with a 5xx while Redis was paused', () => {
      expect(answersWhilePaused.length).toBeGreaterThan(20);
      expect(answersWhilePaused.filter((answer) => answer.status >= 500)).toEqual([]);
    });
  });
});

function pauseRedis(): void {
  process.kill(redis.pid!, 'SIGSTOP');
  paused = true;
}

function resumeRedis(): void {
  process.kill(redis.pid!, 'SIGCONT');
  paused = false;
}

/** One operation's answer: its status, error codes and how long it took. */
interface Answer {
  status: number;
  codes: string[];
  ms: number;
}

async function timedGraphql(url: string, query: string, token?: string): Promise<Answer> {
  const startedAt = performance.now();
  const response = await graphql(url, query, {}, { token });
  const answer = { status: response.status, codes: errorCodes(response), ms: 0 };
  answer.ms = performance.now() - startedAt;
  if (paused) answersWhilePaused.push(answer);
  return answer;
}

/** 200 without errors, or the quota's 429 THROTTLED. */
function isAnswered(answer: Answer): boolean {
  if (answer.status === 200) return answer.codes.length === 0;
  return answer.status === 429 && answer.codes[0] === 'THROTTLED';
}

/** Cheap and priced operations, one at a time, on every replica in turn. */
async function steadyTraffic(
  gateways: TestGateway[],
  payer: TestTenant,
  count: number,
): Promise<Answer[]> {
  const answers: Answer[] = [];

  for (let index = 0; index < count; index++) {
    const url = gateways[index % gateways.length].url;
    answers.push(await timedGraphql(url, index % 4 < 2 ? QUOTA : SPEND, payer.token));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return answers;
}

async function burst(url: string, payer: TestTenant, count: number): Promise<Burst> {
  const answers = await Promise.all(
    Array.from({ length: count }, () => timedGraphql(url, SPEND, payer.token)),
  );
  const result: Burst = { admitted: 0, throttled: 0, other: [] };

  for (const answer of answers) {
    if (answer.ms >= ANSWER_LIMIT_MS) result.other.push(`answered after ${answer.ms} ms`);
    else if (answer.status === 200 && answer.codes.length === 0) result.admitted += 1;
    else if (answer.status === 429 && answer.codes[0] === 'THROTTLED') result.throttled += 1;
    else result.other.push(`HTTP ${answer.status} ${answer.codes.join(',')}`);
  }
  return result;
}

/** The first error code of as many concurrent wrong logins for one email as the rule allows. */
async function wrongLogins(url: string, email: string): Promise<string[]> {
  const login = `mutation { login(input: { email: "${email}", password: "not the password" }) { token } }`;
  const answers = await Promise.all(
    Array.from({ length: LOGIN_FAILURES_PER_EMAIL }, () => timedGraphql(url, login)),
  );
  return answers.map((answer) => answer.codes[0]);
}

/** A `/readyz` answer and how long it took. */
interface Readiness {
  status: number;
  body: { status: string; checks: Record<string, boolean> };
  ms: number;
}

/** Asks `/readyz` until it says Redis is `up` (or not); every answer, the last one saying so. */
async function readinessUntil(url: string, up: boolean, limitMs = 5_000): Promise<Readiness[]> {
  const answers: Readiness[] = [];
  const startedAt = Date.now();

  while (Date.now() - startedAt < limitMs) {
    const askedAt = performance.now();
    const response = await fetch(`${url}/readyz`);
    const body = (await response.json()) as Readiness['body'];
    answers.push({ status: response.status, body, ms: performance.now() - askedAt });
    if (body.checks.redis === up) return answers;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`/readyz of ${url} never said redis: ${up} within ${limitMs} ms`);
}

/**
 * Sends cheap operations until the gateway logs `message`: the return to Redis waits for an
 * operation to probe it.
 */
async function operateUntilLogged(gateway: TestGateway, message: string, limitMs = 10_000) {
  const startedAt = Date.now();
  while (countLogs(gateway, message) === 0) {
    if (Date.now() - startedAt > limitMs) throw new Error(`never logged "${message}"`);
    await timedGraphql(gateway.url, QUOTA, tenant.token);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
