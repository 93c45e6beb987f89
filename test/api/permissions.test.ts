import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  PASSWORD,
  addMemberAs,
  createProject,
  createTask,
  createTenant,
  uniqueEmail,
  type TestSession,
  type TestTenant,
} from '../support/builders.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { errorCodes, graphql } from '../support/graphql.js';

type Caller = 'OWNER' | 'ADMIN' | 'MEMBER' | 'ANONYMOUS';

/** An operation of the contract, with the ids it needs made fresh for every caller. */
interface Operation {
  name: string;
  allowed: Caller[];
  prepare: () => Promise<{ query: string; variables?: Record<string, unknown> }>;
}

let gateway: TestGateway;
let tenant: TestTenant;
let sessions: Record<Exclude<Caller, 'ANONYMOUS' | 'OWNER'>, TestSession>;
let projectId: string;

beforeAll(async () => {
  gateway = await startGateway();
  tenant = await createTenant(gateway.url);
  sessions = {
    ADMIN: await addMemberAs(gateway.url, tenant, 'ADMIN'),
    MEMBER: await addMemberAs(gateway.url, tenant, 'MEMBER'),
  };
  projectId = await createProject(gateway.url, tenant.token);
});

afterAll(async () => {
  await gateway.stop();
});

const ALL: Caller[] = ['OWNER', 'ADMIN', 'MEMBER'];
const MANAGERS: Caller[] = ['OWNER', 'ADMIN'];

const operations: Operation[] = [
  { name: 'viewer', allowed: ALL, prepare: async () => ({ query: '{ viewer { id } }' }) },
  {
    name: 'organization',
    allowed: ALL,
    prepare: async () => ({ query: '{ organization { id members { totalCount } } }' }),
  },
  {
    name: 'projects',
    allowed: ALL,
    prepare: async () => ({ query: '{ projects { totalCount } }' }),
  },
  {
    name: 'project',
    allowed: ALL,
    prepare: async () => ({ query: `{ project(id: "${projectId}") { id } }` }),
  },
  { name: 'tasks', allowed: ALL, prepare: async () => ({ query: '{ tasks { totalCount } }' }) },
  {
    name: 'task',
    allowed: ALL,
    prepare: async () => ({
      query: `{ task(id: "${await createTask(gateway.url, tenant.token, { projectId })}") { id } }`,
    }),
  },
  {
    name: 'taskReport',
    allowed: ALL,
    prepare: async () => ({ query: '{ taskReport(input: { dimension: STATUS }) { total } }' }),
  },
  {
    name: 'updateOrganization',
    allowed: MANAGERS,
    prepare: async () => ({ query: 'mutation { updateOrganization(input: {}) { id } }' }),
  },
  {
    name: 'addMember',
    allowed: MANAGERS,
    prepare: async () => ({
      query: 'mutation A($input: AddMemberInput!) { addMember(input: $input) { id } }',
      variables: { input: { email: uniqueEmail(), password: PASSWORD, role: 'MEMBER' } },
    }),
  },
  {
    name: 'updateMember',
    allowed: MANAGERS,
    prepare: async () => {
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');
      return {
        query: `mutation { updateMember(input: { id: "${member.memberId}", role: ADMIN }) { id role } }`,
      };
    },
  },
  {
    name: 'removeMember',
    allowed: MANAGERS,
    prepare: async () => {
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');
      return { query: `mutation { removeMember(id: "${member.memberId}") }` };
    },
  },
  {
    name: 'createProject',
    allowed: MANAGERS,
    prepare: async () => ({ query: 'mutation { createProject(input: { name: "P" }) { id } }' }),
  },
  {
    name: 'updateProject',
    allowed: MANAGERS,
    prepare: async () => ({
      query: `mutation { updateProject(input: { id: "${projectId}", name: "Renamed" }) { id } }`,
    }),
  },
  {
    name: 'deleteProject',
    allowed: MANAGERS,
    prepare: async () => ({
      query: `mutation { deleteProject(id: "${await createProject(gateway.url, tenant.token)}") }`,
    }),
  },
  {
    name: 'createTask',
    allowed: ALL,
    prepare: async () => ({
      query: `mutation { createTask(input: { projectId: "${projectId}", title: "T" }) { id } }`,
    }),
  },
  {
    name: 'updateTask',
    allowed: ALL,
    prepare: async () => {
      const taskId = await createTask(gateway.url, tenant.token, { projectId });
      return {
        query: `mutation { updateTask(input: { id: "${taskId}", status: DONE }) { status } }`,
      };
    },
  },
  {
    name: 'deleteTask',
    allowed: MANAGERS,
    prepare: async () => ({
      query: `mutation { deleteTask(id: "${await createTask(gateway.url, tenant.token, { projectId })}") }`,
    }),
  },
];

