import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  AddMemberDocument,
  CreateOrganizationDocument,
  CreateProjectDocument,
  CreateTaskDocument,
  LoginDocument,
  LogoutDocument,
  OrganizationMembersDocument,
  RefreshTokenDocument,
  ProjectTasksDocument,
  ProjectsDocument,
  QuotaDocument,
  TaskDocument,
  TaskReportDocument,
  TasksDocument,
  UpdateTaskDocument,
  ViewerDocument,
  createClient,
  operationCosts,
  type Client,
  type ClientResult,
  type OperationName,
  type Plan,
} from '../../client/index.js';
import {
  PASSWORD,
  createProject,
  createTask,
  createTenant,
  loginAs,
  uniqueEmail,
  uniqueName,
  type TestTenant,
} from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, graphql, randomAddress } from '../support/graphql.js';
import { ROOMY_FREE, plansFile } from '../support/plans.js';

const root = path.resolve(import.meta.dirname, '../..');
const OPERATOR_KEY = 'operator-key-for-client-tests-0123456789';
const PLAN_ORDER: readonly Plan[] = ['FREE', 'TEAM', 'ENTERPRISE'];

/** A tenant on one plan, with the things the operations read and change. */
interface Fixtures {
  url: string;
  tenant: TestTenant;
  owner: Client;
  projectId: string;
  taskId: string;
}

type Case = (fixtures: Fixtures) => Promise<ClientResult<unknown>>;

/** The variables the stamp was computed with; every case sends them as they are. */
function stamped<Name extends OperationName>(
  name: Name,
): (typeof operationCosts)[Name]['variables'] {
  return operationCosts[name].variables;
}

/** A caller without a token, from an address of its own so per-address limits never meet. */
function anonymous(url: string): Client {
  return createClient({ url, headers: { 'x-forwarded-for': randomAddress() } });
}

/** How each operation is run; typed by name so a new operation needs a case here. */
const CASES: Record<OperationName, Case> = {
  CreateOrganization: ({ url }) =>
    anonymous(url).send(CreateOrganizationDocument, {
      ...stamped('CreateOrganization'),
      input: { name: uniqueName('Client'), email: uniqueEmail('owner'), password: PASSWORD },
    }),
  Login: ({ url, tenant }) =>
    anonymous(url).send(LoginDocument, {
      ...stamped('Login'),
      input: { email: tenant.ownerEmail, password: PASSWORD },
    }),
  // A session of its own, logged in through the client, whose refresh token is then traded.
  RefreshToken: async ({ url, tenant }) => {
    const login = await anonymous(url).request(LoginDocument, {
      input: { email: tenant.ownerEmail, password: PASSWORD },
    });
    return anonymous(url).send(RefreshTokenDocument, {
      ...stamped('RefreshToken'),
      input: { refreshToken: login.login.refreshToken },
    });
  },
  // A token of its own, so revoking it leaves the owner's token to the other cases.
  Logout: async ({ url, tenant }) => {
    const session = await loginAs(url, tenant.ownerEmail);
    return createClient({ url, token: session.token }).send(LogoutDocument, stamped('Logout'));
  },
  Viewer: ({ owner }) => owner.send(ViewerDocument, stamped('Viewer')),
  OrganizationMembers: ({ owner }) =>
    owner.send(OrganizationMembersDocument, stamped('OrganizationMembers')),
  AddMember: ({ owner }) =>
    owner.send(AddMemberDocument, {
      ...stamped('AddMember'),
      input: { email: uniqueEmail('member'), password: PASSWORD, role: 'MEMBER' },
    }),
  Projects: ({ owner }) => owner.send(ProjectsDocument, stamped('Projects')),
  ProjectTasks: ({ owner, projectId }) =>
    owner.send(ProjectTasksDocument, { ...stamped('ProjectTasks'), id: projectId, status: 'TODO' }),
  Tasks: ({ owner, projectId }) =>
    owner.send(TasksDocument, { ...stamped('Tasks'), filter: { projectId, status: 'TODO' } }),
  Task: ({ owner, taskId }) => owner.send(TaskDocument, { ...stamped('Task'), id: taskId }),
  CreateProject: ({ owner }) =>
    owner.send(CreateProjectDocument, {
      ...stamped('CreateProject'),
      input: { name: 'Client project', description: 'Made by the client operations test' },
    }),
  CreateTask: ({ owner, projectId }) =>
    owner.send(CreateTaskDocument, {
      ...stamped('CreateTask'),
      input: { projectId, title: 'Run every client operation', tags: ['client'] },
    }),
  UpdateTask: ({ owner, taskId }) =>
    owner.send(UpdateTaskDocument, {
      ...stamped('UpdateTask'),
      input: { id: taskId, status: 'IN_PROGRESS', tags: ['client', 'updated'] },
    }),
  TaskReport: ({ owner }) =>
    owner.send(TaskReportDocument, { ...stamped('TaskReport'), input: { dimension: 'STATUS' } }),
  Quota: ({ owner }) => owner.send(QuotaDocument, stamped('Quota')),
};

