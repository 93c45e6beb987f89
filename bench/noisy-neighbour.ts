/**
 * Noisy neighbour: does tenant A flooding the gateway far past its budget hurt tenant B?
 *
 * Tenant A (FREE) floods with expensive queries and `taskReport`s from several worker processes;
 * tenant B (TEAM by default) sends a light query at a fixed rate from a process of its own. Three
 * measured phases: B alone; B under A's flood with quotas on; B under the same flood on a second
 * gateway with `QUOTAS=off`; with `--compare-lanes`, a fourth under the flood on a gateway whose
 * FREE lanes are as wide as its concurrency. The phases take turns in short rounds, so that whatever else the
 * machine does falls on all three alike. Then a short flood against a gateway under
 * `node --cpu-prof` shows where the gateway spends its time refusing A.
 *
 *   node dist/bench/noisy-neighbour.js [--phase-seconds 20] [--a-rate 300] [--help]
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

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
import { combineCounters, describeOutcomes, LoadWorker } from './support/load-client.js';
import type { LoadCounters, LoadJob, LoadReport, LoadRequest } from './support/load-protocol.js';
import { loadAverageLine, printMachineHeader, progress } from './support/machine.js';
import { markdownTable } from './support/markdown.js';
import { writeRoomyPlansFile } from './support/plans.js';
import { cpuMsDuring } from './support/process-cpu.js';
import { sleep } from './support/processes.js';
import { profileUnderLoad } from './support/profiled-run.js';
import { formatNumber, summarise } from './support/stats.js';
import { setTenantPlan, type PlanName } from './support/tenant-plan.js';

const USAGE = 'usage: node dist/bench/noisy-neighbour.js [flags]';

const FLAGS = {
  'phase-seconds': { default: 20, help: 'measured length of each phase, over all its rounds' },
  rounds: {
    default: 1,
    help: "rounds the phases are split into and interleaved over (A's bucket refills between them)",
  },
  'warmup-seconds': { default: 3, help: 'unmeasured load on each gateway before its phases' },
  'profile-seconds': { default: 10, help: 'length of the profiled flood' },
  'b-rate': { default: 20, help: "tenant B's requests per second" },
  'b-plan': { default: 'TEAM', help: "tenant B's plan (A is always FREE)" },
  'a-workers': { default: 3, help: "processes sending tenant A's flood" },
  'a-connections': { default: 8, help: 'connections per A worker' },
  'a-rate': {
    default: 300,
    help: "A's requests per second over all workers; 0: as fast as answered",
  },
  'a-projects': { default: 10, help: "tenant A's projects" },
  'a-tasks': { default: 100, help: 'tasks per project of tenant A' },
  'free-bucket': { default: 1_000, help: "FREE's maximumAvailable (experiments only)" },
  'free-restore-rate': { default: 50, help: "FREE's restoreRate (experiments only)" },
  'free-concurrency': { default: 4, help: "FREE's concurrency (experiments only)" },
  'free-lanes': { default: 0, help: "FREE's lanes, 0 for the plan's own (experiments only)" },
  'compare-lanes': {
    default: false,
    help: 'add a phase on a gateway whose FREE lanes equal its concurrency (lanes off)',
  },
  'keep-data': { default: false, help: "keep FerretDB's state folder" },
};

type Flags = FlagValues<typeof FLAGS>;

/** B's steady light workload: cost 3. */
const LIGHT_QUERY = 'query Light { viewer { id } projects(first: 5) { nodes { id name } } }';

/** A's expensive query: 2 + 1 + 9 × (2 + 100 × 1) = 921 points, just inside FREE's 1,000. */
const HEAVY_QUERY = `query Heavy {
  projects(first: 9) {
    totalCount
    nodes { id name tasks(first: 100) { nodes { id title status tags assignee { id } } } }
  }
}`;

/** A's report: 100 points. */
const REPORT_QUERY = `query Report($input: TaskReportInput!) {
  taskReport(input: $input) { dimension total buckets { key count } }
}`;

/** Every request waits at most this long; a slower answer is an error. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Scheduled B requests in flight at most, far above what a healthy gateway needs. */
const B_CONCURRENCY = 64;

