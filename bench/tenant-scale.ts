/**
 * Tenant scale: does one tenant's query slow down as the SHARED tier fills with other tenants?
 *
 * One FerretDB database is grown step by step (10 → 1,000 → 10,000 SHARED tenants by default)
 * and the same typical query of one measured tenant is timed after each step, on a gateway
 * started afresh for the step. The measured tenant and a few others are made through the API;
 * the rest are inserted straight into the gateway's collections, while no gateway runs (signing
 * thousands up would spend an scrypt hash each). Then a gateway with the operator API counts
 * the collections and indexes one tenant costs at each tier.
 *
 * At each size the bench also runs the gateway's own tenant store over the shared collections
 * (the reads behind the query, and the other common listings) and times each read; at the end
 * it explains every command those reads sent: whether FerretDB pushed the filter down to its
 * backend, and whether the backend's plan reads an index.
 *
 *   node dist/bench/tenant-scale.js [--handler sqlite|postgresql] [--sizes 10,1000,10000]
 *     [--requests 200] [--help]
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { MongoClient, ObjectId, type Db } from 'mongodb';

import { atCleanup, runBench } from './support/cleanup.js';
import { benchHandlerOf, startBenchDatabase, type BenchHandler } from './support/ferretdb.js';
import { insertFillerTenants } from './support/filler-tenants.js';
import { explainFind, type PushdownReport } from './support/filter-pushdown.js';
import {
  benchPassword,
  createProjects,
  createTasks,
  createTenant,
  type BenchTenant,
} from './support/fixtures.js';
import { readFlags, type FlagValues } from './support/flags.js';
import { startGateway, type BenchGateway, type GatewayOptions } from './support/gateway.js';
import { dataOf, postGraphQL, preparedRequest } from './support/graphql-client.js';
import { describeOutcomes, LoadWorker } from './support/load-client.js';
import type { LoadJob, LoadReport } from './support/load-protocol.js';
import { loadAverageLine, printMachineHeader, progress } from './support/machine.js';
import { explainSent, runShapes, type ExplainedCommand } from './support/query-shapes.js';
import {
  latencyTable,
  pollLines,
  ratioLines,
  serverCostTable,
  tierLines,
  type SizeResult,
} from './support/scale-report.js';
import { cpuPercentOver, probeServer, type ServerProbe } from './support/server-probes.js';
import { shapeExplainTable, shapeTimingTable, type SizedShapeRun } from './support/shape-report.js';
import { formatNumber, summarise } from './support/stats.js';
import { measureTierFootprints, type TierFootprints } from './support/tier-footprint.js';

const USAGE = 'usage: node dist/bench/tenant-scale.js [flags]';

const FLAGS = {
  handler: {
    default: 'sqlite',
    help: "FerretDB's backend: sqlite, or postgresql on 127.0.0.1:5432",
  },
  sizes: { default: '10,1000,10000', help: 'SHARED tenant counts to measure at, ascending' },
  requests: { default: 200, help: 'measured requests per size at most' },
  'size-seconds': { default: 45, help: 'sending stops after this long at each size' },
  concurrency: { default: 4, help: 'requests in flight (closed loop, one load process)' },
  warmup: { default: 20, help: 'unmeasured requests (one at a time) before each size' },
  'warmup-seconds': { default: 10, help: 'warm-up sending stops after this long' },
  'request-timeout-seconds': { default: 120, help: 'a request not answered by then is an error' },
  'idle-seconds': { default: 3, help: "window for FerretDB's CPU while the gateway idles" },
  'api-tenants': { default: 4, help: 'tenants made through the API, the measured one included' },
  projects: { default: 10, help: "the measured tenant's projects" },
  tasks: { default: 20, help: 'tasks per project of the measured tenant' },
  'filler-projects': { default: 2, help: 'projects of every other tenant' },
  'filler-tasks': { default: 10, help: 'tasks per project of every other tenant' },
  'skip-tiers': { default: false, help: 'leave out the per-tier collection and index count' },
  'skip-reads': { default: false, help: "leave out timing and explaining the store's reads" },
  'keep-data': { default: false, help: "keep FerretDB's state (and PostgreSQL database)" },
};

type Flags = FlagValues<typeof FLAGS>;

/** The tenant's dashboard: cost 1 + (2 + 1 + 10 × (2 + 5 × 0)) = 24 points. */
const TYPICAL_QUERY = [
  '{ viewer { id } projects(first: 10) { totalCount',
  'nodes { id name tasks(first: 5) { nodes { id title status } } } } }',
].join(' ');