function tokenOf(caller: Caller): string | undefined {
  if (caller === 'ANONYMOUS') return undefined;
  return caller === 'OWNER' ? tenant.token : sessions[caller].token;
}

describe('permissions', () => {
  for (const operation of operations) {
    describe(operation.name, () => {
      for (const caller of ['OWNER', 'ADMIN', 'MEMBER', 'ANONYMOUS'] as Caller[]) {
        const expected = operation.allowed.includes(caller)
          ? 'runs'
          : caller === 'ANONYMOUS'
            ? 'UNAUTHENTICATED'
            : 'FORBIDDEN';

        it(`${caller}: ${expected}`, async () => {
          const { query, variables } = await operation.prepare();

          const response = await graphql(gateway.url, query, variables, { token: tokenOf(caller) });

          if (expected === 'runs') expect(response.body.errors).toBeUndefined();
          else expect(errorCodes(response)).toEqual([expected]);
        });
      }
    });
  }

  describe('an ADMIN', () => {
    it('may not grant OWNER when adding a member', async () => {
      const response = await graphql(
        gateway.url,
        'mutation A($input: AddMemberInput!) { addMember(input: $input) { id } }',
        { input: { email: uniqueEmail(), password: PASSWORD, role: 'OWNER' } },
        { token: sessions.ADMIN.token },
      );

      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    });

    it('may not promote a member to OWNER', async () => {
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');

      const response = await graphql(
        gateway.url,
        `mutation { updateMember(input: { id: "${member.memberId}", role: OWNER }) { id } }`,
        {},
        { token: sessions.ADMIN.token },
      );

      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    });

    it('may not demote or remove an OWNER', async () => {
      const demote = await graphql(
        gateway.url,
        `mutation { updateMember(input: { id: "${tenant.ownerId}", role: MEMBER }) { id } }`,
        {},
        { token: sessions.ADMIN.token },
      );
      const remove = await graphql(
        gateway.url,
        `mutation { removeMember(id: "${tenant.ownerId}") }`,
        {},
        { token: sessions.ADMIN.token },
      );

      expect(errorCodes(demote)).toEqual(['FORBIDDEN']);
      expect(errorCodes(remove)).toEqual(['FORBIDDEN']);
    });

    it('may not delete the organization', async () => {
      const response = await graphql(
        gateway.url,
        `mutation { deleteOrganization(input: { confirmName: "${tenant.name}" }) }`,
        {},
        { token: sessions.ADMIN.token },
      );

      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    });
  });

  describe('a MEMBER', () => {
    it('may not delete the organization', async () => {
      const response = await graphql(
        gateway.url,
        `mutation { deleteOrganization(input: { confirmName: "${tenant.name}" }) }`,
        {},
        { token: sessions.MEMBER.token },
      );

      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    });
  });

  describe('the last OWNER', () => {
    it('cannot be demoted', async () => {
      const solo = await createTenant(gateway.url);

      const response = await graphql(
        gateway.url,
        `mutation { updateMember(input: { id: "${solo.ownerId}", role: ADMIN }) { id } }`,
        {},
        { token: solo.token },
      );

      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    });

    it('cannot be removed', async () => {
      const solo = await createTenant(gateway.url);

      const response = await graphql(
        gateway.url,
        `mutation { removeMember(id: "${solo.ownerId}") }`,
        {},
        { token: solo.token },
      );

      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    });

    it('can be demoted once another OWNER exists', async () => {
      const duo = await createTenant(gateway.url);
      await addMemberAs(gateway.url, duo, 'OWNER');

      const response = await graphql(
        gateway.url,
        `mutation { updateMember(input: { id: "${duo.ownerId}", role: ADMIN }) { role } }`,
        {},
        { token: duo.token },
      );

      expect(response.body.data?.updateMember).toEqual({ role: 'ADMIN' });
    });
  });

  describe('public fields', () => {
    it('answer without a token beside a guarded field that refuses', async () => {
      const response = await graphql(
        gateway.url,
        `{ organizationByName(name: "${tenant.name}") { slug } project(id: "${projectId}") { id } }`,
      );

      expect(response.body.data).toEqual({
        organizationByName: { slug: tenant.slug },
        project: null,
      });
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(response.body.errors?.[0].path).toEqual(['project']);
    });
  });
});
