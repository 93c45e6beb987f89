import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import { atCleanup } from './cleanup.js';
import type { FromWorker, LoadCounters, LoadJob, LoadReport, ToWorker } from './load-protocol.js';
import { stopChild } from './processes.js';

const WORKER_SCRIPT = path.join(import.meta.dirname, 'load-worker.js');

/** Extra time the bench waits for a worker's report past the job's own bounds. */
const REPORT_MARGIN_MS = 10_000;

/** A forked load-generating process that runs one job at a time. */
export class LoadWorker {
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {}

  /** The worker's process id, for reading its CPU time. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Forks a worker and waits until it is listening for jobs. */
  static async start(name: string): Promise<LoadWorker> {
    const child = fork(WORKER_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    atCleanup(`load worker ${name}`, () => stopChild(child, 5_000));

    await new Promise<void>((resolve, reject) => {
      child.once('message', (message: FromWorker) =>
        message.type === 'ready' ? resolve() : reject(new Error(`worker ${name}: ${message.type}`)),
      );
      child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}`)));
    });
    return new LoadWorker(name, child);
  }

  /** Runs a job; `onProgress` sees the worker's counters every `progressEveryMs`. */
  run(job: LoadJob, onProgress?: (counters: LoadCounters) => void): Promise<LoadReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`worker ${this.name} sent no report for ${job.label}`)),
        job.durationMs + job.timeoutMs + REPORT_MARGIN_MS,
      );
      const onMessage = (message: FromWorker) => {
        if (message.type === 'progress') onProgress?.(message.counters);
        if (message.type === 'done') finish(null, message.report);
        if (message.type === 'failed') finish(new Error(`worker ${this.name}: ${message.message}`));
      };
      const onExit = (code: number | null) =>
        finish(new Error(`worker ${this.name} exited with ${code} during ${job.label}`));
      const finish = (error: Error | null, report?: LoadReport) => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (error) reject(error);
        else resolve(report!);
      };

      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ type: 'run', job } satisfies ToWorker);
    });
  }

  /** Tells the worker to exit and waits until it has. */
  async close(): Promise<void> {
    if (this.child.connected) this.child.send({ type: 'exit' } satisfies ToWorker);
    await stopChild(this.child, 5_000);
  }
}

/** Counters of several workers' reports added together. */
export function combineCounters(label: string, parts: readonly LoadCounters[]): LoadCounters {
  const outcomes: Record<string, number> = {};
  for (const part of parts) {
    for (const [outcome, count] of Object.entries(part.outcomes)) {
      outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
    }
  }

  return {
    label,
    sent: sum(parts, (part) => part.sent),
    completed: sum(parts, (part) => part.completed),
    skipped: sum(parts, (part) => part.skipped),
    outcomes,
    elapsedMs: Math.max(0, ...parts.map((part) => part.elapsedMs)),
  };
}

/** `ok 120, THROTTLED 3400` — a compact line of outcome counts, largest first. */
export function describeOutcomes(outcomes: Record<string, number>): string {
  const entries = Object.entries(outcomes).sort((a, b) => b[1] - a[1]);
  return entries.length > 0
    ? entries.map(([name, count]) => `${name} ${count}`).join(', ')
    : 'none';
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
