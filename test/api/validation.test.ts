import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  PASSWORD,
  createProject,
  createTask,
  createTenant,
  uniqueEmail,
  uniqueName,
  type TestTenant,
} from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql } from '../support/graphql.js';

let gateway: TestGateway;
let tenant: TestTenant;
let projectId: string;

beforeAll(async () => {
  gateway = await startGateway();
  tenant = await createTenant(gateway.url);
  projectId = await createProject(gateway.url, tenant.token);
});

afterAll(async () => {
  await gateway.stop();
});

const CREATE_ORGANIZATION =
  'mutation C($input: CreateOrganizationInput!) { createOrganization(input: $input) { token } }';

async function counts() {
  const data = dataOf(
    await graphql(
      gateway.url,
      '{ projects { totalCount } tasks { totalCount } organization { name members { totalCount } } }',
      {},
      { token: tenant.token },
    ),
  );
  return data;
}

/** Sends an operation that must be refused with BAD_USER_INPUT on `field`, changing nothing. */
async function expectRejected(query: string, variables: Record<string, unknown>, field: string) {
  const before = await counts();

  const response = await graphql(gateway.url, query, variables, { token: tenant.token });

  expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  expect(response.body.errors?.[0].extensions?.field).toBe(field);
  expect(await counts()).toEqual(before);
}

