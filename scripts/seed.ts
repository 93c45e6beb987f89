/**
 * Fills a running tenantgate with a realistic data set through its public GraphQL API (never
 * the database): organizations with members of mixed roles, projects, and many tasks each.
 *
 *   node dist/scripts/seed.js [--url URL] [--organizations N] [--tasks N] [--concurrency N]
 *                             [--seed TEXT] [--batch N] [--accounts FILE]
 *
 * Everything drawn at random comes from a generator seeded by `--seed`, so two runs with one seed
 * create the same data; only the run suffix on names and emails differs, so runs never collide,
 * and due dates count from the day of the run.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

import {
  CreateOrganizationDocument,
  LoginDocument,
  type Role,
  type SessionFieldsFragment,
  type TaskStatus,
} from '../client/index.js';
import {
  request,
  sleep,
  type AttemptGate,
  type CostExtension,
  type RequestCounters,
  type RequestOptions,
  type RetryNotice,
} from './graphql-client.js';

const PROJECTS_PER_ORGANIZATION = 10;

/** The gateway allows 30 aliases per document, and a batch uses one per creation. */
const MAX_BATCH = 30;

/** A FREE organization may have 4 operations in flight. */
const MAX_LANES = 4;

/**
 * Anonymous callers (sign-ups) get FREE's numbers per client address, 4 in flight among them;
 * more would only be answered CONCURRENCY_LIMITED.
 */
const ANONYMOUS_CONCURRENCY = 4;

/** Quota waits longer than this are worth a line of their own on stderr. */
const LONG_WAIT_MS = 5_000;

const PROGRESS_INTERVAL_MS = 3_000;

/** A fresh token well before the old one runs out, for runs longer than JWT_TTL. */
const TOKEN_MARGIN_MS = 60_000;

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Options

/** What one seed run does, from flags, then environment, then defaults. */
interface SeedOptions {
  url: string;
  organizations: number;
  tasksPerOrganization: number;
  concurrency: number;
  seed: string;
  batchSize: number;
  accountsFile: string;
  password: string;
  runSuffix: string;
}

const USAGE = `usage: node dist/scripts/seed.js [options]
  --url URL            gateway root (TENANTGATE_URL, default http://127.0.0.1:4000)
  --organizations N    organizations to create (SEED_ORGANIZATIONS, default 25)
  --tasks N            tasks per organization (SEED_TASKS, default 2000)
  --concurrency N      requests in flight overall (SEED_CONCURRENCY, default 16)
  --seed TEXT          seed of the pseudo-random data (SEED_SEED, default tenantgate)
  --batch N            creations per request, 1 to ${MAX_BATCH} (SEED_BATCH, default 1);
                       more is faster, but a FREE operation has 2 s of database time
  --accounts FILE      where to write the accounts (default .data/seed-accounts.json)
  Every account gets one password: SEED_PASSWORD, or a random one written to the accounts file.
  With TENANTGATE_OPERATOR_KEY (the gateway's OPERATOR_API_KEY) requests are neither charged nor
  rate limited: the fastest way to fill a local gateway.`;

/** Reads the options; exits with the usage text on a bad or unknown flag. */
function readOptions(argv: string[], env: NodeJS.ProcessEnv): SeedOptions {
  const { values } = parseFlags(argv);
  if (values.help) exitWithUsage(0);

  return {
    url: values.url ?? env.TENANTGATE_URL ?? 'http://127.0.0.1:4000',
    organizations: wholeNumber('organizations', values.organizations ?? env.SEED_ORGANIZATIONS, {
      fallback: 25,
      max: 1_000,
    }),
    tasksPerOrganization: wholeNumber('tasks', values.tasks ?? env.SEED_TASKS, {
      fallback: 2_000,
      min: 0,
      max: 1_000_000,
    }),
    concurrency: wholeNumber('concurrency', values.concurrency ?? env.SEED_CONCURRENCY, {
      fallback: 16,
      max: 256,
    }),
    seed: values.seed ?? env.SEED_SEED ?? 'tenantgate',
    batchSize: wholeNumber('batch', values.batch ?? env.SEED_BATCH, {
      fallback: 1,
      max: MAX_BATCH,
    }),
    accountsFile: path.resolve(values.accounts ?? '.data/seed-accounts.json'),
    password: env.SEED_PASSWORD || `seed-${randomBytes(9).toString('base64url')}`,
    // Not from the seeded generator: it exists to make every run's names unique.
    runSuffix: randomBytes(2).toString('hex').toUpperCase(),
  };
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        organizations: { type: 'string' },
        tasks: { type: 'string' },
        concurrency: { type: 'string' },
        seed: { type: 'string' },
        batch: { type: 'string' },
        accounts: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitWithUsage(2);
  }
}

interface NumberRule {
  fallback: number;
  min?: number;
  max: number;
}

