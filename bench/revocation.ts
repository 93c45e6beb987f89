/**
 * Revocation propagation: how long after `logout` answers on replica A does replica B refuse the
 * token? Two pairs of replicas run side by side, each pair on a database of its own: one with
 * Redis (revocations broadcast by pub/sub, and polled), one without REDIS_URL (polling the
 * master every 0.4 s only). The pairs take turns, one revocation each, so whatever else the
 * machine does falls on both alike.
 *
 * For each revocation: log in on A for a fresh token, check that B accepts it, call `logout` on
 * A, then poll B with `{ __typename }` (no database work) until it answers 401. The time is taken
 * from A's answer to B's first 401, so it includes one poll's round trip.
 *
 *   node dist/bench/revocation.js [--revocations 200] [--poll-interval-ms 2] [--help]
 */
import { randomBytes } from 'node:crypto';

import { runBench } from './support/cleanup.js';
import { startBenchDatabase } from './support/ferretdb.js';
import { benchPassword, createTenant } from './support/fixtures.js';
import { readFlags, type FlagValues } from './support/flags.js';
import { startGateway, type BenchGateway } from './support/gateway.js';
import { dataOf, postGraphQL, randomClientAddress } from './support/graphql-client.js';
import { loadAverageLine, printMachineHeader, progress } from './support/machine.js';
import { markdownTable } from './support/markdown.js';
import { writeRoomyPlansFile } from './support/plans.js';
import { sleep } from './support/processes.js';
import { startBenchRedis } from './support/redis.js';
import { formatNumber, percentile } from './support/stats.js';

const USAGE = 'usage: node dist/bench/revocation.js [flags]';

const FLAGS = {
  revocations: { default: 200, help: 'revocations measured per mode' },
  'poll-interval-ms': { default: 2, help: 'pause between two polls of replica B, in ms' },
  'limit-ms': { default: 5_000, help: 'a token B still accepts after this long counts as missed' },
  'keep-data': { default: false, help: "keep FerretDB's state folder" },
};

type Flags = FlagValues<typeof FLAGS>;

const PROGRESS_EVERY = 20;

