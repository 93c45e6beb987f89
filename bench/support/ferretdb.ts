import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { atCleanup } from './cleanup.js';
import { DATA_DIR, FERRETDB_BINARY } from './paths.js';
import { freePort, stopChild, waitForPort } from './processes.js';

/** A FerretDB server of this bench run, with its state in a folder of its own. */
export interface BenchDatabase {
  /** Connection string of one database on this server. */
  uri(databaseName: string): string;
  stateDir: string;
  /** The server's process id, for reading its CPU time. */
  pid: number;
}

/**
 * Starts FerretDB (SQLite handler, telemetry off, loopback only) with fresh state under
 * `.data/bench-<name>-<pid>/`, and registers its stop and the state's removal at cleanup.
 */
export async function startBenchDatabase(name: string, keepState = false): Promise<BenchDatabase> {
  if (!existsSync(FERRETDB_BINARY)) {
    throw new Error(`${FERRETDB_BINARY} is missing; build it with: bash scripts/build-ferretdb.sh`);
  }

  const stateDir = path.join(DATA_DIR, `bench-${name}-${process.pid}`);
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });

  const port = await freePort();
  const debugPort = await freePort();
  const child = spawn(
    FERRETDB_BINARY,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${stateDir}/`,
      `--state-dir=${stateDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--debug-addr=127.0.0.1:${debugPort}`,
      '--telemetry=disable',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  atCleanup('FerretDB', async () => {
    await stopChild(child);
    if (!keepState) rmSync(stateDir, { recursive: true, force: true });
  });

  await waitForPort(port);
  return {
    uri: (databaseName) => `mongodb://127.0.0.1:${port}/${databaseName}`,
    stateDir,
    pid: child.pid ?? -1,
  };
}