/** Closed-loop A workers stop at this many requests per second of phase, whatever happens. */
const CLOSED_LOOP_CAP_PER_SECOND = 5_000;

const PROGRESS_EVERY_MS = 2_000;

const PLANS: readonly PlanName[] = ['FREE', 'TEAM', 'ENTERPRISE'];

const SOLO = 'B solo';
const QUOTAS_ON = 'B + A flood, quotas on';
const LANES_OFF = 'B + A flood, quotas on, lanes off';
const QUOTAS_OFF = 'B + A flood, quotas off';

/** The two tenants and the gateways' shared settings. */
interface Setup {
  mongoUri: string;
  jwtSecret: string;
  tenantA: BenchTenant;
  tenantB: BenchTenant;
  costs: { light: number; heavy: number; report: number };
  databasePid: number;
  /** A PLANS_FILE for the measuring gateways when FREE's numbers are changed, else null. */
  plansFile: string | null;
  /** The same plans with FREE's lanes as wide as its concurrency, for `--compare-lanes`. */
  lanesOffPlansFile: string;
}

/** The worker processes of both tenants. */
interface Workers {
  b: LoadWorker;
  a: LoadWorker[];
}

/** One of the three measured situations. */
interface Phase {
  name: string;
  gateway: BenchGateway;
  withFlood: boolean;
}

/** What one phase measured, over all its rounds. */
interface PhaseResult {
  name: string;
  /** The gateway the phase ran on, for its idle CPU use. */
  gatewayLabel: string;
  b: LoadCounters;
  bLatenciesMs: number[];
  a: LoadCounters | null;
  aLatenciesMs: number[];
  cpu: CpuUse;
  /** Wall time of the phase's rounds. */
  durationMs: number;
}

/** CPU time, in milliseconds, each party used during a round or phase. */
interface CpuUse {
  gateway: number;
  database: number;
  aWorkers: number;
  bWorker: number;
}

/** How long each gateway is watched doing nothing, to know its background CPU use. */
const IDLE_WATCH_MS = 3_000;

/** A pause between rounds, so one round's leftovers (slow queries) do not fall on the next. */
const ROUND_PAUSE_MS = 1_000;

async function main(): Promise<void> {
  const flags = readFlags(USAGE, FLAGS);
  printMachineHeader('Noisy neighbour');

  const setup = await prepare(flags);
  const workers = await startWorkers(flags);
  const onGateway = await startGateway(gatewayOptions(setup, 'quotas-on'));
  const offGateway = await startGateway(gatewayOptions(setup, 'quotas-off', { QUOTAS: 'off' }));
  const lanesOffGateway = flags['compare-lanes']
    ? await startGateway(
        gatewayOptions(setup, 'lanes-off', { PLANS_FILE: setup.lanesOffPlansFile }),
      )
    : null;
  const gateways = [onGateway, offGateway, ...(lanesOffGateway ? [lanesOffGateway] : [])];
  setup.costs = await measureCosts(onGateway, setup);

  await warmUp(flags, workers, setup, gateways);
  const idle = await measureIdleCpu(gateways);
  const results = await runPhases(flags, workers, setup, [
    { name: SOLO, gateway: onGateway, withFlood: false },
    { name: QUOTAS_ON, gateway: onGateway, withFlood: true },
    ...(lanesOffGateway ? [{ name: LANES_OFF, gateway: lanesOffGateway, withFlood: true }] : []),
    { name: QUOTAS_OFF, gateway: offGateway, withFlood: true },
  ]);
  await Promise.all(gateways.map((gateway) => gateway.stop()));

  const profile = await profileFlood(flags, workers, setup);
  await Promise.all([workers.b, ...workers.a].map((worker) => worker.close()));
  printReport(flags, setup, results, idle, profile);
}

