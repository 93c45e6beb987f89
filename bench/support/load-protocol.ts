/** One request a load worker sends: a ready JSON body and its headers. */
export interface LoadRequest {
  body: string;
  headers: Record<string, string>;
}

/** A bounded stretch of load one worker generates. */
export interface LoadJob {
  /** Names the job in progress lines. */
  label: string;
  /** The `/graphql` endpoint; always a loopback address of a gateway this bench started. */
  endpoint: string;
  /** Sent in turn: request n is `requests[n % requests.length]`. */
  requests: LoadRequest[];
  /**
   * Requests per second on a fixed schedule (open loop), or 0 to send the next request as soon
   * as a connection is free (closed loop).
   */
  ratePerSecond: number;
  /** Requests in flight at most; a scheduled send that finds them all busy is skipped. */
  concurrency: number;
  durationMs: number;
  /** A hard cap on requests sent, whatever the duration. */
  maxRequests: number;
  /** A request not answered in this time counts as `timeout`. */
  timeoutMs: number;
  /** How often the worker reports its counters. */
  progressEveryMs: number;
}

/** Counters of a job so far. */
export interface LoadCounters {
  label: string;
  sent: number;
  completed: number;
  /** Scheduled sends dropped because every connection was busy. */
  skipped: number;
  /** Answers by outcome: `ok`, an error code such as `THROTTLED`, `HTTP 500`, `timeout`... */
  outcomes: Record<string, number>;
  elapsedMs: number;
}

/** What a finished job reports: its counters and every latency, in send order. */
export interface LoadReport extends LoadCounters {
  latenciesMs: number[];
  /** The outcome of each latency, same order, for splitting latencies by outcome. */
  latencyOutcomes: string[];
}

/** Messages from the bench to a worker. */
export type ToWorker = { type: 'run'; job: LoadJob } | { type: 'exit' };

/** Messages from a worker to the bench. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; counters: LoadCounters }
  | { type: 'done'; report: LoadReport }
  | { type: 'failed'; message: string };
