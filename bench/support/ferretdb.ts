import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { atCleanup } from './cleanup.js';
import { progress } from './machine.js';
import { DATA_DIR, FERRETDB_BINARY } from './paths.js';
import { freePort, stopChild, waitForPort } from './processes.js';

/** FerretDB's storage backends that the benches can run on. */
export const BENCH_HANDLERS = ['sqlite', 'postgresql'] as const;
export type BenchHandler = (typeof BENCH_HANDLERS)[number];

/**
 * The local PostgreSQL server for `--handler postgresql` (trust authentication). Only
 * databases named with this prefix are created, and each run drops its own.
 */
const POSTGRESQL_HOST = '127.0.0.1';
const POSTGRESQL_USER = 'postgres';
const POSTGRESQL_DATABASE_PREFIX = 'tenantgate_bench_';

const runFile = promisify(execFile);

/** A FerretDB server of this bench run, with its state in a folder of its own. */
export interface BenchDatabase {
  /** Connection string of one database on this server. */
  uri(databaseName: string): string;
  stateDir: string;
  /** The server's process id, for reading its CPU time (FerretDB's own, not PostgreSQL's). */
  pid: number;
  handler: BenchHandler;
  /** The PostgreSQL database behind the server, with `--handler postgresql`. */
  postgresqlDatabase: string | null;
}

/** The handler a `--handler` flag names, or a clear stop before anything starts. */
export function benchHandlerOf(text: string): BenchHandler {
  const handler = BENCH_HANDLERS.find((name) => name === text);
  if (!handler) {
    process.stderr.write(`--handler needs one of ${BENCH_HANDLERS.join(', ')}, not "${text}"\n`);
    process.exit(2);
  }
  return handler;
}

/**
 * Starts FerretDB (telemetry off, loopback only) with fresh state under
 * `.data/bench-<name>-<pid>/`, and registers its stop and the state's removal at cleanup. With
 * the PostgreSQL handler the run also creates a database of its own on the local PostgreSQL
 * server, and drops it after FerretDB stopped (kept with `keepState`, like the folder).
 */
export async function startBenchDatabase(
  name: string,
  keepState = false,
  handler: BenchHandler = 'sqlite',
): Promise<BenchDatabase> {
  if (!existsSync(FERRETDB_BINARY)) {
    throw new Error(`${FERRETDB_BINARY} is missing; build it with: bash scripts/build-ferretdb.sh`);
  }

  const stateDir = path.join(DATA_DIR, `bench-${name}-${process.pid}`);
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const postgresqlDatabase =
    handler === 'postgresql' ? await createPostgresqlDatabase(name, keepState) : null;

  const port = await freePort();
  const debugPort = await freePort();
  const child = spawn(
    FERRETDB_BINARY,
    [
      ...handlerArguments(stateDir, postgresqlDatabase),
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
    handler,
    postgresqlDatabase,
  };
}

function handlerArguments(stateDir: string, postgresqlDatabase: string | null): string[] {
  if (postgresqlDatabase === null) return ['--handler=sqlite', `--sqlite-url=file:${stateDir}/`];
  const url = `postgres://${POSTGRESQL_USER}@${POSTGRESQL_HOST}:5432/${postgresqlDatabase}`;
  return ['--handler=postgresql', `--postgresql-url=${url}`];
}

/**
 * Creates `tenantgate_bench_<name>_<pid>` with psql. Its drop is registered before FerretDB
 * starts, so it runs after FerretDB's stop (cleanup runs last-registered first) and no
 * connection of FerretDB's pool still holds the database.
 */
async function createPostgresqlDatabase(name: string, keepState: boolean): Promise<string> {
  const database = `${POSTGRESQL_DATABASE_PREFIX}${name.replace(/\W/g, '_')}_${process.pid}`;
  await psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await psql(`CREATE DATABASE ${database}`);
  atCleanup('PostgreSQL database', async () => {
    if (keepState) progress(`kept PostgreSQL database ${database}`);
    else await psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });
  return database;
}

/** One SQL statement through psql, which the machine's PostgreSQL client package installs. */
async function psql(statement: string): Promise<void> {
  try {
    await runFile('psql', [
      '-h',
      POSTGRESQL_HOST,
      '-U',
      POSTGRESQL_USER,
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-qc',
      statement,
    ]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`psql failed on "${statement}": ${stderr || (error as Error).message}`);
  }
}
