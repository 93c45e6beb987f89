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
let mine: TestTenant;
let theirs: TestTenant;
let their: { projectId: string; taskId: string; memberId: string };
let myProjectId: string;

beforeAll(async () => {
  gateway = await startGateway();
  mine = await createTenant(gateway.url);
  theirs = await createTenant(gateway.url);
  myProjectId = await createProject(gateway.url, mine.token, 'Mine');
  const projectId = await createProject(gateway.url, theirs.token, 'Theirs');
  const memberId = (await addMemberAs(gateway.url, theirs, 'MEMBER')).memberId;
  const taskId = await createTask(gateway.url, theirs.token, { projectId, assigneeId: memberId });
  their = { projectId, taskId, memberId };
});

afterAll(async () => {
  await gateway.stop();
});

/** Reads the other tenant's data with its own token, to show nothing of it changed. */
async function theirSnapshot() {
  return dataOf(
    await graphql(
      gateway.url,
      `{ organization { name members { totalCount } }
         project(id: "${their.projectId}") { name description tasks { totalCount } }
         task(id: "${their.taskId}") { title status tags assignee { id } } }`,
      {},
      { token: theirs.token },
    ),
  );
}

describe("another tenant's ids", () => {
  describe('in lookups', () => {
    it('project(id) answers null', async () => {
      const response = await graphql(
        gateway.url,
        `{ project(id: "${their.projectId}") { id } }`,
        {},
        { token: mine.token },
      );

      expect(response.body.data).toEqual({ project: null });
      expect(response.body.errors).toBeUndefined();
    });

    it('task(id) answers null', async () => {
      const response = await graphql(
        gateway.url,
        `{ task(id: "${their.taskId}") { id } }`,
        {},
        { token: mine.token },
      );

      expect(response.body.data).toEqual({ task: null });
      expect(response.body.errors).toBeUndefined();
    });

    it('tasks(filter) by their project or assignee finds nothing', async () => {
      const response = await graphql(
        gateway.url,
        `{ byProject: tasks(filter: { projectId: "${their.projectId}" }) { totalCount nodes { id } }
           byAssignee: tasks(filter: { assigneeId: "${their.memberId}" }) { totalCount nodes { id } } }`,
        {},
        { token: mine.token },
      );

      expect(dataOf(response)).toEqual({
        byProject: { totalCount: 0, nodes: [] },
        byAssignee: { totalCount: 0, nodes: [] },
      });
    });

    it('taskReport for their project counts nothing', async () => {
      const response = await graphql(
        gateway.url,
        `{ taskReport(input: { dimension: STATUS, projectId: "${their.projectId}" }) { total buckets { key } } }`,
        {},
        { token: mine.token },
      );

      expect(dataOf(response).taskReport).toEqual({ total: 0, buckets: [] });
    });
  });

  describe('in mutations', () => {
    const cases: [string, () => string][] = [
      [
        'updateProject',
        () => `mutation { updateProject(input: { id: "${their.projectId}", name: "x" }) { id } }`,
      ],
      ['deleteProject', () => `mutation { deleteProject(id: "${their.projectId}") }`],
      [
        'updateTask',
        () => `mutation { updateTask(input: { id: "${their.taskId}", status: DONE }) { id } }`,
      ],
      ['deleteTask', () => `mutation { deleteTask(id: "${their.taskId}") }`],
      [
        'createTask in their project',
        () =>
          `mutation { createTask(input: { projectId: "${their.projectId}", title: "x" }) { id } }`,
      ],
      [
        'createTask assigned to their member',
        () =>
          `mutation { createTask(input: { projectId: "${myProjectId}", title: "x", assigneeId: "${their.memberId}" }) { id } }`,
      ],
      [
        'updateMember',
        () => `mutation { updateMember(input: { id: "${their.memberId}", role: ADMIN }) { id } }`,
      ],
      ['removeMember', () => `mutation { removeMember(id: "${their.memberId}") }`],
    ];

    for (const [name, query] of cases) {
      it(`${name} answers NOT_FOUND and changes nothing`, async () => {
        const before = await theirSnapshot();

        const response = await graphql(gateway.url, query(), {}, { token: mine.token });

        expect(errorCodes(response)).toEqual(['NOT_FOUND']);
        expect(await theirSnapshot()).toEqual(before);
      });
    }
  });

  describe('an unknown but well-formed id', () => {
    it('behaves exactly like their id', async () => {
      const unknown = '0123456789abcdef01234567';

      const lookup = await graphql(
        gateway.url,
        `{ project(id: "${unknown}") { id } }`,
        {},
        { token: mine.token },
      );
      const mutation = await graphql(
        gateway.url,
        `mutation { deleteTask(id: "${unknown}") }`,
        {},
        { token: mine.token },
      );

      expect(lookup.body.data).toEqual({ project: null });
      expect(errorCodes(mutation)).toEqual(['NOT_FOUND']);
    });
  });

  describe('a malformed id', () => {
    it('answers BAD_USER_INPUT naming the field', async () => {
      const response = await graphql(
        gateway.url,
        '{ project(id: "not-an-id") { id } }',
        {},
        { token: mine.token },
      );

      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0].extensions?.field).toBe('id');
    });
  });

  describe('listings', () => {
    it("show only the caller's own projects, tasks and members", async () => {
      const response = await graphql(
        gateway.url,
        '{ projects { nodes { id } } tasks(first: 100) { nodes { project { id } } } organization { members { nodes { id } } } }',
        {},
        { token: mine.token },
      );

      const data = dataOf(response);
      expect(data.projects.nodes).toEqual([{ id: myProjectId }]);
      expect(data.tasks.nodes.every((task: any) => task.project.id === myProjectId)).toBe(true);
      expect(data.organization.members.nodes).toEqual([{ id: mine.ownerId }]);
    });
  });
});
