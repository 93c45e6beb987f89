/**
 * Login timing: a `login` with an unknown email must take as long as one with a known email and
 * a wrong password (the gateway hashes against a decoy for unknown emails), or response times
 * tell an attacker which emails have accounts.
 *
 * Attempts go one at a time, the two cases alternating (and swapping which goes first every
 * pair), each from its own X-Forwarded-For address so per-address limits never bite, and the
 * known-email attempts spread over enough members that none reaches its failure limit.
 *
 *   node dist/bench/login-timing.js [--attempts 100] [--help]
 */
import { randomBytes } from 'node:crypto';

import { runBench } from './support/cleanup.js';
import { startBenchDatabase } from './support/ferretdb.js';
import { addMembers, benchPassword, createTenant, uniqueEmail } from './support/fixtures.js';
import { readFlags, type FlagValues } from './support/flags.js';
import { startGateway, type BenchGateway } from './support/gateway.js';
import { dataOf, postGraphQL, randomClientAddress } from './support/graphql-client.js';
import { loadAverageLine, printMachineHeader, progress } from './support/machine.js';
import { markdownTable } from './support/markdown.js';
import { writeRoomyPlansFile } from './support/plans.js';
import { formatNumber, medianDifferenceInterval, summarise } from './support/stats.js';

const USAGE = 'usage: node dist/bench/login-timing.js [flags]';

const FLAGS = {
  attempts: { default: 100, help: 'measured attempts per case' },
  warmup: { default: 5, help: 'unmeasured attempts per case first' },
  'keep-data': { default: false, help: "keep FerretDB's state folder" },
};

type Flags = FlagValues<typeof FLAGS>;

/** The contract allows 10 failed logins per email per 15 minutes; stay well below. */
const FAILURES_PER_MEMBER = 5;

const LOGIN = `mutation Login($input: LoginInput!) {
  login(input: $input) { token member { id } }
}`;

/** The two kinds of failed login being compared. */
type LoginCase = 'unknown email' | 'known email, wrong password';

const CASES: readonly LoginCase[] = ['unknown email', 'known email, wrong password'];

/** One timed attempt. */
interface Attempt {
  loginCase: LoginCase;
  latencyMs: number;
  /** The error code answered; UNAUTHENTICATED is the only expected one. */
  outcome: string;
}

/** The emails a run logs in with. */
interface Accounts {
  ownerEmail: string;
  memberEmails: string[];
  password: string;
}

async function main(): Promise<void> {
  const flags = readFlags(USAGE, FLAGS);
  printMachineHeader('Login timing');

  const database = await startBenchDatabase('login-timing', flags['keep-data']);
  const base = {
    mongoUri: database.uri('tenantgate_bench'),
    jwtSecret: randomBytes(32).toString('hex'),
  };
  const accounts = await buildAccounts(flags, {
    ...base,
    label: 'fixtures',
    env: { PLANS_FILE: writeRoomyPlansFile(database.stateDir) },
  });

  // The contract's own plans and limits, and the default scrypt cost, as in production.
  const gateway = await startGateway({ ...base, label: 'login' });
  await checkRightPasswordWorks(gateway, accounts);

  progress(`warming up: ${flags.warmup} attempts per case`);
  await attemptPairs(gateway, accounts, flags.warmup, 0);
  progress(`measuring: ${flags.attempts} attempts per case, one at a time`);
  const attempts = await attemptPairs(gateway, accounts, flags.attempts, flags.warmup);

  printReport(flags, attempts);
}

/** Creates the tenant and enough members through a roomy fixture gateway, then stops it. */
async function buildAccounts(
  flags: Flags,
  options: Parameters<typeof startGateway>[0],
): Promise<Accounts> {
  const gateway = await startGateway(options);
  const password = benchPassword();
  const memberCount = Math.ceil((flags.attempts + flags.warmup) / FAILURES_PER_MEMBER);
  progress(`creating a tenant and ${memberCount} members (each password hash takes a while)`);

  const owner = await createTenant(gateway.endpoint, 'Login timing', password);
  const memberEmails = await addMembers(gateway.endpoint, owner, memberCount, password);
  await gateway.stop();
  return { ownerEmail: owner.ownerEmail, memberEmails, password };
}

