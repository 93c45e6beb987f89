/**
 * Plays a frontend session against a seeded tenantgate and prints what each step saw: login,
 * viewer and organization, task pages, filters, one project's tasks, an update read back, the
 * four task reports and the quota. Any step that answers errors stops the demo with exit code 1.
 *
 *   node dist/scripts/demo.js [--url URL] [--accounts FILE] [--account N]
 *                             [--email EMAIL --password PASSWORD]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

import {
  LoginDocument,
  ProjectTasksDocument,
  QuotaDocument,
  TaskDocument,
  TaskReportDocument,
  TasksDocument,
  UpdateTaskDocument,
  ViewerDocument,
  type TaskFieldsFragment,
  type TaskFilter,
  type TaskReportQuery,
  type TaskStatus,
  type TasksQuery,
  type ViewerQuery,
} from '../client/index.js';
import { request, type CostExtension } from './graphql-client.js';

const PAGE_SIZE = 25;
const TASK_PAGES = 3;
const PROJECT_PAGES = 2;
const SHOWN_TITLES = 3;
const SHOWN_BUCKETS = 6;
const REPORT_DIMENSIONS = ['STATUS', 'ASSIGNEE', 'PROJECT', 'TAG'] as const;
const NEXT_STATUS: Readonly<Record<TaskStatus, TaskStatus>> = {
  TODO: 'IN_PROGRESS',
  IN_PROGRESS: 'DONE',
  DONE: 'TODO',
};
const REVIEW_TAG = 'demo-reviewed';

// ---------------------------------------------------------------------------------------------
// Options and the account to log in with

interface DemoOptions {
  url: string;
  email: string;
  password: string;
}

interface AccountsFile {
  url?: string;
  password?: string;
  organizations?: { name: string; ownerEmail: string }[];
}

const USAGE = `usage: node dist/scripts/demo.js [options]
  --url URL          gateway root (TENANTGATE_URL, else the accounts file's,
                     else http://127.0.0.1:4000)
  --accounts FILE    accounts written by the seed (default .data/seed-accounts.json)
  --account N        which seeded organization's owner to log in as (default 0, the first)
  --email EMAIL      log in as this member instead
  --password TEXT    that member's password (default: the accounts file's)`;

/** Options from flags, environment and the seed's accounts file; exits when no login is known. */
async function readOptions(argv: string[], env: NodeJS.ProcessEnv): Promise<DemoOptions> {
  const { values } = parseFlags(argv);
  if (values.help) exitWith(0, USAGE);

  const accountsPath = path.resolve(values.accounts ?? '.data/seed-accounts.json');
  const needsAccounts = values.email === undefined || values.password === undefined;
  const accounts = await readAccounts(accountsPath, needsAccounts);
  const index = Number(values.account ?? '0');
  if (!Number.isInteger(index) || index < 0) exitWith(2, `demo: --account must be 0 or more`);
  const owner = accounts?.organizations?.[index];

  const email = values.email ?? owner?.ownerEmail;
  const password = values.password ?? accounts?.password;
  if (!email || !password) {
    const hint = `run the seed first (it writes ${accountsPath}), or pass --email and --password`;
    exitWith(2, `demo: no account to log in with: ${hint}`);
  }
  const url = values.url ?? env.TENANTGATE_URL ?? accounts?.url ?? 'http://127.0.0.1:4000';
  return { url, email, password };
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        accounts: { type: 'string' },
        account: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    return exitWith(2, `demo: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

/** The accounts file, or null when it is absent and not needed. */
async function readAccounts(file: string, needed: boolean): Promise<AccountsFile | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    if (!needed) return null;
    return exitWith(2, `demo: cannot read ${file}; run the seed or pass --email and --password`);
  }

  try {
    return JSON.parse(text) as AccountsFile;
  } catch {
    return exitWith(2, `demo: ${file} is not JSON; run the seed again`);
  }
}

function exitWith(code: number, message: string): never {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  process.exit(code);
}

// ---------------------------------------------------------------------------------------------
// What the operations (client/operations/, generated into client/generated/) return

type Member = ViewerQuery['organization']['members']['nodes'][number];
type Project = ViewerQuery['organization']['projects']['nodes'][number];
type Task = TaskFieldsFragment;
type TaskConnection = TasksQuery['tasks'];
type TaskReport = TaskReportQuery['taskReport'];

// ---------------------------------------------------------------------------------------------
// Asking and printing

/** The logged-in frontend: where it talks to and with which token. */
interface Client {
  url: string;
  token: string | null;
}

type Cost = CostExtension | null;

/** One answer and what it cost. */
interface Answer<TData> {
  data: TData;
  cost: Cost;
}

/** What a step prints (its lines, then each answer's cost) and hands to later steps. */
interface StepReport<T> {
  lines: string[];
  costs: Cost[];
  value: T;
}

/** Thrown by a step so the failure names it; the cause is the GraphQL error. */
class StepFailed extends Error {
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`step "${step}" failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StepFailed';
  }
}

