import { ErrorCode, clientError } from '../errors.js';
import type { DocumentLimit } from './limits.js';

/** A limit an operation broke, with what it measured and what is allowed. */
export interface ComplexityViolation {
  limit: DocumentLimit | 'cost';
  value: number;
  max: number;
}

/** What each limit measures, for the message. */
const MEASURES: Readonly<Record<ComplexityViolation['limit'], string>> = Object.freeze({
  cost: 'cost',
  depth: 'depth',
  aliases: 'alias count',
  directives: 'directive count',
  tokens: 'token count',
});

/** QUERY_TOO_COMPLEX with HTTP 400: refused before execution, nothing charged. */
export function tooComplex(violation: ComplexityViolation) {
  return clientError(
    ErrorCode.QUERY_TOO_COMPLEX,
    `The operation's ${MEASURES[violation.limit]} is ${violation.value}, above the limit of ${violation.max}; ask for less in one operation.`,
    {
      httpStatus: 400,
      extensions: { limit: violation.limit, value: violation.value, max: violation.max },
    },
  );
}

/** THROTTLED with HTTP 429: the bucket cannot pay now; nothing charged. */
export function throttled(requestedCost: number, available: number, retryAfterMs: number) {
  return clientError(
    ErrorCode.THROTTLED,
    throttledMessage(requestedCost, available, retryAfterMs),
    {
      httpStatus: 429,
      headers: retryAfterHeader(retryAfterMs),
      extensions: { retryAfterMs },
    },
  );
}

/** The message of THROTTLED, also for answers written without a GraphQLError (the HTTP gate). */
export function throttledMessage(requestedCost: number, available: number, retryAfterMs: number) {
  return `This operation costs ${requestedCost} points and the budget holds ${Math.floor(available)}; retry in ${Math.ceil(retryAfterMs / 1000)} s.`;
}

/** THROTTLED on one field, beside the fields that ran (HTTP 200). */
export function fieldThrottled(fieldName: string, retryAfterMs: number, per: 'address' | 'email') {
  const whose = per === 'email' ? 'for this email' : 'from this address';
  return clientError(
    ErrorCode.THROTTLED,
    `"${fieldName}" was called too often ${whose}; retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
    { extensions: { retryAfterMs } },
  );
}

/** CONCURRENCY_LIMITED with HTTP 429: the tenant already runs its plan's number of operations. */
export function concurrencyLimited(concurrency: number, retryAfterMs: number) {
  return clientError(
    ErrorCode.CONCURRENCY_LIMITED,
    `${concurrency} operations of this organization are already running, its plan's limit; retry shortly.`,
    { httpStatus: 429, headers: retryAfterHeader(retryAfterMs), extensions: { retryAfterMs } },
  );
}

/** Retry-After in whole seconds, at least 1. */
export function retryAfterHeader(retryAfterMs: number): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
}
