import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  PASSWORD,
  addMemberAs,
  createProject,
  createTask,
  createTenant,
  uniqueEmail,
  uniqueName,
} from '../support/builders.js';
import { openDatabase } from '../support/database.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { dataOf, errorCodes, graphql } from '../support/graphql.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway.stop();
});

/** Counts what the database holds for one organization, across every collection. */
async function storedFor(mongoUri: string, tenantId: string) {
  const { db, close } = await openDatabase(mongoUri);
  const organizationId = new ObjectId(tenantId);
  try {
    return {
      organizations: await db.collection('organizations').countDocuments({ _id: organizationId }),
      members: await db.collection('members').countDocuments({ organizationId }),
      projects: await db.collection('projects').countDocuments({ organizationId }),
      tasks: await db.collection('tasks').countDocuments({ organizationId }),
    };
  } finally {
    await close();
  }
}

describe('updateOrganization', () => {
  describe('when renamed', () => {
    it('keeps every project and task and their ids, and frees the old name', async () => {
      const tenant = await createTenant(gateway.url);
      const projectId = await createProject(gateway.url, tenant.token);
      const taskIds = [];
      for (let index = 0; index < 3; index++)
        taskIds.push(await createTask(gateway.url, tenant.token, { projectId }));
      const newName = uniqueName('Renamed');

      const renamed = await graphql(
        gateway.url,
        'mutation R($name: String!) { updateOrganization(input: { name: $name }) { id name slug } }',
        { name: newName },
        { token: tenant.token },
      );

      expect(dataOf(renamed).updateOrganization).toEqual({
        id: tenant.id,
        name: newName,
        slug: newName.toLowerCase().replace(' ', '-'),
      });
      const after = dataOf(
        await graphql(
          gateway.url,
          '{ projects { nodes { id tasks { nodes { id } } } } }',
          {},
          { token: tenant.token },
        ),
      );
      expect(after.projects.nodes).toEqual([
        { id: projectId, tasks: { nodes: taskIds.map((id) => ({ id })) } },
      ]);
      const oldName = await graphql(
        gateway.url,
        `{ organizationByName(name: "${tenant.name}") { name } }`,
      );
      expect(oldName.body.data?.organizationByName).toBeNull();
    });
  });

  describe('when the new name is taken', () => {
    it('answers CONFLICT and keeps the old name', async () => {
      const tenant = await createTenant(gateway.url);
      const other = await createTenant(gateway.url);

      const response = await graphql(
        gateway.url,
        `mutation { updateOrganization(input: { name: "${other.name.toUpperCase()}" }) { name } }`,
        {},
        { token: tenant.token },
      );

      expect(errorCodes(response)).toEqual(['CONFLICT']);
      expect(
        dataOf(await graphql(gateway.url, '{ organization { name } }', {}, { token: tenant.token }))
          .organization.name,
      ).toBe(tenant.name);
    });
  });
});

