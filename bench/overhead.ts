/**
 * Overhead of the quota pipeline: one typical authenticated query, measured side by side on
 * gateways that share one database and differ only in quotas — off (`QUOTAS=off`), on with
 * in-process state, and on with its state in Redis. Short rounds take turns (the order rotates
 * every round), so whatever else the machine does falls on every side alike. The plan is roomy,
 * so the on-sides are never refused: this measures the pipeline's cost, not its refusals.
 *
 *   node dist/bench/overhead.js [--rounds 10] [--round-seconds 3] [--concurrency 8] [--help]
 */
import { randomBytes } from 'node:crypto';

import { runBench } from './support/cleanup.js';
import { startBenchDatabase } from './support/ferretdb.js';
import {
  benchPassword,
  createProjects,
  createTasks,
  createTenant,
  type BenchTenant,
} from './support/fixtures.js';
import { readFlags, type FlagValues } from './support/flags.js';
import { startGateway, type BenchGateway, type GatewayOptions } from './support/gateway.js';
import { postGraphQL, preparedRequest } from './support/graphql-client.js';
import { describeOutcomes, LoadWorker } from './support/load-client.js';
import type { LoadJob, LoadReport } from './support/load-protocol.js';
import { loadAverageLine, printMachineHeader, progress } from './support/machine.js';
import { markdownTable } from './support/markdown.js';
import { writeRoomyPlansFile } from './support/plans.js';
import { cpuMsDuring } from './support/process-cpu.js';
import { profileUnderLoad } from './support/profiled-run.js';
import { startBenchRedis } from './support/redis.js';
import { formatNumber, percentile, summarise } from './support/stats.js';

const USAGE = 'usage: node dist/bench/overhead.js [flags]';

const FLAGS = {
  rounds: { default: 10, help: 'measured rounds per side' },
  'round-seconds': { default: 3, help: 'length of one round' },
  concurrency: { default: 8, help: 'requests in flight (closed loop, one load process)' },
  'warmup-seconds': { default: 3, help: 'unmeasured load on each side first' },
  projects: { default: 10, help: "the tenant's projects" },
  tasks: { default: 20, help: 'tasks per project' },
  'skip-redis': { default: false, help: 'leave out the quotas-on-with-Redis side' },
  profile: { default: false, help: 'also profile a quotas-on gateway under the same load' },
  'keep-data': { default: false, help: "keep FerretDB's state folder" },
};

type Flags = FlagValues<typeof FLAGS>;

/** The typical query: cost 1 + (2 + 1 + 10 × (2 + 5 × 0)) = 24 points. */
const TYPICAL_QUERY = `query Dashboard {
  viewer { id email }
  projects(first: 10) {
    totalCount
    nodes { id name tasks(first: 5) { nodes { id title status } } }
  }
}`;

const REQUEST_TIMEOUT_MS = 10_000;

/** A closed loop stops at this many requests per second of round, whatever happens. */
const REQUESTS_PER_SECOND_CAP = 20_000;

const PROGRESS_EVERY_MS = 1_000;

/** One gateway being measured, and everything measured on it so far. */
interface Side {
  name: string;
  gateway: BenchGateway;
  latenciesMs: number[];
  roundMedians: number[];
  outcomes: Record<string, number>;
  completed: number;
  elapsedMs: number;
  gatewayCpuMs: number;
  databaseCpuMs: number;
  /** The Redis server the side keeps its quota state in, if any. */
  redisPid: number | null;
  redisCpuMs: number;
}

async function main(): Promise<void> {
  const flags = readFlags(USAGE, FLAGS);
  printMachineHeader('Quota pipeline overhead');

  const database = await startBenchDatabase('overhead', flags['keep-data']);
  const plansFile = writeRoomyPlansFile(database.stateDir);
  const base = {
    mongoUri: database.uri('tenantgate_bench'),
    jwtSecret: randomBytes(32).toString('hex'),
  };
  const tenant = await buildTenant(flags, {
    ...base,
    label: 'fixtures',
    env: { PLANS_FILE: plansFile },
  });

  const sides = await startSides(flags, base, plansFile);
  await checkQuery(sides, tenant);
  const worker = await LoadWorker.start('load');
  await warmUp(flags, worker, sides, tenant);
  await measure(flags, worker, sides, tenant, database.pid);

  const profile = flags.profile
    ? await profileOnSide(flags, worker, tenant, {
        ...base,
        label: 'profiled',
        env: { PLANS_FILE: plansFile },
      })
    : null;
  await worker.close();
  printReport(flags, sides, profile);
}