let stepNumber = 0;

async function ask<TData, TVariables>(
  client: Client,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
): Promise<Answer<TData>> {
  const { data, cost } = await request(client.url, document, variables, client.token);
  return { data, cost };
}

/** A report for steps that hand nothing on. */
function shown(lines: string[], ...costs: Cost[]): StepReport<undefined> {
  return { lines, costs, value: undefined };
}

/** Runs one step and prints its block: a heading, what it saw, and what each answer cost. */
async function step<T>(title: string, run: () => Promise<StepReport<T>>): Promise<T> {
  stepNumber += 1;
  let report: StepReport<T>;
  try {
    report = await run();
  } catch (error) {
    throw new StepFailed(title, error);
  }

  const heading = `${stepNumber}. ${title}`;
  const body = [...report.lines, ...report.costs.map(describeCost)].map((line) => `  ${line}`);
  process.stdout.write([heading, '-'.repeat(heading.length), ...body, '', ''].join('\n'));
  return report.value;
}

function describeCost(cost: Cost): string {
  if (!cost) return 'cost: (the response carried no extensions.cost)';

  const { requestedQueryCost, actualQueryCost, throttleStatus } = cost;
  const { currentlyAvailable, maximumAvailable, restoreRate } = throttleStatus;
  const bucket = `${number(currentlyAvailable)} / ${number(maximumAvailable)}`;
  const charged = `requested ${requestedQueryCost}, actual ${actualQueryCost ?? 'n/a'}`;
  return `cost: ${charged}; bucket ${bucket} (+${number(restoreRate)}/s)`;
}