/** Starts FerretDB, builds both tenants through a roomy fixture gateway, and puts B on its plan. */
async function prepare(flags: Flags): Promise<Setup> {
  if (!PLANS.includes(flags['b-plan'] as PlanName)) {
    throw new Error(`--b-plan must be one of ${PLANS.join(', ')}, not "${flags['b-plan']}"`);
  }
  const database = await startBenchDatabase('noisy-neighbour', flags['keep-data']);
  const mongoUri = database.uri('tenantgate_bench');
  const jwtSecret = randomBytes(32).toString('hex');
  const fixtureGateway = await startGateway({
    label: 'fixtures',
    mongoUri,
    jwtSecret,
    env: { PLANS_FILE: writeRoomyPlansFile(database.stateDir) },
  });

  progress('building fixtures: tenant A (the flooder) and tenant B (the neighbour)');
  const password = benchPassword();
  const tenantA = await createTenant(fixtureGateway.endpoint, 'Flooder', password);
  const tenantB = await createTenant(fixtureGateway.endpoint, 'Neighbour', password);
  await fillTenant(fixtureGateway, tenantA, flags['a-projects'], flags['a-tasks']);
  await fillTenant(fixtureGateway, tenantB, 5, 3);
  await fixtureGateway.stop();

  await setTenantPlan(mongoUri, tenantB.id, flags['b-plan'] as PlanName);
  progress(`fixtures ready; tenant B is on ${flags['b-plan']}, tenant A on FREE`);
  const costs = { light: 0, heavy: 0, report: 0 };
  const plansFile = freePlansFile(flags, database.stateDir);
  const lanesOffPlansFile = writeFreePlan(database.stateDir, 'free-plan-lanes-off.json', {
    ...freePlanOf(flags),
    lanes: flags['free-concurrency'],
  });
  return {
    mongoUri,
    jwtSecret,
    tenantA,
    tenantB,
    costs,
    databasePid: database.pid,
    plansFile,
    lanesOffPlansFile,
  };
}

/** The contract's plans unless the FREE flags change them, for experiments such as no budget. */
function freePlansFile(flags: Flags, folder: string): string | null {
  const free = freePlanOf(flags);
  const unchanged =
    free.maximumAvailable === 1_000 &&
    free.restoreRate === 50 &&
    free.concurrency === 4 &&
    !('lanes' in free);
  return unchanged ? null : writeFreePlan(folder, 'free-plan.json', free);
}

/** FREE's numbers as the flags set them; lanes only when a flag names them. */
function freePlanOf(flags: Flags): Record<string, number> {
  return {
    maximumAvailable: flags['free-bucket'],
    restoreRate: flags['free-restore-rate'],
    concurrency: flags['free-concurrency'],
    ...(flags['free-lanes'] > 0 ? { lanes: flags['free-lanes'] } : {}),
  };
}

function writeFreePlan(folder: string, name: string, free: Record<string, number>): string {
  const file = path.join(folder, name);
  writeFileSync(file, JSON.stringify({ FREE: free }));
  return file;
}

async function fillTenant(
  gateway: BenchGateway,
  tenant: BenchTenant,
  projects: number,
  tasksPerProject: number,
): Promise<void> {
  const projectIds = await createProjects(gateway.endpoint, tenant.token, projects);
  for (const projectId of projectIds) {
    await createTasks(gateway.endpoint, tenant.token, projectId, tasksPerProject);
  }
}

function gatewayOptions(
  setup: Setup,
  label: string,
  env: Record<string, string> = {},
): GatewayOptions {
  const plans: Record<string, string> = setup.plansFile ? { PLANS_FILE: setup.plansFile } : {};
  // env may name its own PLANS_FILE (the lanes-off gateway), which wins.
  return { label, mongoUri: setup.mongoUri, jwtSecret: setup.jwtSecret, env: { ...plans, ...env } };
}

/** Asks the gateway what each workload costs, so the report states it rather than assumes it. */
async function measureCosts(gateway: BenchGateway, setup: Setup): Promise<Setup['costs']> {
  const costOf = async (query: string, variables: Record<string, unknown>, token: string) => {
    const reply = await postGraphQL(gateway.endpoint, query, variables, { token });
    const cost = reply.extensions.cost as { requestedQueryCost?: number } | undefined;
    return cost?.requestedQueryCost ?? Number.NaN;
  };

  // Tenant A's first heavy query is admitted (its bucket starts full); that is part of the test.
  return {
    light: await costOf(LIGHT_QUERY, {}, setup.tenantB.token),
    heavy: await costOf(HEAVY_QUERY, {}, setup.tenantA.token),
    report: await costOf(REPORT_QUERY, { input: { dimension: 'TAG' } }, setup.tenantA.token),
  };
}