const SCALE_DATABASE = 'tenantgate_scale';
const TIERS_DATABASE = 'tenantgate_tiers';
const PROGRESS_EVERY_MS = 5_000;

/** Every plan far beyond what the bench asks, with database time for scans of 200,000 tasks. */
const ROOMY_LIMITS = {
  maximumAvailable: 1_000_000,
  restoreRate: 100_000,
  concurrency: 64,
  dbTimeMs: 300_000,
};

/** What every step of the growth needs. */
interface ScaleRun {
  flags: Flags;
  db: Db;
  databasePid: number;
  gatewayOptions: GatewayOptions;
  worker: LoadWorker;
  measured: BenchTenant;
  apiTenants: number;
  /** The gateway's reads timed at each size, and the commands they sent. */
  shapeRuns: SizedShapeRun[];
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const flags = readFlags(USAGE, FLAGS);
  const sizes = parseSizes(flags.sizes, flags['api-tenants']);
  printMachineHeader('Tenant scale: SHARED-tier latency against tenant count, storage per tier');

  const handler = benchHandlerOf(flags.handler);
  const database = await startBenchDatabase('tenant-scale', flags['keep-data'], handler);
  const plansFile = writePlansFile(database.stateDir);
  const jwtSecret = randomBytes(32).toString('hex');
  const tiers = flags['skip-tiers']
    ? null
    : await measureTierFootprints(database, { jwtSecret, plansFile, databaseName: TIERS_DATABASE });

  const gatewayOptions = {
    label: 'gateway',
    mongoUri: database.uri(SCALE_DATABASE),
    jwtSecret,
    env: { PLANS_FILE: plansFile },
  };
  const measured = await buildApiTenants(flags, gatewayOptions);
  const db = await connect(database.uri(SCALE_DATABASE));
  const worker = await LoadWorker.start('load');
  const apiTenants = flags['api-tenants'];
  const run: ScaleRun = {
    flags,
    db,
    databasePid: database.pid,
    gatewayOptions,
    worker,
    measured,
    apiTenants,
    shapeRuns: [],
  };
  const results = await measureSizes(run, sizes);
  await worker.close();

  progress('explaining the tenant page and every command the reads sent');
  const explain = await explainFind(db, 'tasks', { organizationId: new ObjectId(measured.id) });
  const lastRun = run.shapeRuns[run.shapeRuns.length - 1];
  const explained = lastRun ? await explainSent(db, lastRun.run.sent) : [];
  const pushdown = pushdownLines(handler, explain, explained, run);
  printReport(flags, results, [...pushdown, ...tierSection(tiers)], startedAt);
}

/** Sizes as ascending numbers, each at least the number of tenants made through the API. */
function parseSizes(text: string, apiTenants: number): number[] {
  const sizes = text.split(',').map((part) => Number(part.trim()));
  const valid = sizes.every(
    (size, index) =>
      Number.isInteger(size) && size >= apiTenants && (index === 0 || size > sizes[index - 1]),
  );
  if (!valid || sizes.length === 0) {
    process.stderr.write(`--sizes needs ascending integers of at least ${apiTenants}: "${text}"\n`);
    process.exit(2);
  }
  return sizes;
}

function writePlansFile(folder: string): string {
  const file = path.join(folder, 'scale-plans.json');
  const plans = { FREE: ROOMY_LIMITS, TEAM: ROOMY_LIMITS, ENTERPRISE: ROOMY_LIMITS };
  writeFileSync(file, JSON.stringify(plans));
  return file;
}

/** A client of the gateway's own database, for inserting filler tenants and explaining. */
async function connect(uri: string): Promise<Db> {
  const client = new MongoClient(uri);
  await client.connect();
  atCleanup('MongoDB client', () => client.close());
  return client.db();
}

/**
 * The measured tenant (projects × tasks) and a few filler-shaped ones, all through the API on
 * a gateway of their own; returns the measured one, whose token the steps keep using.
 */