function number(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function taskLine(task: Task): string {
  const tags = task.tags.length > 0 ? ` [${task.tags.join(', ')}]` : '';
  const due = task.dueAt ? `, due ${task.dueAt.slice(0, 10)}` : '';
  // The local part is enough to tell members apart; the domain is the organization's.
  const assignee = task.assignee ? `, ${task.assignee.email.split('@')[0]}` : ', unassigned';
  return `- ${task.status.padEnd(11)} ${task.title}${tags}${due}${assignee}`;
}

function connectionLines(connection: TaskConnection): string[] {
  const { totalCount, nodes, pageInfo } = connection;
  const next = pageInfo.hasNextPage ? `more after ${shortCursor(pageInfo.endCursor)}` : 'last page';
  const summary = `${nodes.length} of ${number(totalCount)} tasks; ${next}`;
  return [summary, ...nodes.slice(0, SHOWN_TITLES).map(taskLine)];
}

function shortCursor(cursor: string | null): string {
  if (!cursor) return '(no cursor)';
  // Cursors share a long prefix; their tail is what tells pages apart.
  return cursor.length > 12 ? `…${cursor.slice(-12)}` : cursor;
}

// ---------------------------------------------------------------------------------------------
// The session

/** What earlier steps learned that later steps use. */
interface Seen {
  members: Member[];
  projects: Project[];
  firstPage: TaskConnection | null;
}

async function logIn(client: Client, options: DemoOptions): Promise<void> {
  await step('Log in', async () => {
    const input = { email: options.email, password: options.password };
    const { data, cost } = await ask(client, LoginDocument, { input });
    client.token = data.login.token;

    const { member, organization, expiresAt } = data.login;
    const lines = [
      `${member.email} (${member.role}) of "${organization.name}"`,
      `token expires ${expiresAt}`,
    ];
    return shown(lines, cost);
  });
}

async function showViewer(client: Client, seen: Seen): Promise<void> {
  await step('Viewer and organization', async () => {
    const { data, cost } = await ask(client, ViewerDocument);
    const { viewer, organization } = data;
    seen.members = organization.members.nodes;
    seen.projects = organization.projects.nodes;

    const roles = countBy(seen.members.map((member) => member.role));
    const projectNames = seen.projects.map((project) => project.name).join(', ');
    const lines = [
      `viewer: ${viewer.email}, ${viewer.role}, since ${viewer.createdAt.slice(0, 10)}`,
      `organization: ${organization.name} (slug ${organization.slug}, plan ${organization.plan})`,
      `members: ${organization.members.totalCount} (${roles})`,
      `projects: ${organization.projects.totalCount}: ${projectNames}`,
    ];
    return shown(lines, cost);
  });
}

async function pageTasks(client: Client, seen: Seen): Promise<void> {
  let after: string | null = null;

  for (let page = 1; page <= TASK_PAGES; page += 1) {
    const variables = { first: PAGE_SIZE, after };
    const connection: TaskConnection = await step(`Tasks, page ${page}`, async () => {
      const { data, cost } = await ask(client, TasksDocument, variables);
      return { ...shown(connectionLines(data.tasks), cost), value: data.tasks };
    });

    if (page === 1) seen.firstPage = connection;
    after = connection.pageInfo.endCursor;
    if (!connection.pageInfo.hasNextPage) break;
  }
}

async function filterTasks(client: Client, seen: Seen): Promise<void> {
  const tag = mostCommonTag(seen.firstPage?.nodes ?? []) ?? 'bug';
  const assignee = seen.members.find((member) => member.role === 'MEMBER') ?? seen.members[0];
  const filters: [string, TaskFilter][] = [
    ['status IN_PROGRESS', { status: 'IN_PROGRESS' }],
    [`tag "${tag}"`, { tag }],
  ];
  if (assignee) filters.push([`assignee ${assignee.email}`, { assigneeId: assignee.id }]);

  for (const [label, filter] of filters) {
    await step(`Tasks filtered by ${label}`, async () => {
      const variables = { first: 10, filter };
      const { data, cost } = await ask(client, TasksDocument, variables);
      return shown(connectionLines(data.tasks), cost);
    });
  }
}

/** Pages the TODO tasks of the first listed task's project, which surely has tasks. */
async function pageProjectTasks(client: Client, seen: Seen): Promise<void> {
  const project = seen.firstPage?.nodes[0]?.project ?? seen.projects[0];
  if (!project) throw new StepFailed('Project tasks', new Error('there are no projects'));
  let after: string | null = null;

  for (let page = 1; page <= PROJECT_PAGES; page += 1) {
    const variables = { id: project.id, first: PAGE_SIZE, after, status: 'TODO' as const };
    const title = `Project "${project.name}", TODO tasks, page ${page}`;
    const connection: TaskConnection = await step(title, async () => {
      const answer = await ask(client, ProjectTasksDocument, variables);
      const tasks = answer.data.project?.tasks;
      if (!tasks) throw new Error(`project ${project.id} was not found`);
      return { ...shown(connectionLines(tasks), answer.cost), value: tasks };
    });

    after = connection.pageInfo.endCursor;
    if (!connection.pageInfo.hasNextPage) break;
  }
}

/** Moves the first task one status on and toggles a tag, then checks a fresh read agrees. */
async function updateOneTask(client: Client, seen: Seen): Promise<void> {
  const task = seen.firstPage?.nodes[0];
  if (!task) throw new StepFailed('Update a task', new Error('the organization has no tasks'));
  const status = NEXT_STATUS[task.status];
  const tags = task.tags.includes(REVIEW_TAG)
    ? task.tags.filter((tag) => tag !== REVIEW_TAG)
    : [...task.tags, REVIEW_TAG];

  await step('Update a task and read it back', async () => {
    const input = { id: task.id, status, tags };
    const updated = await ask(client, UpdateTaskDocument, { input });
    const read = await ask(client, TaskDocument, { id: task.id });
    if (!read.data.task) throw new Error(`task ${task.id} vanished after the update`);

    const after = read.data.task;
    const matches = after.status === status && sameTags(after.tags, tags);
    const lines = [
      `"${task.title}" in ${task.project.name}`,
      `before: ${task.status} [${task.tags.join(', ')}]`,
      `asked:  ${status} [${tags.join(', ')}]`,
      `read:   ${after.status} [${after.tags.join(', ')}], updated ${after.updatedAt}`,
    ];
    if (!matches) throw new Error(`the read-back differs from the update: ${lines.join('; ')}`);
    return shown([...lines, 'the read-back matches the update'], updated.cost, read.cost);
  });
}

/** One report per dimension; member and project ids are shown by email and name. */
async function runReports(client: Client, seen: Seen): Promise<void> {
  const names = new Map<string, string>([
    ...seen.members.map((member): [string, string] => [member.id, member.email]),
    ...seen.projects.map((project): [string, string] => [project.id, project.name]),
  ]);

  for (const dimension of REPORT_DIMENSIONS) {
    await step(`Task report by ${dimension}`, async () => {
      const variables = { input: { dimension } };
      const { data, cost } = await ask(client, TaskReportDocument, variables);
      return shown(reportLines(data.taskReport, names), cost);
    });
  }
}

function reportLines(report: TaskReport, names: ReadonlyMap<string, string>): string[] {
  const { total, buckets } = report;
  const shown = buckets
    .slice(0, SHOWN_BUCKETS)
    .map(({ key, count }) => `- ${number(count).padStart(6)}  ${names.get(key) ?? key}`);
  const hidden = buckets.length - shown.length;

  const more = hidden > 0 ? [`… and ${hidden} more ${hidden === 1 ? 'bucket' : 'buckets'}`] : [];
  return [`${number(total)} tasks in ${buckets.length} buckets`, ...shown, ...more];
}

async function showQuota(client: Client): Promise<void> {
  await step('Quota', async () => {
    const { data, cost } = await ask(client, QuotaDocument);
    const { plan, currentlyAvailable, maximumAvailable, restoreRate } = data.quota;
    const lines = [
      `plan ${plan}: ${number(currentlyAvailable)} of ${number(maximumAvailable)} points ` +
        `available, refilling ${number(restoreRate)}/s`,
      `largest operation ${number(data.quota.maxQueryCost)} points, ` +
        `${data.quota.concurrency} operations in flight`,
    ];
    return shown(lines, cost);
  });
}

function mostCommonTag(tasks: readonly Task[]): string | null {
  const counts = new Map<string, number>();
  for (const tag of tasks.flatMap((task) => task.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count} ${value}`).join(', ');
}

function sameTags(left: readonly string[], right: readonly string[]): boolean {
  const sorted = (tags: readonly string[]) => [...tags].sort().join('\n');
  return sorted(left) === sorted(right);
}

async function main(): Promise<void> {
  const options = await readOptions(process.argv.slice(2), process.env);
  const client: Client = { url: options.url, token: null };
  const seen: Seen = { members: [], projects: [], firstPage: null };
  process.stdout.write(`tenantgate demo against ${options.url}\n\n`);

  try {
    await logIn(client, options);
    await showViewer(client, seen);
    await pageTasks(client, seen);
    await filterTasks(client, seen);
    await pageProjectTasks(client, seen);
    await updateOneTask(client, seen);
    await runReports(client, seen);
    await showQuota(client);
  } catch (error) {
    exitWith(1, `demo: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.stdout.write('demo: every step answered without errors\n');
}

await main();
