import { ObjectId, type Db } from 'mongodb';

import { processCpuMs } from './process-cpu.js';
import { sleep } from './processes.js';

/** What the database server costs by itself at one size, apart from any gateway. */
export interface ServerProbe {
  /** One page of the tenant's tasks, as the gateway's `pageTasks` asks for it. */
  tenantPageMs: number;
  /** The gateway's suspension poll: `organizations` where `suspended` is true, ids only. */
  suspensionPollMs: number;
}

/**
 * Times two of the gateway's queries once each, sent by the bench while nothing else uses the
 * server: one tenant's first page of tasks, and the suspension poll every replica runs every
 * 0.4 s. Both filter on a field; a server without filter pushdown reads the whole collection.
 */
export async function probeServer(db: Db, tenantId: string): Promise<ServerProbe> {
  const tenantPageMs = await timed(() =>
    db
      .collection('tasks')
      .find({ organizationId: new ObjectId(tenantId) })
      .sort({ _id: 1 })
      .limit(11)
      .toArray(),
  );
  const suspensionPollMs = await timed(() =>
    db
      .collection('organizations')
      .find({ suspended: true }, { projection: { _id: 1 } })
      .toArray(),
  );
  return { tenantPageMs, suspensionPollMs };
}

/** A process's CPU over a window, in % of one core; with a gateway idle, its polls' cost. */
export async function cpuPercentOver(pid: number, windowMs: number): Promise<number> {
  const before = processCpuMs(pid);
  await sleep(windowMs);
  return (100 * (processCpuMs(pid) - before)) / Math.max(1, windowMs);
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}
