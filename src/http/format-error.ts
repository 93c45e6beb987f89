import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { MongoServerError } from 'mongodb';
import { unwrapResolverError } from '@apollo/server/errors';

import { ErrorCode, PUBLIC_CODES } from '../errors.js';
import type { Logger } from '../logger.js';
import { isClusterDown } from '../storage/database-faults.js';
import { currentRequestId } from './request-id.js';
import { DeadlineExceededError } from '../tenancy/deadline.js';

/** MongoDB's code for a command stopped by `maxTimeMS`. */
const MAX_TIME_MS_EXPIRED = 50;

/**
 * Shapes every error a client sees: public codes pass with their message, a spent database
 * deadline becomes TIMEOUT, and everything else is masked as INTERNAL_SERVER_ERROR (logged once
 * here, with its detail). Stack traces never leave: Apollo is also told not to add them.
 */
export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = originalOf(error);
    if (isTimeout(original)) {
      return {
        message: 'The operation used up its database time; ask for less or try again later.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: ErrorCode.TIMEOUT },
      };
    }

    if (isClusterDown(original)) {
      return {
        message: 'The database cluster of this organization is not answering; retry shortly.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: ErrorCode.CLUSTER_UNAVAILABLE },
      };
    }

    const code = formatted.extensions?.code;
    if (
      typeof code === 'string' &&
      PUBLIC_CODES.has(code) &&
      code !== ErrorCode.INTERNAL_SERVER_ERROR
    ) {
      return withoutInternals(formatted);
    }

    if (isRequestFault(original)) {
      // Apollo refuses some requests (a persisted query whose hash does not match, say) with a
      // 4xx and no code: the fault is the request's, and its message says what it is.
      return {
        message: formatted.message,
        extensions: { code: 'BAD_REQUEST' },
      };
    }

    log.error(
      { err: original, path: formatted.path, requestId: currentRequestId() },
      'unexpected error while serving an operation',
    );
    return {
      message: 'Something went wrong on our side; the request id in the logs has the detail.',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** An error Apollo raised for the request itself, with a 4xx and no code of its own. */
function isRequestFault(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The error that was raised: Apollo wraps a resolver's error (with a path) and also one thrown by
 * a plugin before execution (without one, which `unwrapResolverError` leaves wrapped).
 */
function originalOf(error: unknown): unknown {
  let original = unwrapResolverError(error);
  while (original instanceof GraphQLError && original.originalError && !hasCode(original))
    original = original.originalError;
  return original;
}

function hasCode(error: GraphQLError): boolean {
  const code = error.extensions.code;
  return typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR;
}

function isTimeout(error: unknown): boolean {
  if (error instanceof DeadlineExceededError) return true;
  return error instanceof MongoServerError && error.code === MAX_TIME_MS_EXPIRED;
}

/** Drops everything but the code and our documented extension fields. */
function withoutInternals(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const {
    stacktrace: _stacktrace,
    exception: _exception,
    http: _http,
    ...extensions
  } = formatted.extensions ?? {};
  return { ...formatted, extensions };
}
