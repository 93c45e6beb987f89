import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { inject } from 'vitest';

import { stopProcess } from './servers.js';

const root = path.resolve(import.meta.dirname, '../..');

/** A gateway process started by a test, with everything it logged. */
export interface TestGateway {
  url: string;
  databaseName: string;
  mongoUri: string;
  process: ChildProcess;
  logs: Record<string, unknown>[];
  /** Raw log lines, for checks that no secret ever appears. */
  rawLogs: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Options of a test gateway: extra environment, and a database to share with another one. */
export interface GatewayOptions {
  env?: Record<string, string>;
  databaseName?: string;
}

/** A JWT secret shared by the gateways of one test file unless a test picks another. */
export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789';

/**
 * Starts `node dist/src/main.js` as a user would, against the suite's FerretDB, in a database of
 * its own (or a given one, for several replicas). Resolves when it logs that it listens.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const databaseName = options.databaseName ?? `tg_${randomBytes(6).toString('hex')}`;
  const mongoUri = `${inject('mongoUri')}${databaseName}`;
  const child = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      MONGODB_URI: mongoUri,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
      SCRYPT_COST_LOG2: '14',
      TRUST_PROXY: 'loopback',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const logs: Record<string, unknown>[] = [];
  const rawLogs: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start:\n${rawLogs.join('\n')}`)),
      60_000,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      rawLogs.push(line);
      const record = parseLine(line);
      if (record) logs.push(record);
      if (typeof record?.url === 'string' && String(record.msg).includes('listening')) {
        clearTimeout(timer);
        resolve(record.url);
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => rawLogs.push(line));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${rawLogs.join('\n')}`));
    });
  });

  return {
    url,
    databaseName,
    mongoUri,
    process: child,
    logs,
    rawLogs,
    stop: (signal) => stopProcess(child, signal),
  };
}

function parseLine(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}