/** Builds the tenant (projects × tasks) through a fixture gateway of its own, then stops it. */
async function buildTenant(flags: Flags, options: GatewayOptions): Promise<BenchTenant> {
  const gateway = await startGateway(options);
  progress(`building a tenant with ${flags.projects} projects × ${flags.tasks} tasks`);

  const tenant = await createTenant(gateway.endpoint, 'Overhead', benchPassword());
  const projectIds = await createProjects(gateway.endpoint, tenant.token, flags.projects);
  for (const projectId of projectIds) {
    await createTasks(gateway.endpoint, tenant.token, projectId, flags.tasks);
  }

  await gateway.stop();
  return tenant;
}

async function startSides(
  flags: Flags,
  base: { mongoUri: string; jwtSecret: string },
  plansFile: string,
): Promise<Side[]> {
  const start = async (name: string, env: Record<string, string>, redisPid?: number) =>
    newSide(
      name,
      await startGateway({ ...base, label: name, env: { PLANS_FILE: plansFile, ...env } }),
      redisPid,
    );

  const sides = [await start('quotas off', { QUOTAS: 'off' }), await start('quotas on', {})];
  if (!flags['skip-redis']) {
    const redis = await startBenchRedis();
    sides.push(await start('quotas on, Redis', { REDIS_URL: redis.url }, redis.pid));
  }
  return sides;
}

function newSide(name: string, gateway: BenchGateway, redisPid?: number): Side {
  return {
    name,
    gateway,
    latenciesMs: [],
    roundMedians: [],
    outcomes: {},
    completed: 0,
    elapsedMs: 0,
    gatewayCpuMs: 0,
    databaseCpuMs: 0,
    redisPid: redisPid ?? null,
    redisCpuMs: 0,
  };
}

/** Every side must answer the query without errors, and the on-sides must price it. */
async function checkQuery(sides: Side[], tenant: BenchTenant): Promise<void> {
  for (const side of sides) {
    const reply = await postGraphQL(
      side.gateway.endpoint,
      TYPICAL_QUERY,
      {},
      { token: tenant.token },
    );
    if (reply.errors.length > 0) {
      throw new Error(`${side.name} answered the query with ${JSON.stringify(reply.errors)}`);
    }
    const cost = reply.extensions.cost as { requestedQueryCost?: number } | undefined;
    progress(
      `${side.name}: query answered, requested cost ${cost?.requestedQueryCost ?? 'not reported'}`,
    );
  }
}

async function warmUp(flags: Flags, worker: LoadWorker, sides: Side[], tenant: BenchTenant) {
  const durationMs = flags['warmup-seconds'] * 1_000;
  if (durationMs <= 0) return;

  for (const side of sides) {
    progress(`warming up ${side.name} for ${flags['warmup-seconds']} s`);
    await worker.run(loadJob(flags, side.gateway, tenant, durationMs));
  }
}

/** Runs the rounds; round r starts with side r mod n, so no side always goes first. */
async function measure(
  flags: Flags,
  worker: LoadWorker,
  sides: Side[],
  tenant: BenchTenant,
  databasePid: number,
) {
  const durationMs = flags['round-seconds'] * 1_000;

  for (let round = 0; round < flags.rounds; round++) {
    const order = sides.map((_, index) => sides[(round + index) % sides.length]);
    for (const side of order) {
      const pids = [side.gateway.pid, databasePid, ...(side.redisPid ? [side.redisPid] : [])];
      const { result, cpuMs } = await cpuMsDuring(pids, () =>
        worker.run(loadJob(flags, side.gateway, tenant, durationMs)),
      );
      addRound(side, result, cpuMs);
      progress(roundLine(round + 1, flags.rounds, side, result));
    }
  }
}

function loadJob(
  flags: Flags,
  gateway: BenchGateway,
  tenant: BenchTenant,
  durationMs: number,
): LoadJob {
  return {
    label: gateway.label,
    endpoint: gateway.endpoint,
    requests: [preparedRequest(TYPICAL_QUERY, {}, { token: tenant.token })],
    ratePerSecond: 0,
    concurrency: Math.max(1, flags.concurrency),
    durationMs,
    maxRequests: Math.ceil((REQUESTS_PER_SECOND_CAP * durationMs) / 1_000),
    timeoutMs: REQUEST_TIMEOUT_MS,
    progressEveryMs: PROGRESS_EVERY_MS,
  };
}

function addRound(side: Side, report: LoadReport, [gateway, database, redis]: number[]): void {
  side.latenciesMs.push(...report.latenciesMs);
  side.roundMedians.push(summarise(report.latenciesMs).p50);
  side.completed += report.completed;
  side.elapsedMs += report.elapsedMs;
  side.gatewayCpuMs += gateway;
  side.databaseCpuMs += database;
  side.redisCpuMs += redis ?? 0;
  for (const [outcome, count] of Object.entries(report.outcomes)) {
    side.outcomes[outcome] = (side.outcomes[outcome] ?? 0) + count;
  }
}

