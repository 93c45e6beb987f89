/** A GraphQL error as the gateway answers it. */
export interface GraphQLError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** What one GraphQL request over HTTP answered. */
export interface GraphQLReply<TData> {
  status: number;
  data: TData | null;
  errors: GraphQLError[];
  extensions: Record<string, unknown>;
}

/** Who sends a request: a bearer token, a client address (X-Forwarded-For), or neither. */
export interface Caller {
  token?: string;
  address?: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** POSTs one operation to a `/graphql` endpoint, as a client would. */
export async function postGraphQL<TData = Record<string, any>>(
  endpoint: string,
  query: string,
  variables: Record<string, unknown> = {},
  caller: Caller = {},
): Promise<GraphQLReply<TData>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: requestHeaders(caller),
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });

  const text = await response.text();
  const body = parseBody(text, response.status);
  return {
    status: response.status,
    data: (body.data as TData | undefined) ?? null,
    errors: (body.errors as GraphQLError[] | undefined) ?? [],
    extensions: (body.extensions as Record<string, unknown> | undefined) ?? {},
  };
}

/** The data of a reply that must have succeeded; throws with the errors otherwise. */
export function dataOf<TData>(reply: GraphQLReply<TData>, what: string): TData {
  if (reply.errors.length > 0 || reply.data === null) {
    throw new Error(`${what} failed (HTTP ${reply.status}): ${JSON.stringify(reply.errors)}`);
  }
  return reply.data;
}

/** The headers of a JSON GraphQL request from a caller. */
export function requestHeaders(caller: Caller): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}),
    ...(caller.address ? { 'x-forwarded-for': caller.address } : {}),
  };
}

/**
 * A fresh address in 198.18.0.0/15 (the benchmarking range), so that per-address limits of one
 * request never fall on the next.
 */
export function randomClientAddress(): string {
  const octet = () => 1 + Math.floor(Math.random() * 254);
  return `198.${18 + Math.floor(Math.random() * 2)}.${octet()}.${octet()}`;
}

function parseBody(text: string, status: number): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`the gateway answered HTTP ${status} with no JSON: ${text.slice(0, 200)}`);
  }
}

/** A request body and headers ready for a load worker to send again and again. */
export function preparedRequest(
  query: string,
  variables: Record<string, unknown>,
  caller: Caller,
): { body: string; headers: Record<string, string> } {
  return { body: JSON.stringify({ query, variables }), headers: requestHeaders(caller) };
}
