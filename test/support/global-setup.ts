import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { TestProject } from 'vitest/node';

import { freePort, startFerretdb, startRedis, stopProcess } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    ferretdbPort: number;
    redisUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, '../..');
let ferretdb: ChildProcess | null = null;
let redis: ChildProcess | null = null;

/**
 * Starts the real servers the suite talks to: one FerretDB (SQLite handler) on a free loopback
 * port with its state in a fresh folder, and one redis-server, also on a free port. Each test file starts its own gateways against it, each
 * with a database of its own.
 */
export async function setup(project: TestProject): Promise<void> {
  const build = spawnSync('bash', [path.join(root, 'scripts/build-ferretdb.sh')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('building FerretDB failed');

  const stateDir = path.join(root, '.data', `test-${process.pid}`);
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const port = await freePort();
  ferretdb = await startFerretdb(path.join(root, '.tools/bin/ferretdb'), stateDir, port);

  const redisPort = await freePort();
  redis = await startRedis(redisPort);

  project.provide('mongoUri', `mongodb://127.0.0.1:${port}/`);
  project.provide('redisUrl', `redis://127.0.0.1:${redisPort}`);
  project.provide('ferretdbPort', port);
}

export async function teardown(): Promise<void> {
  if (ferretdb) await stopProcess(ferretdb);
  if (redis) await stopProcess(redis);
}