const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { token } }`;
const LOGOUT = 'mutation Logout { logout }';
/** Answered from the token check and the schema alone: no database, no Redis. */
const PROBE = 'query Probe { __typename }';

/** One pair of replicas on one database, and how revocations reach B. */
interface Mode {
  name: string;
  a: BenchGateway;
  b: BenchGateway;
  ownerEmail: string;
  password: string;
  latenciesMs: number[];
  /** Polls of B per revocation, and the time each took. */
  polls: number[];
  pollRoundTripsMs: number[];
  missed: number;
}

async function main(): Promise<void> {
  const flags = readFlags(USAGE, FLAGS);
  printMachineHeader('Revocation propagation');

  const database = await startBenchDatabase('revocation', flags['keep-data']);
  const redis = await startBenchRedis();
  const jwtSecret = randomBytes(32).toString('hex');
  const env = {
    PLANS_FILE: writeRoomyPlansFile(database.stateDir),
    // Logins only hand out tokens here; a cheaper hash shortens the run and changes no figure.
    SCRYPT_COST_LOG2: '14',
  };
  const pubsub = await startMode('Redis pub/sub + polling', database.uri('tg_bench_pubsub'), {
    jwtSecret,
    env: { ...env, REDIS_URL: redis.url, REPLICAS: '2' },
  });
  const polling = await startMode('polling only (no REDIS_URL)', database.uri('tg_bench_poll'), {
    jwtSecret,
    env,
  });
  const modes = [pubsub, polling];

  progress(
    `measuring ${flags.revocations} revocations per mode, the modes taking turns; B is polled every ${flags['poll-interval-ms']} ms`,
  );
  for (let round = 0; round < flags.revocations; round++) {
    const order = round % 2 === 0 ? modes : [...modes].reverse();
    for (const mode of order) await measureOne(flags, mode);
    if ((round + 1) % PROGRESS_EVERY === 0) reportProgress(round + 1, flags, modes);
  }

  printReport(flags, modes);
}

async function startMode(
  name: string,
  mongoUri: string,
  options: { jwtSecret: string; env: Record<string, string> },
): Promise<Mode> {
  const a = await startGateway({ label: `${name} A`, mongoUri, ...options });
  const b = await startGateway({ label: `${name} B`, mongoUri, ...options });
  const password = benchPassword();
  const owner = await createTenant(a.endpoint, 'Revocation', password);
  return {
    name,
    a,
    b,
    ownerEmail: owner.ownerEmail,
    password,
    latenciesMs: [],
    polls: [],
    pollRoundTripsMs: [],
    missed: 0,
  };
}

/** One revocation: a fresh token, accepted by B, logged out on A, then B polled until 401. */
async function measureOne(flags: Flags, mode: Mode): Promise<void> {
  const token = await logIn(mode);
  const accepted = await postGraphQL(mode.b.endpoint, PROBE, {}, { token });
  if (accepted.status !== 200) throw new Error(`B refused a fresh token: HTTP ${accepted.status}`);

  const logout = await postGraphQL(mode.a.endpoint, LOGOUT, {}, { token });
  const answeredAt = performance.now();
  if (dataOf(logout, 'logout').logout !== true) throw new Error('logout did not answer true');

  let polls = 0;
  while (performance.now() - answeredAt < flags['limit-ms']) {
    const sentAt = performance.now();
    const reply = await postGraphQL(mode.b.endpoint, PROBE, {}, { token });
    const receivedAt = performance.now();
    polls += 1;
    mode.pollRoundTripsMs.push(receivedAt - sentAt);
    if (reply.status === 401) {
      mode.latenciesMs.push(receivedAt - answeredAt);
      mode.polls.push(polls);
      return;
    }
    if (reply.status !== 200) throw new Error(`B answered a poll with HTTP ${reply.status}`);
    await sleep(flags['poll-interval-ms']);
  }
  mode.missed += 1;
}

async function logIn(mode: Mode): Promise<string> {
  const reply = await postGraphQL<{ login: { token: string } }>(
    mode.a.endpoint,
    LOGIN,
    { input: { email: mode.ownerEmail, password: mode.password } },
    { address: randomClientAddress() },
  );
  return dataOf(reply, 'login').login.token;
}

function reportProgress(done: number, flags: Flags, modes: Mode[]): void {
  const medians = modes.map(
    (mode) => `${mode.name}: p50 ${formatNumber(percentileOf(mode.latenciesMs, 50), 1)} ms`,
  );
  progress(`${done}/${flags.revocations} per mode; ${medians.join('; ')}`);
}

function percentileOf(values: readonly number[], p: number): number {
  return percentile(
    [...values].sort((x, y) => x - y),
    p,
  );
}

function mean(values: readonly number[]): number {
  return values.length === 0
    ? Number.NaN
    : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function printReport(flags: Flags, modes: Mode[]): void {
  const rows = modes.map((mode) => [
    mode.name,
    String(mode.latenciesMs.length),
    formatNumber(percentileOf(mode.latenciesMs, 50), 1),
    formatNumber(percentileOf(mode.latenciesMs, 95), 1),
    formatNumber(percentileOf(mode.latenciesMs, 99), 1),
    formatNumber(Math.max(...mode.latenciesMs), 1),
    formatNumber(mean(mode.polls), 1),
    formatNumber(mean(mode.pollRoundTripsMs), 2),
    String(mode.missed),
  ]);

  const lines = [
    '### Settings',
    '',
    `- ${flags.revocations} revocations per mode, the modes taking turns; each pair of replicas on a database of its own, one FerretDB (SQLite handler)`,
    `- time from A's \`logout\` answer to B's first 401; B polled with \`{ __typename }\` every ${flags['poll-interval-ms']} ms after the previous answer (so a figure includes one poll round trip)`,
    `- revocation poll of the master: every 400 ms on every replica, in both modes`,
    '',
    '### Results',
    '',
    markdownTable(
      [
        'mode',
        'revocations',
        'p50 (ms)',
        'p95 (ms)',
        'p99 (ms)',
        'max (ms)',
        'polls of B (mean)',
        'poll round trip (ms, mean)',
        `still accepted after ${flags['limit-ms']} ms`,
      ],
      rows,
    ),
    '',
    loadAverageLine(),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

runBench(main);
