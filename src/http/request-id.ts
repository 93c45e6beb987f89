import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

import type { RequestHandler } from 'express';

const WELL_FORMED = /^[\w.-]{8,64}$/;

/**
 * Gives every GraphQL request one id before anything reads it: the caller's `X-Request-Id` when
 * well formed, else a fresh one, written back on the request (so the throttle gate, the context
 * and every log line agree) and answered in the `X-Request-Id` header, so that a client holding
 * an INTERNAL_SERVER_ERROR has the id the logs know it by.
 */
export const assignRequestId: RequestHandler = (req, res, next) => {
  const requestId = requestIdOf(req);
  req.headers['x-request-id'] = requestId;
  res.setHeader('x-request-id', requestId);
  next();
};

/** The caller's `X-Request-Id` when well formed (always, once `assignRequestId` ran), else a fresh one. */
export function requestIdOf(req: {
  headers: Record<string, string | string[] | undefined>;
}): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}

const requestIds = new AsyncLocalStorage<string>();

/**
 * Makes the id known to the rest of the request's asynchronous flow, for code that is handed no
 * context (Apollo's error formatter). `enterWith`, for the reason given in command-attribution.ts.
 */
export function enterRequest(requestId: string): void {
  requestIds.enterWith(requestId);
}

/** The id of the request this flow serves, or undefined outside one. */
export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}
