/**
 * A small GraphQL-over-HTTP client for the tenantgate scripts. It posts one operation, waits and
 * retries when the gateway's quotas say "not now" (THROTTLED, CONCURRENCY_LIMITED), and turns
 * every other error into a GraphQLRequestError carrying the error codes. An operation is either a
 * generated document from client/ (typed data and variables) or a query string.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

import {
  endpointOf,
  printed,
  retryAfterHeaderMs,
  type CostExtension,
  type GraphQLErrorEntry,
} from '../client/wire.js';

export type { CostExtension, GraphQLErrorEntry, ThrottleStatus } from '../client/wire.js';

/** Codes that mean "send the same request again later"; every other code is final. */
const QUOTA_CODES: ReadonlySet<string> = new Set(['THROTTLED', 'CONCURRENCY_LIMITED']);

/** Used when a quota error names no wait at all, which the contract says it always does. */
const FALLBACK_WAIT_MS = 1_000;

/** Callers refused at the same moment should not all come back at the same moment. */
const JITTER_MS = 50;

/** Enough for a long throttled stretch; past it something is wrong, so give up loudly. */
const DEFAULT_MAX_RETRIES = 50;

/** One slow answer must not hang a script forever. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** A successful answer: its data, its cost when the gateway reported one, and retries spent. */
export interface GraphQLResult<TData> {
  data: TData;
  cost: CostExtension | null;
  retries: number;
}

/** Counters a caller can share between requests to report its traffic. */
export interface RequestCounters {
  requests: number;
  retries: number;
}

/** Told before each quota wait, e.g. to show a long pause. */
export interface RetryNotice {
  operationName: string;
  codes: string;
  waitMs: number;
  retry: number;
}

/** Runs one HTTP attempt, e.g. under a concurrency limit; waits between attempts run outside. */
export type AttemptGate = <T>(attempt: () => Promise<T>) => Promise<T>;

/** Per-request knobs; all optional. */
export interface RequestOptions {
  /** Names the operation in error messages; defaults to the document's operation name. */
  operationName?: string;
  maxRetries?: number;
  timeoutMs?: number;
  counters?: RequestCounters;
  gate?: AttemptGate;
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
}

/** Thrown when an operation answers errors (other than a quota wait) or no usable answer. */
export class GraphQLRequestError extends Error {
  /** The `extensions.code` of each error, in order; empty when no GraphQL answer came. */
  readonly codes: readonly string[];
  readonly operationName: string;
  readonly httpStatus: number | null;
  readonly errors: readonly GraphQLErrorEntry[];

  constructor(failure: Failure) {
    const errors = failure.errors ?? [];
    super(`${failure.operationName} failed: ${failure.detail ?? describeErrors(errors)}`);
    this.name = 'GraphQLRequestError';
    this.codes = errors.map((error) => error.extensions?.code ?? 'UNKNOWN');
    this.operationName = failure.operationName;
    this.httpStatus = failure.httpStatus ?? null;
    this.errors = errors;
  }
}

interface Failure {
  operationName: string;
  httpStatus?: number | null;
  errors?: readonly GraphQLErrorEntry[];
  detail?: string;
}

/** A generated document, whose types give the data and variables, or a query string. */
export type Operation<TData, TVariables> = TypedDocumentNode<TData, TVariables> | string;

/** Posts one operation and returns its data; throws GraphQLRequestError on any error. */
export async function post<TData, TVariables = Record<string, unknown>>(
  url: string,
  operation: Operation<TData, TVariables>,
  variables?: TVariables,
  token: string | null = null,
  options: RequestOptions = {},
): Promise<TData> {
  const result = await request(url, operation, variables, token, options);
  return result.data;
}

/** Like `post`, but also returns the response's `extensions.cost` and the retries it took. */
export async function request<TData, TVariables = Record<string, unknown>>(
  url: string,
  operation: Operation<TData, TVariables>,
  variables?: TVariables,
  token: string | null = null,
  options: RequestOptions = {},
): Promise<GraphQLResult<TData>> {
  const query = typeof operation === 'string' ? operation : printed(operation);
  const operationName = options.operationName ?? operationNameOf(query);
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const gate: AttemptGate = options.gate ?? ((attempt) => attempt());
  const payload = JSON.stringify({ query, variables: variables ?? {} });

  for (let retries = 0; ; retries += 1) {
    if (options.counters) options.counters.requests += 1;
    const answer = await gate(() => send(url, payload, token, operationName, options));

    const waitMs = quotaWaitMs(answer);
    if (waitMs === null) return toResult<TData>(answer, operationName, retries);
    if (retries >= maxRetries) {
      const detail = `still ${codesOf(answer)} after ${retries} retries`;
      throw new GraphQLRequestError({ operationName, httpStatus: answer.status, detail });
    }

    if (options.counters) options.counters.retries += 1;
    options.onRetry?.({ operationName, codes: codesOf(answer), waitMs, retry: retries + 1 });
    await sleep(waitMs, options.signal);
  }
}