function wholeNumber(name: string, text: string | undefined, rule: NumberRule): number {
  if (text === undefined || text === '') return rule.fallback;

  const value = Number(text);
  const min = rule.min ?? 1;
  if (!Number.isInteger(value) || value < min || value > rule.max) {
    const range = `a whole number from ${min} to ${rule.max}`;
    process.stderr.write(`seed: --${name} must be ${range}, not "${text}"\n`);
    exitWithUsage(2);
  }
  return value;
}

function exitWithUsage(code: number): never {
  (code === 0 ? process.stdout : process.stderr).write(`${USAGE}\n`);
  process.exit(code);
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** A small deterministic generator (xorshift32 over a hashed seed text), enough for demo data. */
class Random {
  private state: number;

  constructor(seed: string) {
    this.state = hashText(seed) || 0x6d2b79f5; // xorshift never leaves an all-zero state
  }

  /** A float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `count` distinct items in random order (a partial Fisher–Yates shuffle of a copy). */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const taken = Math.min(count, pool.length);
    for (let i = 0; i < taken; i += 1) {
      const j = i + Math.floor(this.next() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
    }
    return pool.slice(0, taken);
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let point = this.next() * total;
    for (const [value, weight] of entries) {
      point -= weight;
      if (point < 0) return value;
    }
    return (entries[entries.length - 1] as readonly [T, number])[0];
  }
}

/** FNV-1a, 32 bits: turns any seed text into a generator state. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.codePointAt(0) as number;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const COMPANY_WORDS = [
  'Northwind', 'Bluefin', 'Cedarline', 'Harborview', 'Summitry', 'Ironbridge', 'Lumen', 'Quarry',
  'Meridian', 'Brightwater', 'Foxglove', 'Granite Peak', 'Juniper', 'Kestrel', 'Larkspur',
  'Maplestone', 'Oakridge', 'Pinecrest', 'Redwood', 'Silverline', 'Tidewater', 'Copperleaf',
  'Driftwood', 'Evergreen', 'Fairview', 'Goldcrest', 'Highland', 'Windmill', 'Stonegate',
  'Aurora', 'Beacon', 'Cobalt', 'Halcyon', 'Orchard', 'Riverbend', 'Westbrook',
];

const COMPANY_KINDS = [
  'Logistics', 'Analytics', 'Health', 'Robotics', 'Software', 'Labs', 'Foods', 'Energy',
  'Studios', 'Financial', 'Systems', 'Outfitters', 'Biotech', 'Media', '& Partners', '& Sons',
  'Freight', 'Security', 'Insurance', 'Learning',
];

const FIRST_NAMES = [
  'Olivia', 'Liam', 'Amara', 'Noah', 'Sofia', 'Mateo', 'Priya', 'Lucas', 'Hana', 'Ethan', 'Zara',
  'Omar', 'Chloe', 'Daniel', 'Ingrid', 'Kwame', 'Leila', 'Marco', 'Nadia', 'Pablo', 'Rosa',
  'Samuel', 'Tessa', 'Viktor', 'Yuki', 'Aisha', 'Bruno', 'Clara', 'Diego', 'Elena', 'Felix',
  'Grace', 'Hugo', 'Isabel', 'Jonas', 'Keiko', 'Luca', 'Maya', 'Nikolai', 'Ava',
];

const LAST_NAMES = [
  'Hart', 'Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Silva', 'Novak', 'Reyes', 'Khan', 'Fischer',
  'Byrne', 'Costa', 'Duarte', 'Eriksen', 'Garcia', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski',
  'Larsen', 'Mensah', 'Nakamura', 'Ortiz', 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Thompson',
  'Umar', 'Varga', 'Walsh', 'Xu', 'Yilmaz', 'Zimmerman', 'Abbott', 'Brennan', 'Chen', 'Dlamini',
];

const PROJECTS: readonly (readonly [string, string | null])[] = [
  ['Website Redesign', 'Move the marketing site to the new brand; cut checkout to two steps.'],
  ['Mobile App 2.0', 'Offline mode, a new navigation bar and push notifications for both stores.'],
  ['Billing Migration', 'Retire the legacy invoicing service; move every plan to usage billing.'],
  ['Customer Onboarding', 'Guided setup, sample data and a welcome series for new accounts.'],
  ['Data Warehouse', 'Nightly loads from production into the warehouse, with dashboards on top.'],
  ['Security Audit', 'Close the findings of the external penetration test before the renewal.'],
  ['Support Portal', 'Self-service help center with search, ticket history and status updates.'],
  ['Partner API', 'A documented, versioned API for resellers, with keys and usage limits.'],
  ['Internal Tools', null],
  ['Hiring Pipeline', 'Job posts, interview loops and offer templates for the next hiring wave.'],
  ['Office Move', 'Everything needed to be working from the new office on day one.'],
  ['Analytics Dashboard', 'Self-serve reports for account managers instead of the weekly sheet.'],
  ['Localization', 'Ship the product in German, French and Japanese.'],
  ['Performance Sprint', 'Bring the p95 page load under one second on the slowest pages.'],
  ['Design System', 'One component library for web and mobile, with tokens and documentation.'],
  ['SOC 2 Readiness', 'Policies, evidence collection and controls for the type II audit.'],
  ['Search Revamp', null],
  ['Notifications Service', 'One service for email, push and in-app messages, with preferences.'],
  ['Inventory Sync', 'Two-way stock sync with the three largest marketplaces.'],
  ['Release Automation', 'One-click releases: changelog, tagging, canary and rollback.'],
  ['Accessibility Review', 'Meet WCAG 2.2 AA on every customer-facing screen.'],
  ['Pricing Experiments', 'Test annual discounts and a cheaper starter plan on new sign-ups.'],
  ['Documentation Overhaul', 'Rewrite the getting-started guide; fill the API reference gaps.'],
  ['Payments Reliability', 'Retries, idempotency keys and alerting for every payment provider.'],
  ['CRM Integration', 'Sync accounts, contacts and deals with the sales team\'s CRM.'],
  ['Infrastructure Upgrade', 'Move the remaining services to the managed Kubernetes cluster.'],
  ['Customer Feedback Loop', null],
  ['Spring Launch Campaign', 'Landing pages, email sequences and a webinar for the release.'],
  ['Warehouse Scanner App', 'A handheld app for receiving, picking and cycle counts.'],
  ['Expense Reporting', 'Receipt capture, approval flows and export to accounting.'],
];

interface TaskTheme {
  verbs: readonly string[];
  objects: readonly string[];
  tag: string;
}

const TASK_THEMES: readonly TaskTheme[] = [
  {
    verbs: ['Fix', 'Investigate', 'Reproduce'],
    objects: [
      'login redirect loop', 'timezone offset in due dates', 'CSV export timing out on large files',
      'duplicate notification emails', 'slow dashboard load', 'crash when uploading HEIC images',
      'stale cache after deploy', 'currency rounding on invoices',
      'missing translations in settings',
      'flaky checkout test', 'broken password reset link', 'memory leak in the sync worker',
    ],
    tag: 'bug',
  },
  {
    verbs: ['Add', 'Build', 'Design', 'Prototype'],
    objects: [
      'bulk edit for tasks', 'dark mode', 'SSO with Okta', 'two-factor authentication',
      'CSV import',
      'saved filters', 'audit log view', 'Slack integration', 'usage-based billing',
      'in-app onboarding tour', 'keyboard shortcuts', 'webhook retries',
    ],
    tag: 'feature',
  },
  {
    verbs: ['Upgrade', 'Migrate', 'Clean up', 'Refactor'],
    objects: [
      'Node.js runtime to 20', 'payment webhook handler', 'staging database',
      'legacy pricing tables',
      'feature flag configuration', 'error tracking setup', 'CI pipeline caching',
      'user settings module', 'API client library', 'Terraform modules', 'logging format',
    ],
    tag: 'tech-debt',
  },
  {
    verbs: ['Write', 'Review', 'Draft', 'Prepare'],
    objects: [
      'release notes', 'API pagination guide', 'onboarding checklist for new hires',
      'incident postmortem', 'Q3 roadmap', 'security questionnaire answers',
      'customer interview notes', 'pricing page copy', 'support macros', 'on-call runbook',
    ],
    tag: 'docs',
  },
];

const TASK_QUALIFIERS = [
  'for enterprise accounts', 'on Android', 'on Safari', 'before the launch', 'in the admin panel',
  'for the EU region', '(follow-up)', 'for the mobile app', '- phase 2', 'for the Q3 review',
];

const TAGS = [
  'frontend', 'backend', 'mobile', 'api', 'security', 'performance', 'ux', 'design', 'billing',
  'analytics', 'customer-request', 'urgent', 'blocked', 'good-first-issue', 'qa', 'infra',
];

const TASK_DESCRIPTIONS = [
  'Reported through support; the ticket has steps to reproduce and a screen recording.',
  'Spotted during the last release review. Check whether the mobile app is affected too.',
  'Needed before the next customer demo. Keep the scope small and ship it behind a flag.',
  'Follow-up from the weekly planning meeting; the notes are in the shared drive.',
  'Low risk, but it touches billing code: ask for a second review.',
  'Done when the change is covered by tests and mentioned in the changelog.',
  'Waiting on the design review before anyone starts.',
  'Estimate: two to three days including review.',
];

// ---------------------------------------------------------------------------------------------
// The planned data set

interface PersonPlan {
  email: string;
  role: Role;
}

interface ProjectPlan {
  name: string;
  description: string | null;
}

interface TaskPlan {
  projectIndex: number;
  title: string;
  description: string | null;
  status: TaskStatus;
  tags: string[];
  dueAt: string | null;
  /** Index into the organization's people (owner first); null leaves the task unassigned. */
  assigneeIndex: number | null;
}

