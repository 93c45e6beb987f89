import { randomBytes } from 'node:crypto';

import { MongoClient, ObjectId, type CommandStartedEvent, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

import { CollectionTenantStore } from '../../dist/src/tenancy/collection-store.js';
import { Deadline } from '../../dist/src/tenancy/deadline.js';

let client: MongoClient;
const commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  client = new MongoClient(`${inject('mongoUri')}store_${randomBytes(4).toString('hex')}`, {
    monitorCommands: true,
  });
  client.on('commandStarted', (event) => commands.push(event));
  await client.connect();
});

afterAll(async () => {
  await client.close();
});

function storeOf(tenantId: ObjectId) {
  const db = client.db();
  return new CollectionTenantStore(
    tenantId,
    { projects: db.collection('projects'), tasks: db.collection('tasks') },
    new Deadline(10_000),
  );
}

/** Every filter a command carries: find/count/delete/update filters and $match stages. */
function filtersOf(event: CommandStartedEvent): Document[] {
  const command = event.command;
  const filters: Document[] = [];
  if (command.filter) filters.push(command.filter);
  if (command.query) filters.push(command.query);
  for (const statement of [...(command.updates ?? []), ...(command.deletes ?? [])])
    filters.push(statement.q);
  for (const stage of command.pipeline ?? []) if (stage.$match) filters.push(stage.$match);
  return filters;
}

describe('CollectionTenantStore', () => {
  describe('when built without a tenant id', () => {
    it('throws before sending any command', () => {
      const before = commands.length;

      expect(() => storeOf(undefined as unknown as ObjectId)).toThrow(/tenant id/);
      expect(commands.length).toBe(before);
    });
  });

  describe('for every operation it offers', () => {
    it('sends only commands whose every filter names the tenant', async () => {
      const tenantId = new ObjectId();
      const store = storeOf(tenantId);
      const now = new Date();
      commands.length = 0;

      const project = await store.insertProject({
        name: 'P',
        description: null,
        createdAt: now,
        updatedAt: now,
      });
      const task = await store.insertTask({
        projectId: project._id,
        title: 'T',
        description: null,
        status: 'TODO',
        tags: ['x'],
        dueAt: null,
        assigneeId: null,
        createdAt: now,
        updatedAt: now,
      });
      await store.findProjects([project._id]);
      await store.pageProjects({ first: 5, after: null });
      await store.countProjects();
      await store.updateProject(project._id, { name: 'Q' });
      await store.findTasks([task._id]);
      await store.pageTasks({ status: 'TODO', tag: 'x' }, { first: 5, after: task._id });
      await store.pageTasksOfProjects([project._id], 'TODO', { first: 5, after: null });
      await store.countTasks({ projectId: project._id });
      await store.countTasksOfProjects([project._id], undefined);
      await store.updateTask(task._id, { status: 'DONE' });
      await store.reportTasks('TAG');
      await store.reportTasks('STATUS', project._id);
      await store.unassignMember(new ObjectId());
      await store.deleteTask(task._id);
      await store.deleteProject(project._id);
      await store.dropAll();

      const dataCommands = commands.filter(
        (event) => !['insert', 'getMore', 'createIndexes'].includes(event.commandName),
      );
      expect(dataCommands.length).toBeGreaterThan(15);
      for (const event of dataCommands) {
        const filters = filtersOf(event);
        expect(filters.length, `${event.commandName} carries a filter`).toBeGreaterThan(0);
        for (const filter of filters)
          expect(filter.organizationId, JSON.stringify(event.command)).toEqual(tenantId);
      }
      for (const event of commands.filter((entry) => entry.commandName === 'insert')) {
        for (const document of event.command.documents)
          expect(document.organizationId).toEqual(tenantId);
      }
    });
  });

  describe('two tenants in the same collections', () => {
    it("never see each other's documents", async () => {
      const first = storeOf(new ObjectId());
      const second = storeOf(new ObjectId());
      const now = new Date();
      const project = await first.insertProject({
        name: 'Mine',
        description: null,
        createdAt: now,
        updatedAt: now,
      });

      expect(await second.findProjects([project._id])).toEqual([]);
      expect(await second.countProjects()).toBe(0);
      expect(await second.updateProject(project._id, { name: 'Stolen' })).toBeNull();
      expect(await second.deleteProject(project._id)).toBe(false);
      expect((await first.findProjects([project._id]))[0].name).toBe('Mine');
    });
  });
});