async function buildApiTenants(flags: Flags, options: GatewayOptions): Promise<BenchTenant> {
  const gateway = await startGateway({ ...options, label: 'fixtures' });
  const password = benchPassword();
  progress(`API: measured tenant with ${flags.projects} projects × ${flags.tasks} tasks`);
  const measured = await tenantWithData(gateway, 'Measured', password, flags.projects, flags.tasks);

  const others = flags['api-tenants'] - 1;
  const [projects, tasks] = [flags['filler-projects'], flags['filler-tasks']];
  progress(`API: ${others} more tenants with ${projects} projects × ${tasks} tasks`);
  for (let index = 0; index < others; index++) {
    await tenantWithData(gateway, 'Neighbour', password, projects, tasks);
  }
  await checkQuery(gateway, measured, flags.projects);
  await gateway.stop();
  return measured;
}

async function tenantWithData(
  gateway: BenchGateway,
  prefix: string,
  password: string,
  projects: number,
  tasks: number,
): Promise<BenchTenant> {
  const tenant = await createTenant(gateway.endpoint, prefix, password);
  for (const projectId of await createProjects(gateway.endpoint, tenant.token, projects)) {
    await createTasks(gateway.endpoint, tenant.token, projectId, tasks);
  }
  return tenant;
}

/** The query must answer without errors and see exactly the measured tenant's projects. */
async function checkQuery(gateway: BenchGateway, tenant: BenchTenant, projects: number) {
  const reply = await postGraphQL<{ projects: { totalCount: number } }>(
    gateway.endpoint,
    TYPICAL_QUERY,
    {},
    { token: tenant.token },
  );
  const { totalCount } = dataOf(reply, 'the typical query').projects;
  if (totalCount !== projects) throw new Error(`the tenant sees ${totalCount} projects`);
  const cost = reply.extensions.cost as { requestedQueryCost?: number } | undefined;
  progress(`query answered, requested cost ${cost?.requestedQueryCost ?? 'not reported'}`);
}

/** Grows the SHARED tier to each size in turn and measures after each step. */
async function measureSizes(run: ScaleRun, sizes: number[]): Promise<SizeResult[]> {
  const results: SizeResult[] = [];
  let tenants = run.apiTenants;
  for (const size of sizes) {
    await growTo(run, tenants, size);
    tenants = size;
    results.push(await measureSize(run, size));
  }
  return results;
}

/**
 * Inserts the filler tenants between two sizes. No gateway runs meanwhile: its suspension poll
 * scans `organizations` on this server every 0.4 s and would slow the inserts down, which is
 * the bench's set-up, not what it measures.
 */
async function growTo(run: ScaleRun, current: number, target: number): Promise<void> {
  const count = target - current;
  if (count === 0) return;

  progress(`inserting ${count} filler tenants directly (${current} → ${target})`);
  const { flags } = run;
  const shape = { projects: flags['filler-projects'], tasksPerProject: flags['filler-tasks'] };
  const step = Math.max(500, Math.ceil(count / 5));
  await insertFillerTenants(run.db, count, shape, (inserted) => {
    if (inserted % step === 0 || inserted === count) progress(`  ${inserted}/${count} inserted`);
  });
}

/** One step: the server's cost alone, then a fresh gateway, its idle cost, warm-up and load. */
async function measureSize(run: ScaleRun, size: number): Promise<SizeResult> {
  const probe = await probeServer(run.db, run.measured.id);
  progress(
    `${size} tenants: a page of tasks alone takes ${formatNumber(probe.tenantPageMs, 0)} ms`,
  );
  if (!run.flags['skip-reads']) {
    progress(`${size} tenants: timing the tenant store's reads`);
    const shapeRun = await runShapes(run.gatewayOptions.mongoUri, run.measured.id);
    run.shapeRuns.push({ tenants: size, run: shapeRun });
  }
  const gateway = await startGateway({ ...run.gatewayOptions, label: `gateway ${size}` });
  try {
    const windowMs = run.flags['idle-seconds'] * 1_000;
    const idleDatabaseCpuPercent = await cpuPercentOver(run.databasePid, windowMs);
    await warmUp(run, gateway, size);
    const report = await run.worker.run(measuredJob(run, gateway, size), (counters) =>
      progress(`  ${counters.completed} answered (${describeOutcomes(counters.outcomes)})`),
    );
    return sizeResult(run, size, probe, idleDatabaseCpuPercent, report);
  } finally {
    await gateway.stop();
  }
}

