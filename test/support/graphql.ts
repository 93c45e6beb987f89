/** What a GraphQL request over HTTP answered. */
export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
    extensions?: Record<string, any>;
  };
}

/** Options of one request. */
export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  operationName?: string;
  /**
   * The client address, sent as X-Forwarded-For (test gateways trust their loopback proxy).
   * Default: a fresh random one per request, so per-address limits of one test never reach
   * another; tests of those limits pass a fixed address.
   */
  address?: string;
}

/** A random documentation-range address, so rate limits per address do not cross tests. */
export function randomAddress(): string {
  const byte = () => Math.floor(Math.random() * 254) + 1;
  return `198.18.${byte()}.${byte()}`;
}

/** POSTs one GraphQL operation as a client would. */
export async function graphql<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      'x-forwarded-for': options.address ?? randomAddress(),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables, operationName: options.operationName }),
  });
  const text = await response.text();
  let body: GraphQLResponse<T>['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (HTTP ${response.status}): ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

/** The codes of a response's errors, in order. */
export function errorCodes(response: GraphQLResponse): string[] {
  return (response.body.errors ?? []).map((error) => String(error.extensions?.code));
}

/** The data of a response that must have no errors. */
export function dataOf<T = any>(response: GraphQLResponse<T>): T {
  if (response.body.errors?.length) {
    throw new Error(`unexpected errors: ${JSON.stringify(response.body.errors)}`);
  }
  return response.body.data as T;
}
