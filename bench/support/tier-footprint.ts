import { randomBytes } from 'node:crypto';

import { MongoClient, ObjectId } from 'mongodb';

import type { BenchDatabase } from './ferretdb.js';
import {
  benchPassword,
  createProjects,
  createTasks,
  createTenant,
  type BenchTenant,
} from './fixtures.js';
import { startGateway, type BenchGateway } from './gateway.js';
import { dataOf, postGraphQL } from './graphql-client.js';
import { progress } from './machine.js';
import { moveTenantAndWait, type Tier } from './operator-api.js';
import { sleep } from './processes.js';
import {
  censusChange,
  takeCensus,
  type CensusChange,
  type StorageCensus,
} from './storage-census.js';

/** What one tenant at one tier adds to the server, over the same server without it. */
export interface TierFootprint extends CensusChange {
  tier: Tier;
  /** How long the move into this tier took, start to DONE; null for the tier it was created in. */
  moveMs: number | null;
}

/** Storage per tenant by tier, and what the first tenant of a cluster creates once. */
export interface TierFootprints {
  firstTenant: CensusChange;
  tiers: TierFootprint[];
}

/** Settings of the gateway that measures; moves are sped up so the census waits little. */
export interface FootprintOptions {
  jwtSecret: string;
  plansFile: string;
  databaseName: string;
}

const CLEANUP_TIMEOUT_MS = 30_000;

/**
 * Counts collections and indexes a tenant costs at each tier: a census of the server before the
 * tenant exists, then with it on SHARED, then after operator moves to COLLECTION and to
 * DATABASE (each census once the move's clean-up has removed the source's storage). A first
 * tenant is made beforehand, so the shared collections it brings are not charged to the second.
 */
export async function measureTierFootprints(
  database: BenchDatabase,
  options: FootprintOptions,
): Promise<TierFootprints> {
  const operatorKey = randomBytes(24).toString('hex');
  const gateway = await startGateway({
    label: 'tiers',
    mongoUri: database.uri(options.databaseName),
    jwtSecret: options.jwtSecret,
    env: {
      PLANS_FILE: options.plansFile,
      OPERATOR_API_KEY: operatorKey,
      MOVE_PROPAGATION_MS: '200',
      MOVE_CLEANUP_DELAY_MS: '500',
    },
  });
  const client = new MongoClient(database.uri(options.databaseName));
  try {
    await client.connect();
    const census = () => takeCensus(client, options.databaseName);
    return await walkTiers(gateway, client, operatorKey, census);
  } finally {
    await client.close();
    await gateway.stop();
  }
}

async function walkTiers(
  gateway: BenchGateway,
  client: MongoClient,
  operatorKey: string,
  census: () => Promise<StorageCensus>,
): Promise<TierFootprints> {
  const password = benchPassword();
  const empty = await census();
  await createTenant(gateway.endpoint, 'Tier anchor', password);
  const withoutTenant = await census();

  progress('tiers: creating a SHARED tenant with 2 projects × 10 tasks');
  const tenant = await tenantWithData(gateway.endpoint, password);
  const tiers: TierFootprint[] = [
    { tier: 'SHARED', moveMs: null, ...censusChange(withoutTenant, await census(), tenant.id) },
  ];

  for (const tier of ['COLLECTION', 'DATABASE'] as const) {
    const move = await moveTenantAndWait(gateway.endpoint, operatorKey, tenant.id, tier);
    if (move.state !== 'DONE') throw new Error(`the move to ${tier} failed: ${move.error}`);
    await waitForCleanup(client, move.id);
    await expectProjects(gateway.endpoint, tenant, 2);
    progress(`tiers: moved to ${tier} in ${Math.round(move.elapsedMs)} ms (${move.copied} copied)`);
    const change = censusChange(withoutTenant, await census(), tenant.id);
    tiers.push({ tier, moveMs: move.elapsedMs, ...change });
  }
  return { firstTenant: censusChange(empty, withoutTenant), tiers };
}

async function tenantWithData(endpoint: string, password: string): Promise<BenchTenant> {
  const tenant = await createTenant(endpoint, 'Tier footprint', password);
  for (const projectId of await createProjects(endpoint, tenant.token, 2)) {
    await createTasks(endpoint, tenant.token, projectId, 10);
  }
  return tenant;
}

/** Waits until the move has removed the tenant's storage at its old placement. */
async function waitForCleanup(client: MongoClient, moveId: string): Promise<void> {
  const moves = client.db().collection<{ _id: ObjectId; cleanedUp: boolean }>('moves');
  const deadline = Date.now() + CLEANUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const move = await moves.findOne({ _id: new ObjectId(moveId) });
    if (move?.cleanedUp) return;
    await sleep(100);
  }
  throw new Error(`move ${moveId} was not cleaned up within ${CLEANUP_TIMEOUT_MS} ms`);
}

/** A moved tenant must still see all its projects. */
async function expectProjects(endpoint: string, tenant: BenchTenant, count: number) {
  const reply = await postGraphQL<{ projects: { totalCount: number } }>(
    endpoint,
    '{ projects(first: 1) { totalCount } }',
    {},
    { token: tenant.token },
  );
  const { totalCount } = dataOf(reply, 'projects after the move').projects;
  if (totalCount !== count) throw new Error(`the moved tenant sees ${totalCount} projects`);
}