async function startWorkers(flags: Flags): Promise<Workers> {
  const b = await LoadWorker.start('B');
  const a = await Promise.all(
    Array.from({ length: Math.max(1, flags['a-workers']) }, (_, index) =>
      LoadWorker.start(`A${index + 1}`),
    ),
  );
  return { b, a };
}

/** A short unmeasured flood on each gateway, so JIT compilation and connection set-up are done. */
async function warmUp(
  flags: Flags,
  workers: Workers,
  setup: Setup,
  gateways: BenchGateway[],
): Promise<void> {
  const durationMs = flags['warmup-seconds'] * 1_000;
  if (durationMs <= 0) return;

  for (const gateway of gateways) {
    progress(`warming up ${gateway.label} for ${flags['warmup-seconds']} s`);
    await Promise.all([
      workers.b.run(bJob(flags, setup, gateway, durationMs)),
      ...workers.a.map((worker) => worker.run(aJob(flags, setup, gateway, durationMs))),
    ]);
  }
}

/** Runs every phase `rounds` times, in turn, and adds up each phase's rounds. */
async function runPhases(
  flags: Flags,
  workers: Workers,
  setup: Setup,
  phases: Phase[],
): Promise<PhaseResult[]> {
  const rounds = Math.max(1, Math.round(flags.rounds));
  const roundMs = (flags['phase-seconds'] * 1_000) / rounds;
  const results = phases.map((phase) => emptyResult(phase.name, phase.gateway.label));

  for (let round = 1; round <= rounds; round++) {
    for (const [index, phase] of phases.entries()) {
      progress(
        `round ${round}/${rounds}: "${phase.name}" on ${phase.gateway.label}, ${formatNumber(roundMs / 1_000, 1)} s`,
      );
      addRound(results[index], await runRound(workers, setup, flags, phase, roundMs));
      await sleep(ROUND_PAUSE_MS);
    }
  }
  return results;
}

function emptyResult(name: string, gatewayLabel: string): PhaseResult {
  const cpu = { gateway: 0, database: 0, aWorkers: 0, bWorker: 0 };
  return {
    name,
    gatewayLabel,
    b: combineCounters('B', []),
    bLatenciesMs: [],
    a: null,
    aLatenciesMs: [],
    cpu,
    durationMs: 0,
  };
}

/** One round of one phase: B's reports, A's reports, and the gateway's CPU time meanwhile. */
interface Round {
  b: LoadReport;
  a: LoadReport[];
  cpu: CpuUse;
  durationMs: number;
}

async function runRound(
  workers: Workers,
  setup: Setup,
  flags: Flags,
  phase: Phase,
  durationMs: number,
): Promise<Round> {
  const lastA = new Map<string, LoadCounters>();
  const onA = (counters: LoadCounters) => lastA.set(counters.label, counters);
  const onB = (counters: LoadCounters) =>
    progress(progressLine(phase.name, counters, [...lastA.values()]));
  const pids = [
    phase.gateway.pid,
    setup.databasePid,
    workers.b.pid,
    ...workers.a.map((w) => w.pid),
  ];
  const startedAt = performance.now();

  const { result, cpuMs } = await cpuMsDuring(pids, () =>
    Promise.all([
      workers.b.run(bJob(flags, setup, phase.gateway, durationMs), onB),
      ...(phase.withFlood
        ? workers.a.map((worker, index) =>
            worker.run(aJob(flags, setup, phase.gateway, durationMs, `A${index + 1}`), onA),
          )
        : []),
    ]),
  );
  const [b, ...a] = result;
  const [gateway, database, bWorker, ...aWorkers] = cpuMs;
  const cpu = { gateway, database, bWorker, aWorkers: aWorkers.reduce((t, ms) => t + ms, 0) };
  return { b, a, cpu, durationMs: performance.now() - startedAt };
}