interface OrganizationPlan {
  /** Position in the run, which also orders the accounts file. */
  index: number;
  name: string;
  people: PersonPlan[];
  projects: ProjectPlan[];
  tasks: TaskPlan[];
}

/** Plans every organization up front, each from its own generator, so timing never changes data. */
function planOrganizations(options: SeedOptions, dueAnchorMs: number): OrganizationPlan[] {
  const names = companyNames(new Random(`${options.seed}:names`), options.organizations);

  return names.map((company, index) => {
    const random = new Random(`${options.seed}:organization:${index}`);
    const name = `${company} ${options.runSuffix}`;
    const people = planPeople(random, emailDomainOf(name));
    const projects = random
      .sample(PROJECTS, PROJECTS_PER_ORGANIZATION)
      .map(([projectName, text]) => ({ name: projectName, description: text }));
    // Some projects are busier than others, as in any real organization.
    const projectWeights = projects.map((_, at) => [at, random.int(1, 4)] as const);
    const tasks = Array.from({ length: options.tasksPerOrganization }, () =>
      planTask(random, projectWeights, people.length, dueAnchorMs),
    );
    return { index, name, people, projects, tasks };
  });
}

/** Distinct company names; leading words stay distinct while the word list lasts. */
function companyNames(random: Random, count: number): string[] {
  const leading = random.sample(COMPANY_WORDS, COMPANY_WORDS.length);
  const names = new Set<string>();

  for (let index = 0; names.size < count; index += 1) {
    const base = `${leading[index % leading.length]} ${random.pick(COMPANY_KINDS)}`;
    const name = names.has(base) ? `${base} ${Math.floor(index / leading.length) + 1}` : base;
    names.add(name);
  }
  return [...names];
}