/** A right password must log in, or the wrong-password case would not be what it claims. */
async function checkRightPasswordWorks(gateway: BenchGateway, accounts: Accounts): Promise<void> {
  const reply = await postGraphQL(
    gateway.endpoint,
    LOGIN,
    { input: { email: accounts.ownerEmail, password: accounts.password } },
    { address: randomClientAddress() },
  );
  dataOf(reply, 'login with the right password');
}

/**
 * `count` attempts of each case, alternating; pair n starts with the unknown email when n is
 * even, so neither case always follows the other. `offset` moves on the member rotation.
 */
async function attemptPairs(
  gateway: BenchGateway,
  accounts: Accounts,
  count: number,
  offset: number,
): Promise<Attempt[]> {
  const attempts: Attempt[] = [];

  for (let pair = 0; pair < count; pair++) {
    const order = pair % 2 === 0 ? CASES : [...CASES].reverse();
    for (const loginCase of order) {
      const email =
        loginCase === 'unknown email'
          ? uniqueEmail('nobody')
          : accounts.memberEmails[(offset + pair) % accounts.memberEmails.length];
      attempts.push(await attemptLogin(gateway, loginCase, email));
    }
  }
  return attempts;
}

async function attemptLogin(
  gateway: BenchGateway,
  loginCase: LoginCase,
  email: string,
): Promise<Attempt> {
  const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
  const startedAt = performance.now();
  const reply = await postGraphQL(
    gateway.endpoint,
    LOGIN,
    { input: { email, password: wrongPassword } },
    { address: randomClientAddress() },
  );
  const latencyMs = performance.now() - startedAt;

  const code = reply.errors[0]?.extensions?.code;
  return { loginCase, latencyMs, outcome: code === undefined ? 'no error' : String(code) };
}

function printReport(flags: Flags, attempts: Attempt[]): void {
  const byCase = new Map(
    CASES.map((loginCase) => [loginCase, attempts.filter((a) => a.loginCase === loginCase)]),
  );
  const summaries = new Map(
    CASES.map((loginCase) => [
      loginCase,
      summarise(byCase.get(loginCase)!.map((a) => a.latencyMs)),
    ]),
  );

  const rows = CASES.map((loginCase) => {
    const summary = summaries.get(loginCase)!;
    const unexpected = byCase.get(loginCase)!.filter((a) => a.outcome !== 'UNAUTHENTICATED');
    return [
      loginCase,
      String(summary.count),
      formatNumber(summary.p50),
      formatNumber(summary.p90),
      formatNumber(summary.p99),
      formatNumber(summary.mean),
      unexpected.length === 0
        ? '0'
        : `${unexpected.length} (${[...new Set(unexpected.map((a) => a.outcome))].join(', ')})`,
    ];
  });

  const unknown = summaries.get('unknown email')!;
  const known = summaries.get('known email, wrong password')!;
  const latencies = (loginCase: LoginCase) => byCase.get(loginCase)!.map((a) => a.latencyMs);
  const interval = medianDifferenceInterval(
    latencies('unknown email'),
    latencies('known email, wrong password'),
  );
  const lines = [
    '### Settings',
    '',
    `- ${flags.attempts} attempts per case after ${flags.warmup} unmeasured, alternating, one at a time, each from its own address`,
    `- known emails: members of one tenant, at most ${FAILURES_PER_MEMBER} failures each; built-in plans and the default scrypt cost`,
    '',
    '### Results',
    '',
    markdownTable(
      [
        'case',
        'attempts',
        'median (ms)',
        'p90 (ms)',
        'p99 (ms)',
        'mean (ms)',
        'not UNAUTHENTICATED',
      ],
      rows,
    ),
    '',
    `unknown / known, medians: **${formatNumber(unknown.p50 / known.p50, 3)}** (target: 1.00, i.e. the same time); p99: ${formatNumber(unknown.p99 / known.p99, 3)}; difference of medians: ${formatNumber(unknown.p50 - known.p50)} ms (95 % bootstrap interval ${formatNumber(interval.low)} to ${formatNumber(interval.high)} ms; one that holds 0 cannot tell the cases apart)`,
    '',
    loadAverageLine(),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

runBench(main);