describe('deleteOrganization', () => {
  describe('with the right confirmation', () => {
    it('removes its members, projects and tasks, and revokes its tokens', async () => {
      const tenant = await createTenant(gateway.url);
      const member = await addMemberAs(gateway.url, tenant, 'MEMBER');
      const projectId = await createProject(gateway.url, tenant.token);
      await createTask(gateway.url, tenant.token, { projectId });
      expect(await storedFor(gateway.mongoUri, tenant.id)).toEqual({
        organizations: 1,
        members: 2,
        projects: 1,
        tasks: 1,
      });

      const response = await graphql(
        gateway.url,
        `mutation { deleteOrganization(input: { confirmName: "${tenant.name}" }) }`,
        {},
        { token: tenant.token },
      );

      expect(dataOf(response).deleteOrganization).toBe(true);
      expect(await storedFor(gateway.mongoUri, tenant.id)).toEqual({
        organizations: 0,
        members: 0,
        projects: 0,
        tasks: 0,
      });
      for (const token of [tenant.token, member.token]) {
        const refused = await graphql(gateway.url, '{ viewer { id } }', {}, { token });
        expect(refused.status).toBe(401);
      }
    });

    it("leaves another organization's data alone", async () => {
      const doomed = await createTenant(gateway.url);
      const survivor = await createTenant(gateway.url);
      const projectId = await createProject(gateway.url, survivor.token);
      await createTask(gateway.url, survivor.token, { projectId });

      await graphql(
        gateway.url,
        `mutation { deleteOrganization(input: { confirmName: "${doomed.name}" }) }`,
        {},
        { token: doomed.token },
      );

      expect(await storedFor(gateway.mongoUri, survivor.id)).toEqual({
        organizations: 1,
        members: 1,
        projects: 1,
        tasks: 1,
      });
    });
  });

  describe('when re-created under the old name', () => {
    it('the old token does not reach the new organization', async () => {
      const tenant = await createTenant(gateway.url);
      await graphql(
        gateway.url,
        `mutation { deleteOrganization(input: { confirmName: "${tenant.name}" }) }`,
        {},
        { token: tenant.token },
      );

      const recreated = await graphql(
        gateway.url,
        'mutation C($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }',
        { input: { name: tenant.name, email: uniqueEmail(), password: PASSWORD } },
      );

      expect(dataOf(recreated).createOrganization.organization.id).not.toBe(tenant.id);
      const old = await graphql(
        gateway.url,
        '{ organization { id } }',
        {},
        { token: tenant.token },
      );
      expect(old.status).toBe(401);
    });
  });

  describe('with a wrong confirmation', () => {
    it('answers BAD_USER_INPUT and deletes nothing', async () => {
      const tenant = await createTenant(gateway.url);

      const response = await graphql(
        gateway.url,
        'mutation { deleteOrganization(input: { confirmName: "something else" }) }',
        {},
        { token: tenant.token },
      );

      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0].extensions?.field).toBe('confirmName');
      expect((await storedFor(gateway.mongoUri, tenant.id)).organizations).toBe(1);
    });
  });
});

describe('crash recovery', () => {
  it('finishes a deletion that a stopped process left half-way', async () => {
    const replica = await startGateway();
    const tenant = await createTenant(replica.url);
    const projectId = await createProject(replica.url, tenant.token);
    await createTask(replica.url, tenant.token, { projectId });
    await replica.stop('SIGKILL');
    const { db, close } = await openDatabase(replica.mongoUri);
    await db
      .collection('organizations')
      .updateOne(
        { _id: new ObjectId(tenant.id) },
        { $set: { state: 'deleting', stateChangedAt: new Date() } },
      );
    await close();

    const restarted = await startGateway({ databaseName: replica.databaseName });

    expect(await storedFor(replica.mongoUri, tenant.id)).toEqual({
      organizations: 0,
      members: 0,
      projects: 0,
      tasks: 0,
    });
    expect(
      (await graphql(restarted.url, '{ viewer { id } }', {}, { token: tenant.token })).status,
    ).toBe(401);
    await restarted.stop();
  });

  it('undoes a creation that a stopped process left half-way, freeing its name and email', async () => {
    const replica = await startGateway();
    const { db, close } = await openDatabase(replica.mongoUri);
    const organizationId = new ObjectId();
    const name = uniqueName('Half');
    const email = uniqueEmail();
    const longAgo = new Date(Date.now() - 3_600_000);
    await db.collection('organizations').insertOne({
      _id: organizationId,
      name,
      slug: name.toLowerCase().replace(' ', '-'),
      plan: 'FREE',
      state: 'creating',
      tier: 'SHARED',
      cluster: 'master',
      suspended: false,
      createdAt: longAgo,
      updatedAt: longAgo,
      stateChangedAt: longAgo,
    });
    await db.collection('members').insertOne({
      organizationId,
      email,
      passwordHash: 'x',
      role: 'OWNER',
      tokenGeneration: 0,
      createdAt: longAgo,
      updatedAt: longAgo,
    });
    await close();
    await replica.stop('SIGKILL');

    const restarted = await startGateway({ databaseName: replica.databaseName });
    const response = await graphql(
      restarted.url,
      'mutation C($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { name } } }',
      { input: { name, email, password: PASSWORD } },
    );

    expect(dataOf(response).createOrganization.organization.name).toBe(name);
    expect(await storedFor(replica.mongoUri, organizationId.toHexString())).toEqual({
      organizations: 0,
      members: 0,
      projects: 0,
      tasks: 0,
    });
    await restarted.stop();
  });
});
