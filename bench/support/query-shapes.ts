import { MongoClient, ObjectId, type CommandStartedEvent, type Db, type Document } from 'mongodb';

import { CollectionTenantStore } from '../../src/tenancy/collection-store.js';
import { Deadline } from '../../src/tenancy/deadline.js';
import type { ProjectDocument, TaskDocument } from '../../src/tenancy/models.js';
import type { TenantStore } from '../../src/tenancy/tenant-store.js';
import { explainCommand, type PushdownReport } from './filter-pushdown.js';

/** One of the gateway's SHARED-tier reads, as its tenant store sends it. */
interface QueryShape {
  name: string;
  run(store: TenantStore, projectIds: ObjectId[]): Promise<unknown>;
}

/**
 * The reads behind the typical dashboard query (first four) and the other listings a
 * frontend sends most, called on the gateway's own tenant store so that the commands are the
 * gateway's, whatever shape its code gives them.
 */
const SHAPES: readonly QueryShape[] = [
  { name: 'pageProjects first 10', run: (store) => store.pageProjects({ first: 10, after: null }) },
  { name: 'countProjects', run: (store) => store.countProjects() },
  {
    name: 'pageTasksOfProjects 10 × first 5',
    run: (store, ids) => store.pageTasksOfProjects(ids, undefined, { first: 5, after: null }),
  },
  { name: 'findProjects one id', run: (store, ids) => store.findProjects(ids.slice(0, 1)) },
  {
    name: 'pageTasks of a project first 10',
    run: (store, ids) => store.pageTasks({ projectId: ids[0] }, { first: 10, after: null }),
  },
  {
    name: 'pageTasks status TODO after a cursor',
    run: (store) =>
      store.pageTasks({ status: 'TODO' }, { first: 10, after: ObjectId.createFromTime(0) }),
  },
  { name: 'countTasks of a project', run: (store, ids) => store.countTasks({ projectId: ids[0] }) },
  {
    name: 'countTasksOfProjects 10',
    run: (store, ids) => store.countTasksOfProjects(ids, undefined),
  },
  { name: 'reportTasks STATUS', run: (store) => store.reportTasks('STATUS') },
];

/** A command one shape sent, as sent. */
export interface SentCommand {
  shape: string;
  /** `find` or `aggregate`. */
  commandName: string;
  command: Document;
}

/** A sent command and its explain. */
export interface ExplainedCommand extends SentCommand {
  explain: PushdownReport;
}

/** One pass over the shapes: how long each took, and the commands each sent. */
export interface ShapeRun {
  timings: { shape: string; ms: number }[];
  sent: SentCommand[];
}

/**
 * Runs every shape once on the tenant's shared collections, timing each and recording the
 * `find` and `aggregate` commands it sent (driver command monitoring).
 */
export async function runShapes(uri: string, tenantId: string): Promise<ShapeRun> {
  return withStore(uri, tenantId, async (store, projectIds, client) => {
    const run: ShapeRun = { timings: [], sent: [] };
    let current: string | null = null;
    client.on('commandStarted', (event: CommandStartedEvent) => {
      if (current && (event.commandName === 'find' || event.commandName === 'aggregate')) {
        const command = explainable(event.command);
        run.sent.push({ shape: current, commandName: event.commandName, command });
      }
    });
    for (const shape of SHAPES) {
      current = shape.name;
      const startedAt = performance.now();
      await shape.run(store, projectIds);
      run.timings.push({ shape: shape.name, ms: performance.now() - startedAt });
    }
    current = null;
    return run;
  });
}

/** Explains each sent command on the database it was sent to. */
export async function explainSent(db: Db, sent: SentCommand[]): Promise<ExplainedCommand[]> {
  const explained: ExplainedCommand[] = [];
  for (const command of sent) {
    explained.push({ ...command, explain: await explainCommand(db, command.command) });
  }
  return explained;
}

/** The parts of a sent command that decide its plan; session and timing fields left out. */
function explainable(command: Document): Document {
  const kept = ['find', 'aggregate', 'filter', 'sort', 'limit', 'skip', 'projection', 'pipeline'];
  const copy: Document = Object.fromEntries(
    kept.filter((k) => k in command).map((k) => [k, command[k]]),
  );
  if ('aggregate' in copy) copy.cursor = {};
  return copy;
}

async function withStore<T>(
  uri: string,
  tenantId: string,
  work: (store: TenantStore, projectIds: ObjectId[], client: MongoClient) => Promise<T>,
): Promise<T> {
  const client = new MongoClient(uri, { monitorCommands: true });
  await client.connect();
  try {
    const db: Db = client.db();
    const collections = {
      projects: db.collection<ProjectDocument>('projects'),
      tasks: db.collection<TaskDocument>('tasks'),
    };
    const id = new ObjectId(tenantId);
    const store = new CollectionTenantStore(id, collections, new Deadline(600_000));
    const projects = await store.pageProjects({ first: 10, after: null });
    return await work(
      store,
      projects.nodes.map((project) => project._id),
      client,
    );
  } finally {
    await client.close();
  }
}
