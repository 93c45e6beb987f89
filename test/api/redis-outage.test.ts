import type { ChildProcess } from 'node:child_process';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTenant, type TestTenant } from '../support/builders.js';
import type { TestGateway } from '../support/gateway.js';
import { errorCodes, graphql } from '../support/graphql.js';
import {
  BACK_LOG,
  BURST,
  COST,
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
 * Two replicas on one database and one redis-server of this file's own, which the file stops
 * and starts again under them. Budgets are small, so every number below follows from the plan.
 */

/** The pub/sub channels every replica listens on for revocations and suspensions. */
const CHANNELS = ['tenantgate:revocations', 'tenantgate:suspensions'];

const UNREACHABLE_LOG = 'Redis unreachable; using per-replica state until it returns';
const REACHABLE_LOG = 'Redis reachable again; shared state restored';

let redisPort: number;
let redis: ChildProcess;
let replicas: TestGateway[] = [];
let traffic: BackgroundTraffic;

beforeAll(async () => {
  redisPort = await freePort();
  redis = await startRedis(redisPort);
  replicas = await startReplicas(redisPort);
  traffic = startTraffic(replicas, await createTenant(replicas[0].url));
});

afterAll(async () => {
  await traffic?.stop();
  await Promise.all(replicas.map((gateway) => gateway.stop()));
  if (redis) await stopProcess(redis);
});

describe(`${REPLICAS} replicas sharing Redis, REPLICAS=${REPLICAS}`, () => {
  it('each subscribe to the revocation and suspension broadcasts', async () => {
    expect(await subscribersOnceSettled()).toEqual(CHANNELS.map(() => REPLICAS));
  });

  it('share one bucket while Redis is up: one replica can spend all of it, the other none', async () => {
    const tenant = await createTenant(replicas[0].url);
    const startedAt = Date.now();

    const first = await burst(replicas[0].url, tenant, BURST);
    const second = await burst(replicas[1].url, tenant, BURST);

    expectOneSharedBucket(first, second, startedAt);
  });

  describe('when redis-server stops', () => {
    beforeAll(async () => {
      await stopProcess(redis);
      await Promise.all(replicas.map((gateway) => waitForRedisCheck(gateway.url, false)));
    });

    it('/readyz answers 503 naming Redis as down, and the master as up', async () => {
      for (const gateway of replicas) {
        const response = await fetch(`${gateway.url}/readyz`);
        expect(response.status).toBe(503);
        expect(await response.json()).toEqual({
          status: 'unavailable',
          checks: { master: true, redis: false },
        });
      }
    });

    it("each replica admits exactly its share of a tenant's bucket, whatever the other did", async () => {
      await expectEachReplicaItsShare(replicas, burst, BURST);
    });

    it('logs the fallback once per replica', async () => {
      for (const gateway of replicas) {
        await waitForLog(gateway, FALLBACK_LOG);
        await waitForLog(gateway, UNREACHABLE_LOG);
        expect(countLogs(gateway, FALLBACK_LOG)).toBe(1);
        expect(countLogs(gateway, UNREACHABLE_LOG)).toBe(1);
        expect(gateway.logs.find((record) => record.msg === FALLBACK_LOG)?.level).toBe(40);
      }
    });
  });

  describe('when redis-server starts again on the same port', () => {
    beforeAll(async () => {
      redis = await startRedis(redisPort);
      await Promise.all(replicas.map((gateway) => waitForRedisCheck(gateway.url, true)));
    });

    it('/readyz answers 200 again without restarting the gateways', async () => {
      await expectReadyAgainWithoutRestart(replicas);
    });

    it('each subscribe to the broadcasts again', async () => {
      expect(await subscribersOnceSettled()).toEqual(CHANNELS.map(() => REPLICAS));
    });

    it('share one bucket again', async () => {
      const tenant = await createTenant(replicas[0].url);
      const startedAt = Date.now();

      const first = await burst(replicas[1].url, tenant, BURST);
      const second = await burst(replicas[0].url, tenant, BURST);

      expectOneSharedBucket(first, second, startedAt);
    });

    it('logs the return once per replica, and the fallback still only once', async () => {
      for (const gateway of replicas) {
        await waitForLog(gateway, BACK_LOG);
        await waitForLog(gateway, REACHABLE_LOG);
        expect(countLogs(gateway, BACK_LOG)).toBe(1);
        expect(countLogs(gateway, REACHABLE_LOG)).toBe(1);
        expect(countLogs(gateway, FALLBACK_LOG)).toBe(1);
        expect(countLogs(gateway, UNREACHABLE_LOG)).toBe(1);
      }
    });

    it('answered every request of the steady traffic meanwhile with 200, none with 5xx', async () => {
      const statuses = await traffic.stop();

      expect(statuses.length).toBeGreaterThan(20);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
    });
  });
});

async function burst(url: string, tenant: TestTenant, count: number): Promise<Burst> {
  const responses = await Promise.all(
    Array.from({ length: count }, () => graphql(url, SPEND, {}, { token: tenant.token })),
  );
  const result: Burst = { admitted: 0, throttled: 0, other: [] };

  for (const response of responses) {
    const codes = errorCodes(response);
    const cost = response.body.extensions?.cost;
    if (response.status === 200 && codes.length === 0 && cost?.actualQueryCost === COST) {
      result.admitted += 1;
    } else if (response.status === 429 && codes[0] === 'THROTTLED') {
      result.throttled += 1;
    } else {
      result.other.push(`HTTP ${response.status} ${codes.join(',')}`);
    }
  }
  return result;
}

/** Cheap operations (cost 0) sent to every replica in turn until stopped. */
interface BackgroundTraffic {
  /** Stops sending; the statuses of everything answered. */
  stop(): Promise<number[]>;
}

function startTraffic(gateways: TestGateway[], tenant: TestTenant): BackgroundTraffic {
  const statuses: number[] = [];
  let running = true;
  const loop = (async () => {
    for (let index = 0; running; index++) {
      const url = gateways[index % gateways.length].url;
      const response = await graphql(
        url,
        '{ quota { currentlyAvailable } }',
        {},
        {
          token: tenant.token,
        },
      );
      statuses.push(response.status);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  let stopped: Promise<number[]> | null = null;
  return {
    stop: () =>
      (stopped ??= (async () => {
        running = false;
        await loop;
        return statuses;
      })()),
  };
}

async function waitForRedisCheck(url: string, up: boolean, limitMs = 15_000): Promise<void> {
  const startedAt = Date.now();
  while (Date.now() - startedAt < limitMs) {
    const body = (await (await fetch(`${url}/readyz`)).json()) as { checks: { redis: boolean } };
    if (body.checks.redis === up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`/readyz of ${url} never said redis: ${up}`);
}

/**
 * Subscribers of each channel, as the redis-server counts them, once they reach the number of
 * replicas or two seconds have passed (subscribing follows connecting by a moment).
 */
async function subscribersOnceSettled(): Promise<number[]> {
  const client = new Redis({ host: '127.0.0.1', port: redisPort, lazyConnect: true });
  try {
    await client.connect();
    const startedAt = Date.now();
    for (;;) {
      const reply = (await client.pubsub('NUMSUB', ...CHANNELS)) as (string | number)[];
      const counts = CHANNELS.map((_, index) => Number(reply[index * 2 + 1]));
      if (counts.every((count) => count >= REPLICAS) || Date.now() - startedAt > 2_000)
        return counts;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    client.disconnect();
  }
}

async function waitForLog(gateway: TestGateway, message: string, limitMs = 5_000) {
  const startedAt = Date.now();
  while (countLogs(gateway, message) === 0 && Date.now() - startedAt < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
