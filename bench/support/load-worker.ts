/**
 * A load generator in a process of its own, so its CPU use and its event loop are not the
 * bench's. The bench forks it and sends jobs over IPC; every job is bounded by a duration and a
 * request cap, and the worker exits when told to or when the bench goes away.
 */
import { Agent, request as httpRequest } from 'node:http';

import type { FromWorker, LoadCounters, LoadJob, LoadReport, ToWorker } from './load-protocol.js';

/** Extra time, past its duration, a job may take for its last answers to arrive. */
const SETTLE_MARGIN_MS = 2_000;

function send(message: FromWorker): void {
  process.send?.(message);
}

/** A job in progress: what it sent and how each answer came out. */
class JobTally {
  readonly counters: LoadCounters;
  readonly latenciesMs: number[] = [];
  readonly latencyOutcomes: string[] = [];
  private readonly startedAt = performance.now();

  constructor(label: string) {
    this.counters = { label, sent: 0, completed: 0, skipped: 0, outcomes: {}, elapsedMs: 0 };
  }

  record(outcome: string, latencyMs: number): void {
    this.counters.completed += 1;
    this.counters.outcomes[outcome] = (this.counters.outcomes[outcome] ?? 0) + 1;
    this.latenciesMs.push(latencyMs);
    this.latencyOutcomes.push(outcome);
  }

  snapshot(): LoadCounters {
    return {
      ...this.counters,
      outcomes: { ...this.counters.outcomes },
      elapsedMs: performance.now() - this.startedAt,
    };
  }

  report(): LoadReport {
    return {
      ...this.snapshot(),
      latenciesMs: this.latenciesMs,
      latencyOutcomes: this.latencyOutcomes,
    };
  }
}

async function runJob(job: LoadJob): Promise<LoadReport> {
  const tally = new JobTally(job.label);
  const ticker = setInterval(
    () => send({ type: 'progress', counters: tally.snapshot() }),
    job.progressEveryMs,
  );

  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });

  try {
    const inFlight = new Set<Promise<void>>();
    if (job.ratePerSecond > 0) await sendOnSchedule(job, tally, inFlight, agent);
    else await sendClosedLoop(job, tally, inFlight, agent);
    await Promise.all(inFlight);
  } finally {
    clearInterval(ticker);
    agent.destroy();
  }
  return tally.report();
}

/**
 * Open loop: request n is due at start + n / rate whether or not earlier ones were answered, so
 * a slow gateway cannot slow the caller down (no coordinated omission). Sends run late only when
 * this process itself falls behind, and then catch up at once.
 */
async function sendOnSchedule(
  job: LoadJob,
  tally: JobTally,
  inFlight: Set<Promise<void>>,
  agent: Agent,
): Promise<void> {
  const startedAt = performance.now();
  const intervalMs = 1_000 / job.ratePerSecond;

  for (let n = 0; n < job.maxRequests; n++) {
    const dueAt = startedAt + n * intervalMs;
    if (dueAt - startedAt >= job.durationMs) break;

    const waitMs = dueAt - performance.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (inFlight.size >= job.concurrency) {
      tally.counters.skipped += 1;
      continue;
    }
    track(inFlight, sendOne(job, n, tally, agent));
  }
}

/** Closed loop: each of `concurrency` connections sends its next request once answered. */
async function sendClosedLoop(
  job: LoadJob,
  tally: JobTally,
  inFlight: Set<Promise<void>>,
  agent: Agent,
): Promise<void> {
  const deadline = performance.now() + job.durationMs;
  let next = 0;

  const lane = async () => {
    while (performance.now() < deadline && next < job.maxRequests) {
      const request = sendOne(job, next++, tally, agent);
      track(inFlight, request);
      await request;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
}

function track(inFlight: Set<Promise<void>>, request: Promise<void>): void {
  inFlight.add(request);
  void request.finally(() => inFlight.delete(request));
}

async function sendOne(job: LoadJob, n: number, tally: JobTally, agent: Agent): Promise<void> {
  const request = job.requests[n % job.requests.length];
  tally.counters.sent += 1;

  const sentAt = performance.now();
  let outcome: string;
  try {
    const { status, text } = await post(job, request, agent);
    outcome = outcomeOf(status, text);
  } catch (error) {
    outcome = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network error';
  }
  tally.record(outcome, performance.now() - sentAt);
}

/**
 * One POST over the job's keep-alive connections. `node:http` rather than `fetch`: fetch cost
 * this process about 1.6 ms of CPU per request, so a 300 requests/s flood took a whole core of a
 * two-core machine from the gateway and tenant B, and measured the generator more than the
 * gateway. This costs a fraction of that.
 */
function post(
  job: LoadJob,
  request: LoadJob['requests'][number],
  agent: Agent,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      job.endpoint,
      {
        method: 'POST',
        agent,
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        timeout: job.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => {
      const error = new Error(`no answer in ${job.timeoutMs} ms`);
      error.name = 'TimeoutError';
      outgoing.destroy(error);
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** `ok`, or the first error's code, or the HTTP status when the body names no code. */
function outcomeOf(status: number, text: string): string {
  let body: { errors?: { extensions?: { code?: unknown } }[] };
  try {
    body = JSON.parse(text);
  } catch {
    return `HTTP ${status}`;
  }

  const code = body.errors?.[0]?.extensions?.code;
  if (code !== undefined) return String(code);
  return status === 200 ? 'ok' : `HTTP ${status}`;
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'exit') process.exit(0);

  const { job } = message;
  // A last guard: no job outlives its duration by more than its timeout and a margin.
  const guard = setTimeout(
    () => {
      send({ type: 'failed', message: `${job.label} did not finish in time` });
      process.exit(1);
    },
    job.durationMs + job.timeoutMs + SETTLE_MARGIN_MS,
  );
  runJob(job)
    .then((report) => send({ type: 'done', report }))
    .catch((error: unknown) => send({ type: 'failed', message: String(error) }))
    .finally(() => clearTimeout(guard));
});

// Without the bench there is no one to report to.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready' });