/** 3 to 8 people: the OWNER first, at least one ADMIN, the rest mostly MEMBERs. */
function planPeople(random: Random, domain: string): PersonPlan[] {
  const count = random.int(3, 8);
  const firstNames = random.sample(FIRST_NAMES, count);
  const lastNames = random.sample(LAST_NAMES, count);

  return firstNames.map((first, index) => {
    const admin = index === 1 || random.chance(0.25);
    const role: Role = index === 0 ? 'OWNER' : admin ? 'ADMIN' : 'MEMBER';
    const email = `${first}.${lastNames[index]}@${domain}`.toLowerCase();
    return { email, role };
  });
}

function planTask(
  random: Random,
  projectWeights: readonly (readonly [number, number])[],
  peopleCount: number,
  dueAnchorMs: number,
): TaskPlan {
  const theme = random.pick(TASK_THEMES);
  const qualifier = random.chance(0.3) ? ` ${random.pick(TASK_QUALIFIERS)}` : '';
  const dueAt = random.chance(0.25) ? null : dueDate(random, dueAnchorMs);

  return {
    projectIndex: random.weighted(projectWeights),
    title: `${random.pick(theme.verbs)} ${random.pick(theme.objects)}${qualifier}`,
    description: random.chance(0.5) ? random.pick(TASK_DESCRIPTIONS) : null,
    status: statusFor(random, dueAt, dueAnchorMs),
    tags: tagsFor(random, theme),
    dueAt: dueAt === null ? null : new Date(dueAt).toISOString(),
    assigneeIndex: random.chance(0.15) ? null : random.int(0, peopleCount - 1),
  };
}

/** From 60 days ago to 120 days ahead, at 17:00 UTC, counted from the run's day. */
function dueDate(random: Random, dueAnchorMs: number): number {
  return dueAnchorMs + random.int(-60, 120) * DAY_MS + 17 * 3_600_000;
}

/** Overdue work is mostly done and future work mostly not, as in a real tracker. */
function statusFor(random: Random, dueAt: number | null, dueAnchorMs: number): TaskStatus {
  const [todo, inProgress, done] =
    dueAt === null ? [45, 15, 40] : dueAt < dueAnchorMs ? [20, 15, 65] : [55, 25, 20];
  return random.weighted([
    ['TODO', todo],
    ['IN_PROGRESS', inProgress],
    ['DONE', done],
  ]);
}

/** 0 to 4 tags; the first one, when any, says what kind of work it is. */
function tagsFor(random: Random, theme: TaskTheme): string[] {
  const count = random.weighted([[0, 20], [1, 30], [2, 25], [3, 15], [4, 10]]);
  if (count === 0) return [];
  return [theme.tag, ...random.sample(TAGS, count - 1)];
}