/** Waits `ms` milliseconds; rejects early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', stop, { once: true });

    function done(): void {
      signal?.removeEventListener('abort', stop);
      resolve();
    }
    function stop(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
  });
}

interface ResponseBody {
  data?: unknown;
  errors?: GraphQLErrorEntry[];
  extensions?: { cost?: CostExtension };
}

interface HttpAnswer {
  status: number;
  retryAfterHeader: string | null;
  body: ResponseBody;
}

/**
 * TENANTGATE_OPERATOR_KEY, when set, goes with every request: the gateway then charges no
 * tenant and applies no per-field limit (its sign-up limit of 20 per address and hour would
 * otherwise stop a seed of 25 organizations).
 */
const OPERATOR_KEY = process.env.TENANTGATE_OPERATOR_KEY ?? '';

async function send(
  url: string,
  payload: string,
  token: string | null,
  operationName: string,
  options: RequestOptions,
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (OPERATOR_KEY) headers['x-operator-key'] = OPERATOR_KEY;

  let response: Response;
  try {
    response = await fetch(endpointOf(url), { method: 'POST', headers, body: payload, signal });
  } catch (error) {
    const detail = `could not reach ${endpointOf(url)} (${causeOf(error)})`;
    throw new GraphQLRequestError({ operationName, detail });
  }

  const text = await response.text();
  return {
    status: response.status,
    retryAfterHeader: response.headers.get('retry-after'),
    body: parseBody(text, response.status, operationName),
  };
}

function parseBody(text: string, httpStatus: number, operationName: string): ResponseBody {
  try {
    const body: unknown = JSON.parse(text);
    if (body !== null && typeof body === 'object') return body as ResponseBody;
  } catch {
    // fall through: a proxy's or a crash's page, not a GraphQL answer
  }
  const detail = `HTTP ${httpStatus} with a body that is not GraphQL JSON: ${text.slice(0, 200)}`;
  throw new GraphQLRequestError({ operationName, httpStatus, detail });
}

/**
 * How long to wait before retrying, or null when the answer is final. A document whose other
 * root fields already ran is never retried whole (that would run them twice), so only an answer
 * in which nothing succeeded and every error is a quota error means "wait and retry".
 */
function quotaWaitMs(answer: HttpAnswer): number | null {
  const errors = answer.body.errors ?? [];
  if (errors.length === 0) return null;
  if (!errors.every((error) => QUOTA_CODES.has(error.extensions?.code ?? ''))) return null;
  if (answer.status !== 429 && anyFieldSucceeded(answer.body.data)) return null;

  const fromErrors = Math.max(0, ...errors.map((error) => error.extensions?.retryAfterMs ?? 0));
  const waitMs = fromErrors > 0 ? fromErrors : retryAfterHeaderMs(answer.retryAfterHeader);
  return (waitMs ?? FALLBACK_WAIT_MS) + Math.floor(Math.random() * JITTER_MS);
}

function anyFieldSucceeded(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return false;
  return Object.values(data).some((value) => value !== null);
}

function toResult<TData>(
  answer: HttpAnswer,
  operationName: string,
  retries: number,
): GraphQLResult<TData> {
  const { data, errors, extensions } = answer.body;
  const httpStatus = answer.status;
  if (errors && errors.length > 0) {
    throw new GraphQLRequestError({ operationName, httpStatus, errors });
  }
  if (data === undefined || data === null) {
    const detail = `HTTP ${httpStatus} without data`;
    throw new GraphQLRequestError({ operationName, httpStatus, detail });
  }
  return { data: data as TData, cost: extensions?.cost ?? null, retries };
}

function describeErrors(errors: readonly GraphQLErrorEntry[]): string {
  return errors
    .map((error) => {
      const code = error.extensions?.code ?? 'UNKNOWN';
      const field = error.extensions?.field ? ` (field ${error.extensions.field})` : '';
      const path = error.path ? ` at ${error.path.join('.')}` : '';
      return `${code}${field}${path}: ${error.message}`;
    })
    .join('; ');
}

function codesOf(answer: HttpAnswer): string {
  return [...new Set((answer.body.errors ?? []).map((error) => error.extensions?.code))].join(', ');
}

/** The document's first operation name, for messages. */
function operationNameOf(query: string): string {
  const match = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query);
  return match?.[1] ?? 'operation';
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