function addRound(result: PhaseResult, round: Round): void {
  result.b = combineCounters('B', [result.b, round.b]);
  result.bLatenciesMs.push(...round.b.latenciesMs);
  if (round.a.length > 0) {
    result.a = combineCounters('A', [...(result.a ? [result.a] : []), ...round.a]);
    result.aLatenciesMs.push(...round.a.flatMap((report) => report.latenciesMs));
  }
  result.cpu.gateway += round.cpu.gateway;
  result.cpu.database += round.cpu.database;
  result.cpu.aWorkers += round.cpu.aWorkers;
  result.cpu.bWorker += round.cpu.bWorker;
  result.durationMs += round.durationMs;
}

function progressLine(phase: string, b: LoadCounters, a: LoadCounters[]): string {
  const seconds = formatNumber(b.elapsedMs / 1_000, 0);
  const bLine = `B ${b.completed}/${b.sent} answered (${describeOutcomes(b.outcomes)})`;
  if (a.length === 0) return `  ${phase} +${seconds}s: ${bLine}`;

  const flood = combineCounters('A', a);
  return `  ${phase} +${seconds}s: ${bLine}; A sent ${flood.sent} (${describeOutcomes(flood.outcomes)})`;
}

function bJob(flags: Flags, setup: Setup, gateway: BenchGateway, durationMs: number): LoadJob {
  const rate = Math.max(1, flags['b-rate']);
  return {
    label: 'B',
    endpoint: gateway.endpoint,
    requests: [preparedRequest(LIGHT_QUERY, {}, { token: setup.tenantB.token })],
    ratePerSecond: rate,
    concurrency: B_CONCURRENCY,
    durationMs,
    maxRequests: Math.ceil((rate * durationMs) / 1_000) + 1,
    timeoutMs: REQUEST_TIMEOUT_MS,
    progressEveryMs: PROGRESS_EVERY_MS,
  };
}

function aJob(
  flags: Flags,
  setup: Setup,
  gateway: BenchGateway,
  durationMs: number,
  label = 'A',
): LoadJob {
  const rate = flags['a-rate'] / Math.max(1, flags['a-workers']);
  const seconds = durationMs / 1_000;
  return {
    label,
    endpoint: gateway.endpoint,
    requests: floodRequests(setup.tenantA),
    ratePerSecond: rate,
    concurrency: Math.max(1, flags['a-connections']),
    durationMs,
    maxRequests: Math.ceil((rate > 0 ? rate : CLOSED_LOOP_CAP_PER_SECOND) * seconds) + 1,
    timeoutMs: REQUEST_TIMEOUT_MS,
    progressEveryMs: PROGRESS_EVERY_MS,
  };
}

/** A's mix: heavy query, tag report, heavy query, status report. */
function floodRequests(tenant: BenchTenant): LoadRequest[] {
  const caller = { token: tenant.token };
  const report = (dimension: string) =>
    preparedRequest(REPORT_QUERY, { input: { dimension } }, caller);
  return [
    preparedRequest(HEAVY_QUERY, {}, caller),
    report('TAG'),
    preparedRequest(HEAVY_QUERY, {}, caller),
    report('STATUS'),
  ];
}

/** What the profiled flood showed. */
interface ProfileResult {
  file: string;
  tables: string;
  flood: LoadCounters;
  cpuMsPerRequest: number;
}

/** Floods a fresh quotas-on gateway under `--cpu-prof` with A alone and ranks its functions. */
async function profileFlood(flags: Flags, workers: Workers, setup: Setup): Promise<ProfileResult> {
  const warmupMs = flags['warmup-seconds'] * 1_000;
  const durationMs = flags['profile-seconds'] * 1_000;
  const floodWith = (gateway: BenchGateway, ms: number) =>
    Promise.all(
      workers.a.map((worker, index) =>
        worker.run(aJob(flags, setup, gateway, ms, `A${index + 1}`)),
      ),
    );

  const run = await profileUnderLoad(
    gatewayOptions(setup, 'profiled'),
    async (gateway) => {
      progress(`warming up the profiled gateway for ${flags['warmup-seconds']} s`);
      if (warmupMs > 0) await floodWith(gateway, warmupMs);
      progress(`profiled flood, A only: ${flags['profile-seconds']} s`);
    },
    (gateway) => floodWith(gateway, durationMs),
  );
  progress(`profile written: ${run.file}`);

  const flood = combineCounters('A', run.result);
  return {
    file: run.file,
    tables: run.tables,
    flood,
    cpuMsPerRequest: run.cpuMs / Math.max(1, flood.completed),
  };
}

