import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  addMemberAs,
  createProject,
  createTask,
  createTenant,
  type TestTenant,
} from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql } from '../support/graphql.js';

let gateway: TestGateway;
let tenant: TestTenant;

beforeAll(async () => {
  gateway = await startGateway();
  tenant = await createTenant(gateway.url);
});

afterAll(async () => {
  await gateway.stop();
});

const ask = async (query: string, variables?: Record<string, unknown>) =>
  dataOf(await graphql(gateway.url, query, variables, { token: tenant.token }));

describe('tasks', () => {
  describe('paging with first and after', () => {
    it('walks every task once, in creation order, and ends with hasNextPage false', async () => {
      const projectId = await createProject(gateway.url, tenant.token, 'Paging');
      const created = [];
      for (let index = 0; index < 7; index++)
        created.push(
          await createTask(gateway.url, tenant.token, { projectId, title: `T${index}` }),
        );

      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page: any = (
          await ask(
            'query P($id: ID!, $after: String) { project(id: $id) { tasks(first: 3, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } }',
            { id: projectId, after },
          )
        ).project.tasks;
        pages += 1;
        expect(page.totalCount).toBe(7);
        seen.push(...page.nodes.map((node: { id: string }) => node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }

      expect(pages).toBe(3);
      expect(seen).toEqual(created);
    });

    it('an empty page has a null endCursor', async () => {
      const projectId = await createProject(gateway.url, tenant.token, 'Empty');

      const data = await ask(
        `{ project(id: "${projectId}") { tasks { nodes { id } pageInfo { hasNextPage endCursor } } } }`,
      );

      expect(data.project.tasks).toEqual({
        nodes: [],
        pageInfo: { hasNextPage: false, endCursor: null },
      });
    });
  });

  describe('filters', () => {
    it('narrow by project, status, assignee and tag together', async () => {
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');
      const projectId = await createProject(gateway.url, tenant.token, 'Filters');
      const wanted = await createTask(gateway.url, tenant.token, {
        projectId,
        status: 'DONE',
        assigneeId: member.memberId,
        tags: ['ui'],
      });
      await createTask(gateway.url, tenant.token, {
        projectId,
        status: 'TODO',
        assigneeId: member.memberId,
        tags: ['ui'],
      });
      await createTask(gateway.url, tenant.token, { projectId, status: 'DONE', tags: ['ui'] });
      await createTask(gateway.url, tenant.token, {
        projectId,
        status: 'DONE',
        assigneeId: member.memberId,
        tags: ['api'],
      });

      const data = await ask(
        'query F($filter: TaskFilter) { tasks(filter: $filter) { totalCount nodes { id } } }',
        { filter: { projectId, status: 'DONE', assigneeId: member.memberId, tag: ' ui ' } },
      );

      expect(data.tasks).toEqual({ totalCount: 1, nodes: [{ id: wanted }] });
    });

    it('Project.tasks narrows by status', async () => {
      const projectId = await createProject(gateway.url, tenant.token, 'Status');
      const done = await createTask(gateway.url, tenant.token, { projectId, status: 'DONE' });
      await createTask(gateway.url, tenant.token, { projectId });

      const data = await ask(
        `{ project(id: "${projectId}") { tasks(status: DONE) { totalCount nodes { id } } } }`,
      );

      expect(data.project.tasks).toEqual({ totalCount: 1, nodes: [{ id: done }] });
    });
  });

  describe('updateTask', () => {
    it('changes only the fields sent, and null clears nullable ones', async () => {
      const projectId = await createProject(gateway.url, tenant.token);
      const taskId = await createTask(gateway.url, tenant.token, {
        projectId,
        title: 'Keep',
        description: 'old',
        dueAt: '2027-05-01T00:00:00.000Z',
        assigneeId: tenant.ownerId,
        tags: ['a'],
      });

      const data = await ask(
        `mutation { updateTask(input: { id: "${taskId}", status: IN_PROGRESS, description: null, dueAt: null, assigneeId: null, tags: ["b", "b"] }) { title description status tags dueAt assignee { id } } }`,
      );

      expect(data.updateTask).toEqual({
        title: 'Keep',
        description: null,
        status: 'IN_PROGRESS',
        tags: ['b'],
        dueAt: null,
        assignee: null,
      });
    });
  });

  describe('deleteProject', () => {
    it('deletes its tasks', async () => {
      const projectId = await createProject(gateway.url, tenant.token);
      const taskId = await createTask(gateway.url, tenant.token, { projectId });

      await ask(`mutation { deleteProject(id: "${projectId}") }`);

      expect(
        await ask(`{ task(id: "${taskId}") { id } project(id: "${projectId}") { id } }`),
      ).toEqual({ task: null, project: null });
    });
  });

  describe('removeMember', () => {
    it("unassigns the member's tasks", async () => {
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');
      const projectId = await createProject(gateway.url, tenant.token);
      const taskId = await createTask(gateway.url, tenant.token, {
        projectId,
        assigneeId: member.memberId,
      });

      await ask(`mutation { removeMember(id: "${member.memberId}") }`);

      expect((await ask(`{ task(id: "${taskId}") { assignee { id } } }`)).task.assignee).toBeNull();
    });
  });
});

describe('taskReport', () => {
  it('counts tasks per status, tag, assignee and project, most frequent first', async () => {
    const reporting = await createTenant(gateway.url);
    const member = await addMemberAs(gateway.url, reporting, 'MEMBER');
    const first = await createProject(gateway.url, reporting.token, 'One');
    const second = await createProject(gateway.url, reporting.token, 'Two');
    await createTask(gateway.url, reporting.token, {
      projectId: first,
      status: 'DONE',
      tags: ['ui', 'api'],
      assigneeId: member.memberId,
    });
    await createTask(gateway.url, reporting.token, {
      projectId: first,
      status: 'DONE',
      tags: ['ui'],
    });
    await createTask(gateway.url, reporting.token, {
      projectId: second,
      status: 'TODO',
      assigneeId: member.memberId,
    });
    const report = async (dimension: string, projectId?: string) =>
      dataOf(
        await graphql(
          gateway.url,
          'query R($input: TaskReportInput!) { taskReport(input: $input) { dimension total buckets { key count } } }',
          { input: { dimension, projectId } },
          { token: reporting.token },
        ),
      ).taskReport;

    expect(await report('STATUS')).toEqual({
      dimension: 'STATUS',
      total: 3,
      buckets: [
        { key: 'DONE', count: 2 },
        { key: 'TODO', count: 1 },
      ],
    });
    expect(await report('TAG')).toEqual({
      dimension: 'TAG',
      total: 3,
      buckets: [
        { key: 'ui', count: 2 },
        { key: 'api', count: 1 },
      ],
    });
    expect(await report('ASSIGNEE')).toEqual({
      dimension: 'ASSIGNEE',
      total: 3,
      buckets: [
        { key: member.memberId, count: 2 },
        { key: 'UNASSIGNED', count: 1 },
      ],
    });
    expect(await report('PROJECT')).toEqual({
      dimension: 'PROJECT',
      total: 3,
      buckets: [
        { key: first, count: 2 },
        { key: second, count: 1 },
      ],
    });
    expect(await report('STATUS', second)).toEqual({
      dimension: 'STATUS',
      total: 1,
      buckets: [{ key: 'TODO', count: 1 }],
    });
  });
});

describe('organizationByName', () => {
  it('finds an organization by any spelling of its name, showing only public fields', async () => {
    const data = dataOf(
      await graphql(
        gateway.url,
        `{ organizationByName(name: "${tenant.name.toUpperCase()}") { name slug createdAt } }`,
      ),
    );

    expect(data.organizationByName).toMatchObject({ name: tenant.name, slug: tenant.slug });
  });

  it('answers null for an unknown name, and for regular-expression characters', async () => {
    const data = dataOf(
      await graphql(
        gateway.url,
        '{ a: organizationByName(name: "no such org 123") { name } b: organizationByName(name: ".*") { name } }',
      ),
    );

    expect(data).toEqual({ a: null, b: null });
  });
});

describe('login', () => {
  it('answers a token, the member and the organization', async () => {
    const response = await graphql(
      gateway.url,
      `mutation { login(input: { email: "  ${tenant.ownerEmail.toUpperCase()}  ", password: "${tenant.password}" }) { token expiresAt member { id role } organization { id } } }`,
    );

    const login = dataOf(response).login;
    expect(login.member).toEqual({ id: tenant.ownerId, role: 'OWNER' });
    expect(login.organization).toEqual({ id: tenant.id });
    const lifetimeMs = new Date(login.expiresAt).getTime() - Date.now();
    expect(lifetimeMs).toBeGreaterThan(29 * 60_000);
    expect(lifetimeMs).toBeLessThanOrEqual(30 * 60_000);
  });

  it('with a wrong password is UNAUTHENTICATED', async () => {
    const response = await graphql(
      gateway.url,
      `mutation { login(input: { email: "${tenant.ownerEmail}", password: "nope nope nope" }) { token } }`,
    );

    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });
});