describe('validation', () => {
  describe('organization name', () => {
    for (const [label, name] of [
      ['too short', 'A'],
      ['too long', 'x'.repeat(65)],
      ['with a forbidden character', 'Acme$Corp'],
      ['of punctuation only', "--..''"],
    ]) {
      it(`refuses a name ${label} and creates nothing`, async () => {
        const email = uniqueEmail();

        const response = await graphql(gateway.url, CREATE_ORGANIZATION, {
          input: { name, email, password: PASSWORD },
        });

        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect(response.body.errors?.[0].extensions?.field).toBe('name');
        const login = await graphql(
          gateway.url,
          'mutation { login(input: { email: "' +
            email +
            '", password: "' +
            PASSWORD +
            '" }) { token } }',
        );
        expect(errorCodes(login)).toEqual(['UNAUTHENTICATED']);
      });
    }

    it("trims the name and accepts letters, digits, spaces and -_.&'", async () => {
      const name = `Ärzte & Söhne-Co_2.0 'x ${uniqueName('').trim()}`;

      const response = await graphql(gateway.url, CREATE_ORGANIZATION, {
        input: { name: `  ${name}  `, email: uniqueEmail(), password: PASSWORD },
      });

      expect(response.body.errors).toBeUndefined();
      const lookup = await graphql(gateway.url, `{ organizationByName(name: "${name}") { name } }`);
      expect(lookup.body.data?.organizationByName).toEqual({ name });
    });

    it('refuses a rename to an invalid name, keeping the old one', async () => {
      await expectRejected(
        'mutation { updateOrganization(input: { name: "x" }) { name } }',
        {},
        'name',
      );
    });
  });

  describe('email', () => {
    for (const [label, email] of [
      ['without @', 'nobody.example.test'],
      ['without a domain dot', 'a@localhost'],
      ['with spaces inside', 'a b@example.test'],
      ['longer than 254 characters', `${'a'.repeat(60)}@${'b'.repeat(200)}.test`],
    ]) {
      it(`refuses an email ${label}`, async () => {
        await expectRejected(
          'mutation A($input: AddMemberInput!) { addMember(input: $input) { id } }',
          { input: { email, password: PASSWORD, role: 'MEMBER' } },
          'email',
        );
      });
    }

    it('is trimmed and lowercased, and unique across the service', async () => {
      const email = uniqueEmail();
      await graphql(gateway.url, CREATE_ORGANIZATION, {
        input: { name: uniqueName(), email, password: PASSWORD },
      });

      const response = await graphql(gateway.url, CREATE_ORGANIZATION, {
        input: { name: uniqueName(), email: `  ${email.toUpperCase()} `, password: PASSWORD },
      });

      expect(errorCodes(response)).toEqual(['CONFLICT']);
    });
  });

  describe('password', () => {
    it('refuses fewer than 10 characters', async () => {
      await expectRejected(
        'mutation A($input: AddMemberInput!) { addMember(input: $input) { id } }',
        { input: { email: uniqueEmail(), password: 'short', role: 'MEMBER' } },
        'password',
      );
    });

    it('refuses more than 256 characters', async () => {
      await expectRejected(
        'mutation A($input: AddMemberInput!) { addMember(input: $input) { id } }',
        { input: { email: uniqueEmail(), password: 'p'.repeat(257), role: 'MEMBER' } },
        'password',
      );
    });
  });

  describe('project name and task title', () => {
    it('refuses an empty project name after trimming', async () => {
      await expectRejected('mutation { createProject(input: { name: "   " }) { id } }', {}, 'name');
    });

    it('refuses a project name over 120 characters', async () => {
      await expectRejected(
        'mutation P($name: String!) { createProject(input: { name: $name }) { id } }',
        { name: 'p'.repeat(121) },
        'name',
      );
    });

    it('refuses a task title over 200 characters', async () => {
      await expectRejected(
        'mutation T($input: CreateTaskInput!) { createTask(input: $input) { id } }',
        { input: { projectId, title: 't'.repeat(201) } },
        'title',
      );
    });

    it('trims a task title', async () => {
      const response = await graphql(
        gateway.url,
        `mutation { createTask(input: { projectId: "${projectId}", title: "  Ship it  " }) { title status } }`,
        {},
        { token: tenant.token },
      );

      expect(dataOf(response).createTask).toEqual({ title: 'Ship it', status: 'TODO' });
    });
  });

  describe('description', () => {
    it('refuses more than 10,000 characters', async () => {
      await expectRejected(
        'mutation P($input: CreateProjectInput!) { createProject(input: $input) { id } }',
        { input: { name: 'P', description: 'd'.repeat(10_001) } },
        'description',
      );
    });
  });

  describe('tags', () => {
    it('refuses more than 20 distinct tags', async () => {
      const tags = Array.from({ length: 21 }, (_, index) => `tag${index}`);
      await expectRejected(
        'mutation T($input: CreateTaskInput!) { createTask(input: $input) { id } }',
        { input: { projectId, title: 'T', tags } },
        'tags',
      );
    });

    it('refuses a tag over 32 characters', async () => {
      await expectRejected(
        'mutation T($input: CreateTaskInput!) { createTask(input: $input) { id } }',
        { input: { projectId, title: 'T', tags: ['x'.repeat(33)] } },
        'tags',
      );
    });

    it('refuses an empty tag', async () => {
      await expectRejected(
        'mutation T($input: CreateTaskInput!) { createTask(input: $input) { id } }',
        { input: { projectId, title: 'T', tags: ['  '] } },
        'tags',
      );
    });

    it('trims tags and removes duplicates', async () => {
      const response = await graphql(
        gateway.url,
        'mutation T($input: CreateTaskInput!) { createTask(input: $input) { tags } }',
        { input: { projectId, title: 'T', tags: [' ui ', 'ui', 'api'] } },
        { token: tenant.token },
      );

      expect(dataOf(response).createTask.tags).toEqual(['ui', 'api']);
    });
  });

  describe('first', () => {
    for (const first of [0, 101, -1]) {
      it(`refuses first: ${first}`, async () => {
        const response = await graphql(
          gateway.url,
          `{ tasks(first: ${first}) { totalCount } }`,
          {},
          { token: tenant.token },
        );

        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect(response.body.errors?.[0].extensions?.field).toBe('first');
      });
    }
  });

  describe('after', () => {
    it('refuses a cursor this server did not issue', async () => {
      const response = await graphql(
        gateway.url,
        '{ tasks(after: "bm9wZQ") { totalCount } }',
        {},
        { token: tenant.token },
      );

      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0].extensions?.field).toBe('after');
    });

    it('refuses a cursor of another list', async () => {
      const projects = dataOf(
        await graphql(
          gateway.url,
          '{ projects(first: 1) { pageInfo { endCursor } } }',
          {},
          { token: tenant.token },
        ),
      );

      const response = await graphql(
        gateway.url,
        `{ tasks(after: "${projects.projects.pageInfo.endCursor}") { totalCount } }`,
        {},
        { token: tenant.token },
      );

      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('a rejected createTask', () => {
    it('leaves no task behind when the assignee is unknown', async () => {
      const before = await counts();

      const response = await graphql(
        gateway.url,
        `mutation { createTask(input: { projectId: "${projectId}", title: "T", assigneeId: "0123456789abcdef01234567" }) { id } }`,
        {},
        { token: tenant.token },
      );

      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      expect(await counts()).toEqual(before);
    });
  });

  describe('variables of the wrong type', () => {
    it('answer BAD_USER_INPUT with HTTP 400', async () => {
      const response = await graphql(
        gateway.url,
        'query Q($first: Int) { tasks(first: $first) { totalCount } }',
        { first: 'many' },
        { token: tenant.token },
      );

      expect(response.status).toBe(400);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    });
  });

  it('createTask with every field stores what was sent', async () => {
    const taskId = await createTask(gateway.url, tenant.token, {
      projectId,
      title: 'Full',
      description: 'd',
      status: 'IN_PROGRESS',
      tags: ['a'],
      dueAt: '2027-01-02T03:04:05.000Z',
      assigneeId: tenant.ownerId,
    });

    const response = await graphql(
      gateway.url,
      `{ task(id: "${taskId}") { title description status tags dueAt assignee { id } project { id } } }`,
      {},
      { token: tenant.token },
    );

    expect(dataOf(response).task).toEqual({
      title: 'Full',
      description: 'd',
      status: 'IN_PROGRESS',
      tags: ['a'],
      dueAt: '2027-01-02T03:04:05.000Z',
      assignee: { id: tenant.ownerId },
      project: { id: projectId },
    });
  });
});
