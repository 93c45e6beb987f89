import { spawn } from 'node:child_process';

import { atCleanup } from './cleanup.js';
import { freePort, stopChild, waitForPort } from './processes.js';

/** A redis-server of this bench run. */
export interface BenchRedis {
  url: string;
  /** The server's process id, for reading its CPU time. */
  pid: number;
}

/**
 * Starts a redis-server of this run on a free loopback port, keeping nothing on disk, and
 * registers its stop.
 */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  child.once('error', (error) => process.stderr.write(`redis-server: ${error.message}\n`));
  atCleanup('redis-server', () => stopChild(child));

  await waitForPort(port);
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid ?? -1 };
}