function roundLine(round: number, rounds: number, side: Side, report: LoadReport): string {
  const median = formatNumber(summarise(report.latenciesMs).p50);
  const throughput = formatNumber((report.completed * 1_000) / report.elapsedMs, 0);
  return `round ${round}/${rounds} ${side.name}: ${report.completed} requests, median ${median} ms, ${throughput} req/s (${describeOutcomes(report.outcomes)})`;
}

/** A fresh quotas-on gateway under `--cpu-prof`, one round of the same load. */
async function profileOnSide(
  flags: Flags,
  worker: LoadWorker,
  tenant: BenchTenant,
  options: GatewayOptions,
): Promise<{ file: string; tables: string; cpuMsPerRequest: number }> {
  const durationMs = Math.max(5, flags['round-seconds']) * 1_000;
  const run = await profileUnderLoad(
    options,
    async (gateway) => {
      progress(`warming up the profiled gateway for ${flags['warmup-seconds']} s`);
      await worker.run(
        loadJob(flags, gateway, tenant, Math.max(1, flags['warmup-seconds']) * 1_000),
      );
      progress(`profiling quotas on for ${durationMs / 1_000} s`);
    },
    (gateway) => worker.run(loadJob(flags, gateway, tenant, durationMs)),
  );
  progress(`profile written: ${run.file}`);
  return {
    file: run.file,
    tables: run.tables,
    cpuMsPerRequest: run.cpuMs / Math.max(1, run.result.completed),
  };
}

function printReport(
  flags: Flags,
  sides: Side[],
  profile: { file: string; tables: string; cpuMsPerRequest: number } | null,
): void {
  const lines = [
    '### Settings',
    '',
    `- query: \`${TYPICAL_QUERY.replace(/\s+/g, ' ')}\` on a tenant with ${flags.projects} projects × ${flags.tasks} tasks`,
    `- ${flags.rounds} rounds × ${flags['round-seconds']} s per side, order rotating, closed loop at concurrency ${flags.concurrency} from one load process, after ${flags['warmup-seconds']} s of warm-up per side`,
    '- plans: roomy (never throttled); every side on the same FerretDB database',
    '',
    '### Results',
    '',
    resultsTable(sides),
    '',
    ...ratioLines(sides),
    '',
    ...(profile ? profileLines(profile) : []),
    loadAverageLine(),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function resultsTable(sides: Side[]): string {
  const rows = sides.map((side) => {
    const latency = summarise(side.latenciesMs);
    const rounds = [...side.roundMedians].sort((a, b) => a - b);
    return [
      side.name,
      formatNumber(latency.p50),
      formatNumber(latency.p99),
      formatNumber((side.completed * 1_000) / side.elapsedMs, 0),
      `${formatNumber(rounds[0])}–${formatNumber(rounds[rounds.length - 1])}`,
      perRequestMicros(side.gatewayCpuMs, side),
      perRequestMicros(side.databaseCpuMs, side),
      side.redisPid ? perRequestMicros(side.redisCpuMs, side) : '-',
      String(side.completed),
      String(side.completed - (side.outcomes.ok ?? 0)),
    ];
  });
  return markdownTable(
    [
      'side',
      'median (ms)',
      'p99 (ms)',
      'throughput (req/s)',
      'round medians (ms)',
      'gateway CPU µs / req',
      'FerretDB CPU µs / req',
      'Redis CPU µs / req',
      'requests',
      'errors',
    ],
    rows,
  );
}

function perRequestMicros(cpuMs: number, side: Side): string {
  return formatNumber((cpuMs * 1_000) / Math.max(1, side.completed), 0);
}

function ratioLines(sides: Side[]): string[] {
  const [off, ...onSides] = sides;
  const median = (side: Side) =>
    percentile(
      [...side.latenciesMs].sort((a, b) => a - b),
      50,
    );
  const cpuPerRequest = (side: Side) => side.gatewayCpuMs / Math.max(1, side.completed);

  return onSides.flatMap((side) => {
    const ratio = median(side) / median(off);
    const verdict = ratio <= 1.05 ? 'met' : 'missed';
    return [
      `${side.name} / quotas off, medians: **${formatNumber(ratio, 3)}** (target ≤ 1.05: ${verdict}); gateway CPU per request: ${formatNumber(cpuPerRequest(side) / cpuPerRequest(off), 3)}`,
      '',
    ];
  });
}

function profileLines(profile: {
  file: string;
  tables: string;
  cpuMsPerRequest: number;
}): string[] {
  return [
    '### Where a quotas-on gateway spends its time on admitted requests',
    '',
    `One round under \`--cpu-prof\`: gateway CPU ${formatNumber(profile.cpuMsPerRequest, 3)} ms per request. Profile: \`${profile.file}\`.`,
    '',
    profile.tables,
    '',
  ];
}

runBench(main);