/** The operation names defined in client/operations/, read from the files themselves. */
function operationsInFiles(): string[] {
  const dir = path.join(root, 'client/operations');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' });

  return files
    .filter((file) => file.endsWith('.graphql'))
    .flatMap((file) => parse(readFileSync(path.join(dir, file), 'utf8')).definitions)
    .flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name
        ? [definition.name.value]
        : [],
    )
    .sort();
}

let gateway: TestGateway;
const fixturesByPlan = new Map<Plan, Promise<Fixtures>>();

beforeAll(async () => {
  gateway = await startGateway({
    env: { OPERATOR_API_KEY: OPERATOR_KEY, PLANS_FILE: plansFile(ROOMY_FREE) },
  });
});

afterAll(async () => {
  await gateway?.stop();
});

/** One tenant per plan an operation needs, built once. */
function fixturesFor(plan: Plan): Promise<Fixtures> {
  let fixtures = fixturesByPlan.get(plan);
  if (!fixtures) {
    fixtures = buildFixtures(gateway.url, plan);
    fixturesByPlan.set(plan, fixtures);
  }
  return fixtures;
}

async function buildFixtures(url: string, plan: Plan): Promise<Fixtures> {
  const tenant = await createTenant(url, uniqueName(`Client ${plan}`));
  const owner = createClient({ url, token: tenant.token });
  if (plan !== 'FREE') await switchPlan(url, tenant.id, plan, owner);

  const projectId = await createProject(url, tenant.token, 'Client fixtures');
  const taskId = await createTask(url, tenant.token, { projectId, title: 'Fixture task' });
  await createTask(url, tenant.token, { projectId, title: 'Second fixture task', tags: ['x'] });
  return { url, tenant, owner, projectId, taskId };
}

/** Moves a tenant to a plan through the operator API and waits until the gateway applies it. */
async function switchPlan(url: string, id: string, plan: Plan, owner: Client): Promise<void> {
  const mutation =
    'mutation($id: ID!, $plan: Plan!) { setTenantPlan(id: $id, plan: $plan) { plan } }';
  const headers = { 'x-operator-key': OPERATOR_KEY };
  dataOf(await graphql(url, mutation, { id, plan }, { headers }));

  // The contract allows a second for a plan change to reach every replica.
  const deadline = Date.now() + 3_000;
  while ((await owner.request(QuotaDocument)).quota.plan !== plan) {
    if (Date.now() > deadline) throw new Error(`the tenant did not move to ${plan}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The cheapest plan an operation names, so it also runs where the budget is tightest. */
function cheapestPlan(plans: readonly Plan[]): Plan {
  const plan = PLAN_ORDER.find((candidate) => plans.includes(candidate));
  if (!plan) throw new Error(`no known plan among ${plans.join(', ')}`);
  return plan;
}

describe('the generated client operations', () => {
  it('stamp and test every operation in client/operations/', () => {
    const stampedNames = Object.keys(operationCosts).sort();

    expect(stampedNames).toEqual(operationsInFiles());
    expect(Object.keys(CASES).sort()).toEqual(stampedNames);
  });

  for (const name of Object.keys(operationCosts) as OperationName[]) {
    const stamp = operationCosts[name];

    it(`${name} runs without errors and the gateway requests its stamped ${stamp.requestedCost}`, async () => {
      const fixtures = await fixturesFor(cheapestPlan(stamp.plans));

      // `send` throws a ClientError carrying the codes when the answer has any error.
      const result = await CASES[name](fixtures);

      expect(result.data).toBeTruthy();
      expect(result.cost?.requestedQueryCost).toBe(stamp.requestedCost);
    });
  }
});
