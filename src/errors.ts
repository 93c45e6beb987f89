import { GraphQLError } from 'graphql';

/** The stable error codes of the public contract; programs branch on these, never on messages. */
export const ErrorCode = Object.freeze({
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  THROTTLED: 'THROTTLED',
  CONCURRENCY_LIMITED: 'CONCURRENCY_LIMITED',
  TIMEOUT: 'TIMEOUT',
  SUSPENDED: 'SUSPENDED',
  CLUSTER_UNAVAILABLE: 'CLUSTER_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const);

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes a client may see as they were raised; anything else is masked. */
export const PUBLIC_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

interface ErrorOptions {
  httpStatus?: number;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/** Builds a client-facing error with its stable code and, where given, its HTTP status. */
export function clientError(code: ErrorCode, message: string, options: ErrorOptions = {}) {
  const http =
    options.httpStatus === undefined
      ? undefined
      : { status: options.httpStatus, headers: toHeaderMap(options.headers) };
  return new GraphQLError(message, {
    extensions: { code, ...options.extensions, ...(http ? { http } : {}) },
  });
}

/** `BAD_USER_INPUT` naming the input field at fault. */
export function badInput(field: string, message: string): GraphQLError {
  return clientError(ErrorCode.BAD_USER_INPUT, message, { extensions: { field } });
}

/** `NOT_FOUND` for an id absent from the caller's organization. */
export function notFound(what: string, id: string): GraphQLError {
  return clientError(
    ErrorCode.NOT_FOUND,
    `No ${what} with id "${id}" exists in this organization.`,
  );
}

/** `FORBIDDEN`: the caller's role may not do this. */
export function forbidden(message: string): GraphQLError {
  return clientError(ErrorCode.FORBIDDEN, message);
}

/** `CONFLICT` for a taken unique value. */
export function conflict(field: string, message: string): GraphQLError {
  return clientError(ErrorCode.CONFLICT, message, { extensions: { field } });
}

/** `UNAUTHENTICATED`; a bad token refuses the whole request with 401. */
export function unauthenticated(message: string, httpStatus?: number): GraphQLError {
  return clientError(ErrorCode.UNAUTHENTICATED, message, { httpStatus });
}

function toHeaderMap(headers: Record<string, string> | undefined): Map<string, string> {
  return new Map(Object.entries(headers ?? {}));
}
