import { expect } from 'vitest';

import { createTenant, type TestTenant } from './builders.js';
import { startGateway, type TestGateway } from './gateway.js';
import { plansFile } from './plans.js';

/**
 * Two replicas on one database sharing a redis-server of the test's own, with budgets small
 * enough that every bound a test asserts follows from these numbers.
 */
export const REPLICAS = 2;
/** FREE's bucket and refill (points per second). */
export const BUCKET = 200;
export const RESTORE_PER_SECOND = 2;
/** Twenty object fields of cost 1 that return what they priced: nothing is refunded. */
export const COST = 20;
export const SPEND = `query Spend { ${Array.from({ length: COST }, (_, index) => `o${index}: organization { id }`).join(' ')} }`;
/** A burst sends more than a whole bucket could pay for. */
export const BURST = Math.ceil(BUCKET / COST) + 5;

export const FALLBACK_LOG = "Redis failed; quotas fall back to this replica's share";
export const BACK_LOG = 'shared quota state is back in Redis';

/** What a burst of concurrent `SPEND` operations got. */
export interface Burst {
  admitted: number;
  throttled: number;
  /** Any answer that was neither an admission nor a 429 THROTTLED (or, where timed, too late). */
  other: string[];
}

/** The replicas, started on the redis-server at `redisPort` with the plan above. */
export async function startReplicas(redisPort: number): Promise<TestGateway[]> {
  const env = {
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    REPLICAS: String(REPLICAS),
    PLANS_FILE: plansFile({
      FREE: { maximumAvailable: BUCKET, restoreRate: RESTORE_PER_SECOND, concurrency: 64 },
    }),
  };
  const first = await startGateway({ env });
  return [first, await startGateway({ env, databaseName: first.databaseName })];
}

/**
 * Each replica, on its own, admitted at least its share of the bucket and at most its share plus
 * its share of the refill since `startedAtMs`, and refused the rest with THROTTLED.
 */
function expectEachItsShare(bursts: Burst[], startedAtMs: number): void {
  const refill = (RESTORE_PER_SECOND / REPLICAS) * secondsSince(startedAtMs);
  const share = BUCKET / REPLICAS;

  for (const replica of bursts) {
    expect(replica.other).toEqual([]);
    expect(replica.throttled).toBeGreaterThan(0);
    expect(replica.admitted).toBeGreaterThanOrEqual(Math.floor(share / COST));
    expect(replica.admitted).toBeLessThanOrEqual(Math.floor((share + refill) / COST));
  }
}

/** Sends `count` of one tenant's operations at once to a replica and sorts the answers. */
export type BurstOf = (url: string, tenant: TestTenant, count: number) => Promise<Burst>;

/**
 * A fresh tenant's burst on each replica in turn while they cannot share state: each admits its
 * own share (see expectEachItsShare), whatever the other did.
 */
export async function expectEachReplicaItsShare(
  replicas: TestGateway[],
  burst: BurstOf,
  count: number,
): Promise<void> {
  const tenant = await createTenant(replicas[0].url);
  const startedAt = Date.now();

  const first = await burst(replicas[0].url, tenant, count);
  const second = await burst(replicas[1].url, tenant, count);

  expectEachItsShare([first, second], startedAt);
}

/**
 * The bucket is one across replicas: the first spent more than its share alone (only a shared
 * bucket allows that; with `wholeBucket`, all of it), together they stayed within bucket plus
 * refill, and the second found the bucket empty but for what refilled meanwhile.
 */
export function expectOneSharedBucket(
  first: Burst,
  second: Burst,
  startedAtMs: number,
  { wholeBucket = true } = {},
): void {
  const refill = RESTORE_PER_SECOND * secondsSince(startedAtMs);

  expect(first.other).toEqual([]);
  expect(second.other).toEqual([]);
  if (wholeBucket) expect(first.admitted).toBeGreaterThanOrEqual(BUCKET / COST);
  expect(first.admitted).toBeGreaterThan(BUCKET / REPLICAS / COST);
  expect(first.admitted + second.admitted).toBeLessThanOrEqual(
    Math.floor((BUCKET + refill) / COST),
  );
  expect(second.admitted).toBeLessThanOrEqual(Math.floor(refill / COST));
}

/** Every replica answers /readyz 200 with Redis up, and is the process it was: no restart. */
export async function expectReadyAgainWithoutRestart(replicas: TestGateway[]): Promise<void> {
  for (const gateway of replicas) {
    const response = await fetch(`${gateway.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { master: true, redis: true },
    });
    expect(gateway.process.exitCode).toBeNull();
  }
}

export function countLogs(gateway: TestGateway, message: string): number {
  return gateway.logs.filter((record) => record.msg === message).length;
}

export function secondsSince(startedAtMs: number): number {
  return (Date.now() - startedAtMs) / 1000;
}