function sizeResult(
  run: ScaleRun,
  size: number,
  probe: ServerProbe,
  idleDatabaseCpuPercent: number,
  report: LoadReport,
): SizeResult {
  const okLatenciesMs = report.latenciesMs.filter((_, i) => report.latencyOutcomes[i] === 'ok');
  progress(`${size} tenants: median ${formatNumber(summarise(okLatenciesMs).p50)} ms`);
  return {
    tenants: size,
    insertedDirectly: size - run.apiTenants,
    sharedTasks: sharedTaskCount(run.flags, size),
    probe,
    idleDatabaseCpuPercent,
    report,
    okLatenciesMs,
  };
}

/** Tasks in the shared collection: the measured tenant's, and every other tenant's alike. */
function sharedTaskCount(flags: Flags, tenants: number): number {
  const others = (tenants - 1) * flags['filler-projects'] * flags['filler-tasks'];
  return flags.projects * flags.tasks + others;
}

async function warmUp(run: ScaleRun, gateway: BenchGateway, size: number): Promise<void> {
  const { flags } = run;
  progress(
    `${size} tenants: warming up (${flags.warmup} requests or ${flags['warmup-seconds']} s)`,
  );
  await run.worker.run(
    loadJob(run, gateway, 'warm-up', {
      concurrency: 1,
      maxRequests: flags.warmup,
      durationMs: flags['warmup-seconds'] * 1_000,
    }),
  );
}

function measuredJob(run: ScaleRun, gateway: BenchGateway, size: number): LoadJob {
  const { flags } = run;
  progress(`${size} tenants: measuring (${flags.requests} requests or ${flags['size-seconds']} s)`);
  return loadJob(run, gateway, `${size} tenants`, {
    concurrency: Math.max(1, flags.concurrency),
    maxRequests: flags.requests,
    durationMs: flags['size-seconds'] * 1_000,
  });
}

function loadJob(
  run: ScaleRun,
  gateway: BenchGateway,
  label: string,
  bounds: Pick<LoadJob, 'concurrency' | 'maxRequests' | 'durationMs'>,
): LoadJob {
  return {
    label,
    endpoint: gateway.endpoint,
    requests: [preparedRequest(TYPICAL_QUERY, {}, { token: run.measured.token })],
    ratePerSecond: 0,
    timeoutMs: run.flags['request-timeout-seconds'] * 1_000,
    progressEveryMs: PROGRESS_EVERY_MS,
    ...bounds,
  };
}

/**
 * What the ratio means on this handler: whether each of the gateway's commands had its filter
 * pushed down and read an index, how long each read took at each size, and one full explain.
 */
function pushdownLines(
  handler: BenchHandler,
  pageExplain: PushdownReport,
  explained: ExplainedCommand[],
  run: ScaleRun,
): string[] {
  const shown = {
    ...pageExplain,
    command: { ...pageExplain.command, filter: { organizationId: '<measured tenant id>' } },
  };
  const reads =
    explained.length === 0
      ? []
      : [
          "### The tenant store's reads: pushdown, index use, time",
          '',
          `Each command as the gateway's \`CollectionTenantStore\` sent it for the measured tenant, explained on this server after the largest size (\`<tenant>\` is the measured tenant's id):`,
          '',
          shapeExplainTable(explained, run.measured.id),
          '',
          ...readSummaryLines(explained),
          "Each read once, sent by the bench through the gateway's tenant store while no gateway ran:",
          '',
          shapeTimingTable(run.shapeRuns),
          '',
        ];
  return [
    '### What the ratio means on this server',
    '',
    HANDLER_MEANING[handler],
    '',
    ...reads,
    `\`explain\` of the measured tenant's \`find\` on \`tasks\`: **filterPushdown: ${String(pageExplain.filterPushdown)}**, index used: **${String(pageExplain.indexUsed)}** (${pageExplain.planSummary})`,
    '',
    '```json',
    JSON.stringify(shown, null, 2),
    '```',
    '',
  ];
}

