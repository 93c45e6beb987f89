import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { atCleanup } from './cleanup.js';
import { GATEWAY_ENTRY, PROJECT_ROOT } from './paths.js';
import { freePort, sleep, stopChild } from './processes.js';

/** How to start one gateway process. */
export interface GatewayOptions {
  /** Shown in progress lines and errors. */
  label: string;
  mongoUri: string;
  jwtSecret: string;
  /** Extra environment: PLANS_FILE, QUOTAS, REDIS_URL and the like. */
  env?: Record<string, string>;
  /** Flags for node itself, such as `--cpu-prof`. */
  nodeArgs?: string[];
}

/** A gateway this bench started. */
export interface BenchGateway {
  label: string;
  /** Root URL, such as http://127.0.0.1:41234. */
  url: string;
  /** The `/graphql` endpoint. */
  endpoint: string;
  pid: number;
  /** `performance.now()` when the process was spawned, for lining up its CPU profile. */
  spawnedAt: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/** How long an up gateway may take to report ready (Redis connected) before the bench warns. */
const READY_TIMEOUT_MS = 5_000;

/** Output lines kept to explain a gateway that failed to start. */
const KEPT_LINES = 40;

/**
 * Starts `node dist/src/main.js` on a free loopback port and resolves once it is up. Only PATH
 * is inherited, so nothing from the bench's own environment changes the gateway.
 */
export async function startGateway(options: GatewayOptions): Promise<BenchGateway> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), GATEWAY_ENTRY], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      MONGODB_URI: options.mongoUri,
      JWT_SECRET: options.jwtSecret,
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'loopback',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = keepLastLines(child, options.label);
  const stop = () => stopChild(child);
  atCleanup(`gateway ${options.label}`, stop);

  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, child, output, options.label);
  return {
    label: options.label,
    url,
    endpoint: `${url}/graphql`,
    pid: child.pid!,
    spawnedAt,
    stop,
  };
}

function keepLastLines(child: ChildProcess, label: string): string[] {
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.shift();
    // Warnings and errors of a running gateway matter to whoever reads the bench output.
    if (/"level":(40|50|60)/.test(line)) process.stderr.write(`[${label}] ${line}\n`);
  };
  createInterface({ input: child.stdout! }).on('line', keep);
  createInterface({ input: child.stderr! }).on('line', keep);
  return lines;
}

/**
 * Up means `/healthz` answers: the gateway listens only once its master cluster is connected.
 * `/readyz` (which also covers Redis) should then say 200 too; when it does not, the bench says
 * so on stderr and goes on, since every measurement starts with an unmeasured warm-up.
 */
async function waitUntilReady(
  url: string,
  child: ChildProcess,
  output: string[],
  label: string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;

  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`gateway ${label} exited during start:\n${output.join('\n')}`);
    }
    if ((await answerOf(`${url}/healthz`)) === 'HTTP 200') {
      await checkReadiness(url, label);
      return;
    }
    await sleep(100);
  }
  throw new Error(
    `gateway ${label} did not answer /healthz within ${START_TIMEOUT_MS} ms:\n${output.join('\n')}`,
  );
}

async function checkReadiness(url: string, label: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let answer = await answerOf(`${url}/readyz`);

  while (answer !== 'HTTP 200' && Date.now() < deadline) {
    await sleep(100);
    answer = await answerOf(`${url}/readyz`);
  }
  if (answer !== 'HTTP 200') {
    process.stderr.write(`warning: gateway ${label} is up but /readyz answers ${answer}\n`);
  }
}

/** `HTTP 200`, or what else the URL answered. */
async function answerOf(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    const body = await response.text();
    return response.status === 200 ? 'HTTP 200' : `HTTP ${response.status} ${body.slice(0, 200)}`;
  } catch (error) {
    return (error as Error).message;
  }
}
