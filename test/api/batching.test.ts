import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  addMemberAs,
  createProject,
  createTask,
  createTenant,
  type TestTenant,
} from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, graphql } from '../support/graphql.js';
import { metricSum } from '../support/metrics.js';
import { ROOMY_FREE, plansFile } from '../support/plans.js';

let gateway: TestGateway;
let tenant: TestTenant;

const NESTED = `query Nested($projects: Int!, $tasks: Int!) {
  projects(first: $projects) {
    totalCount
    nodes { id name tasks(first: $tasks) { totalCount nodes { id title project { id name } assignee { id email } } } }
  }
}`;

beforeAll(async () => {
  gateway = await startGateway({ env: { PLANS_FILE: plansFile(ROOMY_FREE) } });
  tenant = await createTenant(gateway.url);
  const members = [
    tenant.ownerId,
    (await addMemberAs(gateway.url, tenant, 'MEMBER')).memberId,
    (await addMemberAs(gateway.url, tenant, 'ADMIN')).memberId,
  ];
  const projectIds = [];
  for (let index = 0; index < 20; index++)
    projectIds.push(await createProject(gateway.url, tenant.token, `Project ${index}`));
  const creations = [];
  for (const [index, projectId] of projectIds.entries()) {
    for (let task = 0; task < 22; task++)
      creations.push({ projectId, title: `Task ${index}.${task}`, assigneeId: members[task % 3] });
  }
  for (let start = 0; start < creations.length; start += 8) {
    await Promise.all(
      creations
        .slice(start, start + 8)
        .map((input) => createTask(gateway.url, tenant.token, input)),
    );
  }
}, 120_000);

afterAll(async () => {
  await gateway.stop();
});

/** Tenant-data commands (projects, tasks, members) one operation sends. */
async function commandsFor(variables: Record<string, number>) {
  const tenantCollections = { collection: /^(projects|tasks|members)$/ };
  const before = await metricSum(gateway.url, 'tenantgate_db_commands_total', tenantCollections);
  const response = await graphql(gateway.url, NESTED, variables, { token: tenant.token });
  const after = await metricSum(gateway.url, 'tenantgate_db_commands_total', tenantCollections);
  return { commands: after - before, data: dataOf(response) };
}

describe('batching with DataLoader', () => {
  describe('20 projects x 20 tasks with their project and assignee', () => {
    it('returns every node, correctly attached', async () => {
      const { data } = await commandsFor({ projects: 20, tasks: 20 });

      expect(data.projects.totalCount).toBe(20);
      expect(data.projects.nodes).toHaveLength(20);
      for (const project of data.projects.nodes) {
        expect(project.tasks.totalCount).toBe(22);
        expect(project.tasks.nodes).toHaveLength(20);
        for (const task of project.tasks.nodes) {
          expect(task.project).toEqual({ id: project.id, name: project.name });
          expect(task.assignee.email).toMatch(/@example\.test$/);
        }
      }
    });

    it('makes a bounded number of database commands, the same as for 2 x 2', async () => {
      const large = await commandsFor({ projects: 20, tasks: 20 });
      const small = await commandsFor({ projects: 2, tasks: 2 });

      console.log(
        `20 x 20 nested query: ${large.commands} database commands (2 x 2: ${small.commands})`,
      );
      expect(large.commands).toBeLessThanOrEqual(8);
      expect(large.commands).toBe(small.commands);
    });
  });
});