/** Counts of pushed-down and index-reading commands, as measured, in one line. */
function readSummaryLines(explained: ExplainedCommand[]): string[] {
  const pushed = explained.filter((command) => command.explain.filterPushdown === true).length;
  const indexed = explained.filter((command) => command.explain.indexUsed === true).length;
  return [
    `Of ${explained.length} commands, ${pushed} had (part of) their filter pushed down and ${indexed} read through an index.`,
    '',
  ];
}

const HANDLER_MEANING: Readonly<Record<BenchHandler, string>> = Object.freeze({
  sqlite:
    "FerretDB 1.24's SQLite handler pushes down only a filter that is `_id` equality alone, and every gateway filter also names the organization id: every query of the measured tenant reads every document of the shared `projects` and `tasks` collections (and every suspension poll all of `organizations`) before filtering, so SHARED latency grows with all tenants' data together and the ratio measures FerretDB's scans rather than the gateway.",
  postgresql:
    "FerretDB 1.24's PostgreSQL handler pushes each top-level equality on a scalar (the organization id, a status, one project id, one `_id`) into its SQL as jsonb containment, `_jsonb->'field' @> value`; `$in`, `$gt` and every sort but `$natural` stay in FerretDB, which filters and sorts the rows PostgreSQL returned. The indexes that `createIndexes` made are btree indexes on `_jsonb->'field'` expressions, which PostgreSQL uses for `=` but cannot use for `@>`: a pushed-down filter saves FerretDB from decoding other tenants' documents, but PostgreSQL still reads the whole shared table (`Seq Scan` below).",
});

function tierSection(tiers: TierFootprints | null): string[] {
  return tiers ? tierLines(tiers, TIERS_DATABASE) : [];
}

function printReport(flags: Flags, results: SizeResult[], tail: string[], startedAt: number) {
  const lines = [
    '### Settings',
    '',
    ...settingLines(flags),
    '',
    '### Latency of one tenant against the number of SHARED tenants',
    '',
    latencyTable(results),
    '',
    ...ratioLines(results),
    '',
    "What the server costs alone at each size: two of the gateway's queries sent once by the bench while no gateway ran, and FerretDB's CPU while a fresh gateway idled (its revocation, suspension and recovery polls):",
    '',
    serverCostTable(results),
    '',
    ...pollLines(results),
    ...tail,
    `- run took ${formatNumber((performance.now() - startedAt) / 60_000, 1)} min`,
    loadAverageLine(),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

const HANDLER_NAMES: Readonly<Record<BenchHandler, string>> = Object.freeze({
  sqlite: 'SQLite handler',
  postgresql: 'PostgreSQL handler, PostgreSQL 15 on loopback',
});

function settingLines(flags: Flags): string[] {
  const filler = `${flags['filler-projects']} projects × ${flags['filler-tasks']} tasks`;
  return [
    `- server: FerretDB 1.24 (${HANDLER_NAMES[benchHandlerOf(flags.handler)]}); one database grown ${flags.sizes.replaceAll(',', ' → ')} SHARED tenants, measured after each step on a freshly started gateway`,
    `- measured tenant: ${flags.projects} projects × ${flags.tasks} tasks; it and ${flags['api-tenants'] - 1} other tenants (${filler}) were made through the API`,
    `- **all other tenants were inserted directly into the gateway's database** (\`organizations\`, \`members\`, \`projects\`, \`tasks\`, documents of the gateway's own types: active FREE SHARED organizations with one OWNER), ${filler} each, while no gateway ran`,
    `- query: \`${TYPICAL_QUERY}\``,
    `- load: closed loop at concurrency ${flags.concurrency} from one load process; per size at most ${flags.requests} requests, sending stopped after ${flags['size-seconds']} s, each request given ${flags['request-timeout-seconds']} s; before it a warm-up of up to ${flags.warmup} requests one at a time (sending stopped after ${flags['warmup-seconds']} s)`,
    '- plans: roomy (bucket 1,000,000, refill 100,000/s, concurrency 64, database time 300 s): nothing is throttled',
    '- median and p99 are of the answers without errors; with fewer than 100 of them p99 is the slowest',
  ];
}

runBench(main);