function emailDomainOf(organizationName: string): string {
  const label = organizationName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${label}.example`;
}

// ---------------------------------------------------------------------------------------------
// Talking to the gateway

/** What every request of a run shares: where, how many in flight, counters, cancellation. */
interface SeedContext {
  options: SeedOptions;
  gate: AttemptGate;
  progress: Progress;
  signal: AbortSignal;
  /** Admits sign-ups, which share one anonymous caller's quota. */
  signupGate: AttemptGate;
  /** Organizations that exist on the gateway, whether or not their seeding finished. */
  created: Map<number, SeededOrganization>;
}

/** One organization as created, for the accounts file. */
interface SeededOrganization {
  name: string;
  slug: string;
  ownerEmail: string;
  members: PersonPlan[];
}

/** A member as addMember returns it to the batches below (`id email role`). */
type CreatedMember = SessionFieldsFragment['member'];

/** A session from client/operations (CreateOrganization, Login). */
type AuthPayload = SessionFieldsFragment;

/** One organization being seeded: its plan, its owner's session, its request options. */
interface OrganizationRun {
  plan: OrganizationPlan;
  owner: OwnerSession;
  requestOptions: RequestOptions;
  context: SeedContext;
  /** Batches of this organization in flight at once. */
  lanes: number;
  budget: BudgetEstimate;
}

/**
 * A mutation repeated under aliases `a0`, `a1`, … in one document, one input variable each. These
 * stay hand-built: their number of aliases is chosen per run, so no file in client/operations/
 * can hold them.
 */
interface AliasedMutation {
  name: string;
  field: string;
  inputType: string;
  selection: string;
}

const ADD_MEMBERS: AliasedMutation = {
  name: 'AddMembers',
  field: 'addMember',
  inputType: 'AddMemberInput',
  selection: 'id email role',
};

const CREATE_PROJECTS: AliasedMutation = {
  name: 'CreateProjects',
  field: 'createProject',
  inputType: 'CreateProjectInput',
  selection: 'id',
};

const CREATE_TASKS: AliasedMutation = {
  name: 'CreateTasks',
  field: 'createTask',
  inputType: 'CreateTaskInput',
  selection: 'id',
};

/** The owner's token, renewed by logging in again shortly before it expires. */
class OwnerSession {
  private token: string;
  private expiresAtMs: number;

  constructor(
    private readonly email: string,
    payload: AuthPayload,
  ) {
    this.token = payload.token;
    this.expiresAtMs = Date.parse(payload.expiresAt);
  }

  async currentToken(context: SeedContext, options: RequestOptions): Promise<string> {
    if (this.expiresAtMs - Date.now() > TOKEN_MARGIN_MS) return this.token;

    const input = { email: this.email, password: context.options.password };
    const { url } = context.options;
    const { data } = await request(url, LoginDocument, { input }, null, options);
    this.token = data.login.token;
    this.expiresAtMs = Date.parse(data.login.expiresAt);
    return this.token;
  }
}

/** At most `limit` HTTP attempts in flight; the others queue in arrival order. */
function createGate(limit: number): AttemptGate {
  let active = 0;
  const waiting: (() => void)[] = [];

  return async <T>(attempt: () => Promise<T>): Promise<T> => {
    if (active < limit) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));

    try {
      return await attempt();
    } finally {
      const next = waiting.shift();
      if (next) next(); // hand the slot straight over; `active` stays the same
      else active -= 1;
    }
  };
}

function requestOptionsFor(context: SeedContext, organizationName: string): RequestOptions {
  return {
    gate: context.gate,
    counters: context.progress.counters,
    signal: context.signal,
    onRetry: (notice) => noteLongWait(notice, organizationName),
  };
}

/** Short quota waits are routine; a long one (an hourly limit) deserves its own line. */
function noteLongWait(notice: RetryNotice, organizationName: string): void {
  if (notice.waitMs < LONG_WAIT_MS) return;

  const seconds = Math.round(notice.waitMs / 1_000);
  const what = `${notice.operationName} for "${organizationName}" answered ${notice.codes}`;
  process.stderr.write(`seed: ${what}; waiting ${seconds} s as the gateway asked\n`);
}

/** Seeds one organization from its plan: owner, members, projects, then its tasks. */
async function seedOrganization(plan: OrganizationPlan, context: SeedContext): Promise<void> {
  const requestOptions = requestOptionsFor(context, plan.name);
  const payload = await createOrganization(plan, context, requestOptions);
  const owner = new OwnerSession(payload.member.email, payload);
  const lanes = lanesPerOrganization(context.options);
  const budget = new BudgetEstimate();
  const run: OrganizationRun = { plan, owner, requestOptions, context, lanes, budget };

  const members = [payload.member, ...(await addMembers(run))];
  context.progress.membersAdded(members);

  const projectIds = await createProjects(run);
  context.progress.projectsCreated(projectIds.length);

  await createTasks(run, members, projectIds);
  context.progress.organizationDone();
}

/**
 * Spreads `concurrency` over the organizations, so a seed of few organizations still uses it,
 * but never more than a FREE plan's 4 operations in flight, which would only earn
 * CONCURRENCY_LIMITED answers.
 */
function lanesPerOrganization(options: SeedOptions): number {
  const share = Math.ceil(options.concurrency / options.organizations);
  return Math.max(1, Math.min(MAX_LANES, share));
}

/** Signs the organization up; it is recorded for the accounts file as soon as it exists. */
async function createOrganization(
  plan: OrganizationPlan,
  context: SeedContext,
  options: RequestOptions,
): Promise<AuthPayload> {
  const owner = plan.people[0] as PersonPlan;
  const input = { name: plan.name, email: owner.email, password: context.options.password };

  const { url } = context.options;
  const gate: AttemptGate = (attempt) => context.signupGate(() => context.gate(attempt));
  const { data } = await request(url, CreateOrganizationDocument, { input }, null, {
    ...options,
    gate,
  });

  const { organization } = data.createOrganization;
  const { name, slug } = organization;
  context.created.set(plan.index, { name, slug, ownerEmail: owner.email, members: plan.people });
  context.progress.organizationCreated();
  return data.createOrganization;
}

/** Adds everyone but the owner, with their planned roles. */
async function addMembers(run: OrganizationRun): Promise<CreatedMember[]> {
  const { password } = run.context.options;
  const inputs = run.plan.people.slice(1).map((person) => ({ ...person, password }));

  return createInBatches<CreatedMember>(run, ADD_MEMBERS, inputs);
}

/** Creates the organization's projects; returns their ids in plan order. */
async function createProjects(run: OrganizationRun): Promise<string[]> {
  const projects = await createInBatches<{ id: string }>(run, CREATE_PROJECTS, run.plan.projects);
  return projects.map((project) => project.id);
}

/** Creates the organization's tasks, counting each confirmed batch. */
async function createTasks(
  run: OrganizationRun,
  members: readonly CreatedMember[],
  projectIds: readonly string[],
): Promise<void> {
  const { tasks } = run.plan;
  const inputs = tasks.map((task) => taskInput(task, members, projectIds));

  await createInBatches(run, CREATE_TASKS, inputs, (start, end) => {
    run.context.progress.tasksCreated(tasks.slice(start, end));
  });
}

/**
 * Sends the inputs `batchSize` at a time over a few lanes, each waiting for the bucket to hold
 * its cost, so THROTTLED stays the exception; the retry in the client covers the rest. Returns
 * the results in input order.
 */
async function createInBatches<TResult>(
  run: OrganizationRun,
  mutation: AliasedMutation,
  inputs: readonly unknown[],
  onBatch?: (start: number, end: number) => void,
): Promise<TResult[]> {
  const { batchSize } = run.context.options;
  const results: TResult[] = new Array<TResult>(inputs.length);
  let next = 0;

  const lane = async (): Promise<void> => {
    while (next < inputs.length) {
      const start = next;
      const end = Math.min(inputs.length, start + batchSize);
      next = end;

      await run.budget.take(run.context.signal);
      const { created, cost } = await sendAliased<TResult>(run, mutation, inputs.slice(start, end));
      run.budget.observe(cost);

      created.forEach((result, offset) => (results[start + offset] = result));
      onBatch?.(start, end);
    }
  };
  await Promise.all(Array.from({ length: run.lanes }, lane));
  return results;
}

function taskInput(
  task: TaskPlan,
  members: readonly CreatedMember[],
  projectIds: readonly string[],
): Record<string, unknown> {
  return {
    projectId: projectIds[task.projectIndex],
    title: task.title,
    description: task.description,
    status: task.status,
    tags: task.tags,
    dueAt: task.dueAt,
    assigneeId: task.assigneeIndex === null ? null : members[task.assigneeIndex]?.id,
  };
}

/** Sends one aliased mutation as the owner; returns the results in input order. */
async function sendAliased<TResult>(
  run: OrganizationRun,
  mutation: AliasedMutation,
  inputs: readonly unknown[],
): Promise<{ created: TResult[]; cost: CostExtension | null }> {
  const document = aliasedDocument(mutation, inputs.length);
  const variables = Object.fromEntries(inputs.map((input, index) => [`a${index}`, input]));

  const token = await run.owner.currentToken(run.context, run.requestOptions);
  const { url } = run.context.options;
  const result = await request<Record<string, TResult>>(
    url,
    document,
    variables,
    token,
    run.requestOptions,
  );
  const created = inputs.map((_, index) => result.data[`a${index}`] as TResult);
  return { created, cost: result.cost };
}

/**
 * What this script believes an organization's bucket holds, from the last `extensions.cost` it
 * saw, the refill since, and what its lanes took since. Lanes take their turn one at a time, so
 * they spread out over the refill instead of all waking together and all but one being THROTTLED.
 */
class BudgetEstimate {
  private available = Number.POSITIVE_INFINITY; // unknown until the first answer says
  private maximum = Number.POSITIVE_INFINITY;
  private restoreRate = 0;
  private seenAt = Date.now();
  private lastCost = 0;
  private turns: Promise<void> = Promise.resolve();

  /** Waits until the bucket should hold one more operation like the last one, and takes it. */
  take(signal: AbortSignal): Promise<void> {
    const turn = this.turns.then(() => this.waitAndTake(signal));
    this.turns = turn.catch(() => undefined);
    return turn;
  }

  /** Trusts the gateway's figures over the estimate whenever an answer carries them. */
  observe(cost: CostExtension | null): void {
    if (!cost) return; // a gateway without cost reporting: send at its pace

    const { currentlyAvailable, maximumAvailable, restoreRate } = cost.throttleStatus;
    this.available = currentlyAvailable;
    this.maximum = maximumAvailable;
    this.restoreRate = restoreRate;
    this.seenAt = Date.now();
    this.lastCost = cost.requestedQueryCost;
  }

  private async waitAndTake(signal: AbortSignal): Promise<void> {
    const shortfall = this.lastCost - this.projected();
    if (shortfall > 0 && this.restoreRate > 0) {
      await sleep(Math.ceil((shortfall / this.restoreRate) * 1_000), signal);
    }

    this.available = this.projected() - this.lastCost;
    this.seenAt = Date.now();
  }

  private projected(): number {
    const refilled = ((Date.now() - this.seenAt) / 1_000) * this.restoreRate;
    return Math.min(this.maximum, this.available + refilled);
  }
}

const documents = new Map<string, string>();

/** `mutation Name($a0: Input!, …) { a0: field(input: $a0) { selection } … }`, cached. */
function aliasedDocument(mutation: AliasedMutation, count: number): string {
  const key = `${mutation.name}:${count}`;
  const cached = documents.get(key);
  if (cached) return cached;

  const { name, field, inputType, selection } = mutation;
  const aliases = Array.from({ length: count }, (_, index) => `a${index}`);
  const variables = aliases.map((alias) => `$${alias}: ${inputType}!`).join(', ');
  const fields = aliases.map((alias) => `  ${alias}: ${field}(input: $${alias}) { ${selection} }`);
  const document = `mutation ${name}(${variables}) {\n${fields.join('\n')}\n}`;

  documents.set(key, document);
  return document;
}

// ---------------------------------------------------------------------------------------------
// Progress and summary

/** Running totals of a seed run, shown on stderr while it goes and as a table at the end. */
class Progress {
  readonly counters: RequestCounters = { requests: 0, retries: 0 };
  readonly members: Record<Role, number> = { OWNER: 0, ADMIN: 0, MEMBER: 0 };
  readonly tasks: Record<TaskStatus, number> = { TODO: 0, IN_PROGRESS: 0, DONE: 0 };
  organizations = 0;
  organizationsDone = 0;
  projects = 0;
  tasksWithDueDate = 0;
  tasksUnassigned = 0;
  private readonly startedAt = Date.now();
  private lastReport = { at: Date.now(), requests: 0 };

  constructor(
    private readonly organizationsPlanned: number,
    private readonly tasksPlanned: number,
  ) {}

  organizationCreated(): void {
    this.organizations += 1;
  }

  membersAdded(members: readonly CreatedMember[]): void {
    for (const member of members) this.members[member.role] += 1;
  }

  projectsCreated(count: number): void {
    this.projects += count;
  }

  /** Counts from the plan of tasks the gateway confirmed, so the figures match what exists. */
  tasksCreated(batch: readonly TaskPlan[]): void {
    for (const task of batch) {
      this.tasks[task.status] += 1;
      if (task.dueAt !== null) this.tasksWithDueDate += 1;
      if (task.assigneeIndex === null) this.tasksUnassigned += 1;
    }
  }

  organizationDone(): void {
    this.organizationsDone += 1;
  }

  get tasksTotal(): number {
    return this.tasks.TODO + this.tasks.IN_PROGRESS + this.tasks.DONE;
  }

  get elapsedSeconds(): number {
    return (Date.now() - this.startedAt) / 1_000;
  }

  /** One stderr line: organizations, tasks, request rate since the last line, retries. */
  report(): void {
    const now = Date.now();
    const sent = this.counters.requests - this.lastReport.requests;
    const rate = (sent * 1_000) / Math.max(1, now - this.lastReport.at);
    this.lastReport = { at: now, requests: this.counters.requests };

    const organizations = `${this.organizationsDone}/${this.organizationsPlanned} done`;
    const tasks = `${count(this.tasksTotal)}/${count(this.tasksPlanned)}`;
    const elapsed = `${this.elapsedSeconds.toFixed(0).padStart(5)} s`;
    process.stderr.write(
      `seed ${elapsed}  organizations ${organizations} (${this.organizations} created)  ` +
        `tasks ${tasks}  ${rate.toFixed(1)} req/s  retries ${count(this.counters.retries)}\n`,
    );
  }
}

/** The end-of-run table on stdout. */
function printSummary(progress: Progress): void {
  const rows: [string, string][] = [
    ['organizations', count(progress.organizations)],
    ['members OWNER', count(progress.members.OWNER)],
    ['members ADMIN', count(progress.members.ADMIN)],
    ['members MEMBER', count(progress.members.MEMBER)],
    ['projects', count(progress.projects)],
    ['tasks TODO', count(progress.tasks.TODO)],
    ['tasks IN_PROGRESS', count(progress.tasks.IN_PROGRESS)],
    ['tasks DONE', count(progress.tasks.DONE)],
    ['tasks total', count(progress.tasksTotal)],
    ['tasks with a due date', count(progress.tasksWithDueDate)],
    ['tasks unassigned', count(progress.tasksUnassigned)],
    ['elapsed seconds', progress.elapsedSeconds.toFixed(1)],
    ['requests sent', count(progress.counters.requests)],
    ['retries', count(progress.counters.retries)],
  ];

  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const rule = `${'-'.repeat(labelWidth + 2)}+${'-'.repeat(valueWidth + 2)}`;
  const lines = rows.map(
    ([label, value]) => ` ${label.padEnd(labelWidth)} | ${value.padStart(valueWidth)}`,
  );
  process.stdout.write([rule, ...lines, rule, ''].join('\n'));
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function plural(value: number, noun: string): string {
  return `${count(value)} ${noun}${value === 1 ? '' : 's'}`;
}

/** Writes who can log in, readable by its owner only since it holds the shared password. */
async function writeAccounts(
  options: SeedOptions,
  organizations: readonly SeededOrganization[],
): Promise<void> {
  const accounts = {
    generatedAt: new Date().toISOString(),
    url: options.url,
    seed: options.seed,
    password: options.password,
    organizations,
  };

  await mkdir(path.dirname(options.accountsFile), { recursive: true });
  await writeFile(options.accountsFile, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
}

// ---------------------------------------------------------------------------------------------
// The run

/** Runs a seed: all organizations at once, at most `concurrency` requests in flight. */
async function runSeed(options: SeedOptions): Promise<boolean> {
  const dueAnchorMs = Math.floor(Date.now() / DAY_MS) * DAY_MS; // the run's day, 00:00 UTC
  const plans = planOrganizations(options, dueAnchorMs);
  const progress = new Progress(plans.length, plans.length * options.tasksPerOrganization);
  const abort = new AbortController();
  // Every waiting lane and every request in flight listens to this one signal, by design.
  setMaxListeners(options.organizations * MAX_LANES + options.concurrency + 10, abort.signal);
  const gate = createGate(options.concurrency);
  const signupGate = createGate(ANONYMOUS_CONCURRENCY);
  const { signal } = abort;
  const created = new Map<number, SeededOrganization>();
  const context: SeedContext = { options, gate, signupGate, progress, signal, created };
  const outcome: Outcome = { failure: null };

  announce(options, plans.length);
  const stopOnSignal = (signal: NodeJS.Signals) => stop(outcome, abort, `interrupted by ${signal}`);
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);
  const ticker = setInterval(() => progress.report(), PROGRESS_INTERVAL_MS);
  await Promise.all(plans.map((plan) => seedOrStop(plan, context, abort, outcome)));
  clearInterval(ticker);

  // Even a stopped run says what it made and who can log in to look at it.
  progress.report();
  // In plan order, not finishing order, so `demo --account N` means the same thing every run.
  const accounts = [...created].sort(([a], [b]) => a - b).map(([, organization]) => organization);
  await writeAccounts(options, accounts);
  printSummary(progress);
  const written = plural(accounts.length, 'organization');
  process.stderr.write(`seed: accounts of ${written} written to ${options.accountsFile}\n`);
  if (outcome.failure) process.stderr.write(`seed: stopped: ${outcome.failure.message}\n`);
  return outcome.failure === null;
}

/** The first failure of a run; later ones are only the cancellation it caused. */
interface Outcome {
  failure: Error | null;
}

function stop(outcome: Outcome, abort: AbortController, reason: string): void {
  if (outcome.failure) return;
  outcome.failure = new Error(reason);
  abort.abort(outcome.failure);
}

/** Seeds one organization; the first failure cancels every other organization's requests. */
async function seedOrStop(
  plan: OrganizationPlan,
  context: SeedContext,
  abort: AbortController,
  outcome: Outcome,
): Promise<void> {
  try {
    await seedOrganization(plan, context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    stop(outcome, abort, `organization "${plan.name}": ${message}`);
  }
}

function announce(options: SeedOptions, organizations: number): void {
  const tasks = count(options.tasksPerOrganization);
  process.stderr.write(
    `seed: ${plural(organizations, 'organization')} × ${tasks} tasks against ${options.url} ` +
      `(seed "${options.seed}", run suffix ${options.runSuffix}, ` +
      `${options.concurrency} requests in flight, ${options.batchSize} creations per request)\n`,
  );
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), process.env);
  const succeeded = await runSeed(options);
  process.exitCode = succeeded ? 0 : 1;
}

await main();
