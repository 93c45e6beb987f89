import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MongoClient } from 'mongodb';

import type { Logger } from '../logger.js';

/**
 * SQLite in WAL mode with `synchronous=NORMAL`: a commit no longer waits for its own fsync,
 * which halves the cost of every write here. A crash of the process loses nothing; a crash of
 * the machine may lose the last commits, acceptable for the embedded development server (use
 * MONGODB_URI for anything that must survive that).
 */
const SQLITE_PRAGMAS = '_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)';

/** A FerretDB process this gateway started and will stop. */
export interface EmbeddedServer {
  uri: string;
  stop(): Promise<void>;
}

/** Where `scripts/build-ferretdb.sh` lives, relative to this file in `src/` or `dist/src/`. */
function buildScriptPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../scripts/build-ferretdb.sh'),
    path.resolve(here, '../../../scripts/build-ferretdb.sh'),
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

/** Builds FerretDB with the project's script when the binary is missing; shows its progress. */
export async function ensureFerretdbBinary(toolsDir: string, log: Logger): Promise<string> {
  const binary = path.join(toolsDir, 'ferretdb');
  if (existsSync(binary)) return binary;

  log.info(
    { binary },
    'FerretDB is not built yet; building it now (the first build takes minutes)',
  );
  await runToCompletion('bash', [buildScriptPath()], log);

  if (!existsSync(binary)) throw new Error(`FerretDB build finished but ${binary} is missing`);
  return binary;
}

/**
 * Starts FerretDB with its SQLite handler on loopback, state under `dataDir`, telemetry off
 * (its default reports to an outside host), and waits until it answers a ping.
 */
export async function startEmbeddedServer(
  toolsDir: string,
  dataDir: string,
  log: Logger,
): Promise<EmbeddedServer> {
  const binary = await ensureFerretdbBinary(toolsDir, log);
  const stateDir = path.join(dataDir, 'ferretdb');
  const sqliteDir = path.join(stateDir, 'sqlite');
  mkdirSync(sqliteDir, { recursive: true });

  const pidFile = path.join(stateDir, 'ferretdb.pid');
  stopLeftover(pidFile, log);

  const listenPort = await freePort();
  const debugPort = await freePort();
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${sqliteDir}/?${SQLITE_PRAGMAS}`,
      `--state-dir=${stateDir}`,
      `--listen-addr=127.0.0.1:${listenPort}`,
      `--debug-addr=127.0.0.1:${debugPort}`,
      '--telemetry=disable',
      '--log-level=warn',
      '--log-format=json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (child.pid) writeFileSync(pidFile, String(child.pid));
  // Whatever ends this process (a start that fails later, an uncaught error, process.exit), the
  // server goes with it; only SIGKILL escapes, and the pid file lets the next start stop it.
  const stopWithProcess = () => child.kill('SIGTERM');
  process.once('exit', stopWithProcess);
  child.once('exit', () => process.off('exit', stopWithProcess));
  child.stderr?.on('data', (chunk: Buffer) => log.debug({ ferretdb: chunk.toString().trim() }));

  const uri = `mongodb://127.0.0.1:${listenPort}/`;
  await waitUntilReachable(uri, child);
  log.info({ uri, stateDir }, 'embedded FerretDB (SQLite handler) started on loopback');

  return {
    uri,
    stop: async () => {
      await stopChild(child);
      rmSync(pidFile, { force: true });
    },
  };
}

/**
 * A gateway killed without its shutdown leaves its FerretDB running and holding the SQLite
 * files; the next start stops it first.
 */
function stopLeftover(pidFile: string, log: Logger): void {
  if (!existsSync(pidFile)) return;

  const pid = Number(readFileSync(pidFile, 'utf8'));
  const command = Number.isInteger(pid) ? readCommandLine(pid) : '';
  if (command.includes('ferretdb')) {
    log.warn({ pid }, 'stopping an embedded FerretDB left running by an earlier start');
    process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

function readCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

async function waitUntilReachable(uri: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`FerretDB exited with code ${child.exitCode}`);
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  child.kill('SIGKILL');
  throw new Error('FerretDB did not answer within 30 s');
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function runToCompletion(command: string, args: string[], log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) log.info({ build: line });
    };
    child.stdout?.on('data', relay);
    child.stderr?.on('data', relay);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    );
  });
}