/** Background CPU use of each gateway while idle, in milliseconds per second. */
type IdleCpu = Map<string, number>;

/** Watches the gateways with no load, all at once, to know what they spend on their own. */
async function measureIdleCpu(gateways: BenchGateway[]): Promise<IdleCpu> {
  progress(`watching ${gateways.length} idle gateways for ${IDLE_WATCH_MS / 1_000} s`);
  const { cpuMs } = await cpuMsDuring(
    gateways.map((gateway) => gateway.pid),
    () => sleep(IDLE_WATCH_MS),
  );
  return new Map(
    gateways.map((gateway, index) => [gateway.label, (cpuMs[index] * 1_000) / IDLE_WATCH_MS]),
  );
}

function printReport(
  flags: Flags,
  setup: Setup,
  results: PhaseResult[],
  idle: IdleCpu,
  profile: ProfileResult,
): void {
  const lines = [
    ...settingsLines(flags, setup, idle),
    '### Results',
    '',
    resultsTable(results),
    '',
    ...verdictLines(results),
    '',
    describeErrors(results),
    "CPU time used during each phase (from /proc; the gateway's idle use subtracted per request):",
    '',
    cpuTable(results, idle),
    '',
    ...profileLines(flags, profile),
    loadAverageLine(),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function settingsLines(flags: Flags, setup: Setup, idle: IdleCpu): string[] {
  const phases =
    flags.rounds > 1
      ? `${flags['phase-seconds']} s each, as ${flags.rounds} interleaved rounds`
      : `${flags['phase-seconds']} s each, one after another`;
  const aRate = flags['a-rate'] > 0 ? `${flags['a-rate']} requests/s` : 'as fast as answered';
  const lanes = flags['free-lanes'] > 0 ? flags['free-lanes'] : 'the plan default';
  const freePlan = `${flags['free-bucket'].toLocaleString('en-US')} points, ${flags['free-restore-rate']}/s, concurrency ${flags['free-concurrency']}, lanes ${lanes}`;
  const changed = setup.plansFile ? ', changed from the built-in plan for this run' : '';
  const offered = offeredPointsPerSecond(flags, setup) / flags['free-restore-rate'];
  const idleText = [...idle.entries()]
    .map(([label, msPerSecond]) => `${label} ${formatNumber(msPerSecond, 1)} ms/s`)
    .join(', ');

  return [
    '### Settings',
    '',
    `- phases: ${phases}, after ${flags['warmup-seconds']} s of warm-up per gateway`,
    `- tenant B (${flags['b-plan']}): \`${LIGHT_QUERY}\` (cost ${setup.costs.light}) at ${flags['b-rate']} requests/s, one process`,
    `- tenant A (FREE: ${freePlan}${changed}): heavy query (cost ${setup.costs.heavy}) and taskReport (cost ${setup.costs.report}) in turn, ${aRate} from ${flags['a-workers']} processes × ${flags['a-connections']} connections; ${flags['a-projects']} projects × ${flags['a-tasks']} tasks`,
    `- A's offered load: about ${Math.round(offered).toLocaleString('en-US')} × its restore rate`,
    `- idle gateways' own CPU use: ${idleText}`,
    '',
  ];
}

function resultsTable(results: PhaseResult[]): string {
  const rows = results.map((result) => {
    const latency = summarise(result.bLatenciesMs);
    const a = result.a;
    return [
      result.name,
      formatNumber(latency.p50),
      formatNumber(latency.p99),
      String(bErrors(result)),
      String(result.b.sent),
      a ? String(a.sent) : '-',
      a ? String(a.outcomes.ok ?? 0) : '-',
      a ? String(throttledOf(a)) : '-',
      a ? String(a.completed - (a.outcomes.ok ?? 0) - throttledOf(a)) : '-',
      a ? formatNumber(summarise(result.aLatenciesMs).p50) : '-',
    ];
  });
  const headers = ['phase', 'B p50 (ms)', 'B p99 (ms)', 'B errors', 'B requests', 'A sent'];
  return markdownTable([...headers, 'A admitted', 'A throttled', 'A other', 'A p50 (ms)'], rows);
}

function verdictLines(results: PhaseResult[]): string[] {
  const latency = (name: string) => summarise(phaseNamed(results, name).bLatenciesMs);
  const solo = latency(SOLO);
  const ratio = latency(QUOTAS_ON).p99 / solo.p99;
  const met = ratio <= 1.2 && bErrors(phaseNamed(results, QUOTAS_ON)) === 0;
  const lanesOff = results.some((result) => result.name === LANES_OFF)
    ? [
        '',
        `p99 under flood with quotas, lanes off / p99 solo: ${formatNumber(latency(LANES_OFF).p99 / solo.p99)}`,
      ]
    : [];
  return [
    `p99 under flood with quotas / p99 solo: **${formatNumber(ratio)}** (target ≤ 1.2 with 0 errors for B: ${met ? 'met' : 'missed'})`,
    ...lanesOff,
    '',
    `p99 under flood without quotas / p99 solo: ${formatNumber(latency(QUOTAS_OFF).p99 / solo.p99)}`,
  ];
}

function phaseNamed(results: PhaseResult[], name: string): PhaseResult {
  const found = results.find((result) => result.name === name);
  if (!found) throw new Error(`no phase named "${name}"`);
  return found;
}

function cpuTable(results: PhaseResult[], idle: IdleCpu): string {
  const rows = results.map((result) => {
    const idleMsPerSecond = idle.get(result.gatewayLabel) ?? 0;
    const requests = result.b.completed + (result.a?.completed ?? 0);
    const netMs = result.cpu.gateway - (idleMsPerSecond * result.durationMs) / 1_000;
    return [
      result.name,
      formatNumber(result.durationMs / 1_000, 1),
      formatNumber(result.cpu.gateway / 1_000),
      formatNumber(netMs / Math.max(1, requests), 3),
      formatNumber(result.cpu.database / 1_000),
      formatNumber(result.cpu.aWorkers / 1_000),
      formatNumber(result.cpu.bWorker / 1_000),
    ];
  });
  return markdownTable(
    [
      'phase',
      'wall s',
      'gateway CPU s',
      'gateway ms / request',
      'FerretDB CPU s',
      'A workers CPU s',
      'B worker CPU s',
    ],
    rows,
  );
}

function profileLines(flags: Flags, profile: ProfileResult): string[] {
  const { flood } = profile;
  return [
    '### Where the gateway spends its time refusing A',
    '',
    `A alone for ${flags['profile-seconds']} s against a fresh quotas-on gateway under \`--cpu-prof\`: A sent ${flood.sent} (${describeOutcomes(flood.outcomes)}; ${flood.skipped} sends skipped with every connection busy); gateway CPU ${formatNumber(profile.cpuMsPerRequest, 3)} ms per request. Profile: \`${profile.file}\`.`,
    '',
    profile.tables,
    '',
  ];
}

function bErrors(result: PhaseResult): number {
  return result.b.sent - (result.b.outcomes.ok ?? 0) + result.b.skipped;
}

function throttledOf(counters: LoadCounters): number {
  return (counters.outcomes.THROTTLED ?? 0) + (counters.outcomes.CONCURRENCY_LIMITED ?? 0);
}

function offeredPointsPerSecond(flags: Flags, setup: Setup): number {
  const averageCost = (setup.costs.heavy + setup.costs.report) / 2;
  return flags['a-rate'] * averageCost;
}

function describeErrors(results: PhaseResult[]): string {
  const lines = results
    .filter((result) => bErrors(result) > 0)
    .map(
      (result) =>
        `- ${result.name}: B outcomes ${describeOutcomes(result.b.outcomes)}; skipped sends ${result.b.skipped}`,
    );
  return lines.length > 0 ? `B's errors:\n\n${lines.join('\n')}\n\n` : '';
}

runBench(main);
