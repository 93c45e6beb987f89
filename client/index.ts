/**
 * The typed tenantgate client: the documents and types generated from client/operations/, their
 * stamped costs, and a small fetch wrapper that sends one of them and returns typed data.
 */
import { Kind } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

import {
  endpointOf,
  printed,
  retryAfterHeaderMs,
  type CostExtension,
  type GraphQLErrorEntry,
} from './wire.js';

export * from './generated/graphql.js';
export type { CostExtension, GraphQLErrorEntry, ThrottleStatus } from './wire.js';
export { operationCosts } from './generated/costs.js';
export type { OperationName } from './generated/costs.js';

/** Where the client sends operations, and as whom. */
export interface ClientOptions {
  /** The gateway's root (`http://127.0.0.1:4000`) or its `/graphql` endpoint. */
  url: string;
  /** A member's token from `login` or `createOrganization`; none for the public operations. */
  token?: string | null;
  /** Extra request headers, e.g. `x-forwarded-for` behind a trusted proxy. */
  headers?: Readonly<Record<string, string>>;
}

/** An answer without errors: its data and what it cost. */
export interface ClientResult<TData> {
  data: TData;
  cost: CostExtension | null;
}

/** The variables argument: optional exactly when the operation needs none of its variables. */
export type VariablesArgument<TVariables> = {} extends TVariables
  ? [variables?: TVariables]
  : [variables: TVariables];

/** A client bound to one gateway and one token. */
export interface Client {
  /** Sends an operation; resolves to its typed data, or throws a ClientError. */
  request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...variables: VariablesArgument<TVariables>
  ): Promise<TData>;
  /** Like `request`, but also resolves to the response's `extensions.cost`. */
  send<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...variables: VariablesArgument<TVariables>
  ): Promise<ClientResult<TData>>;
}

/** Thrown for an answer with errors or without usable data; codes are for programs. */
export class ClientError extends Error {
  /** Each error's `extensions.code`, in order; empty when no GraphQL answer came. */
  readonly codes: readonly string[];
  /** How long the gateway asked to wait (THROTTLED, CONCURRENCY_LIMITED); null when it did not. */
  readonly retryAfterMs: number | null;
  /** The HTTP status of the answer (429 when refused before running, 400 for a bad query). */
  readonly status: number;
  /** The errors as the gateway sent them, for `path`, `field` and the other extensions. */
  readonly errors: readonly GraphQLErrorEntry[];

  constructor(failure: Failure) {
    const errors = failure.errors ?? [];
    const described = errors.map(
      (error) => `${error.extensions?.code ?? 'UNKNOWN'}: ${error.message}`,
    );
    const detail = failure.detail ?? described.join('; ');
    super(`${failure.operationName} failed (HTTP ${failure.status}): ${detail}`);
    this.name = 'ClientError';
    this.codes = errors.map((error) => error.extensions?.code ?? 'UNKNOWN');
    this.retryAfterMs = retryAfterOf(errors) ?? retryAfterHeaderMs(failure.retryAfterHeader);
    this.status = failure.status;
    this.errors = errors;
  }
}

interface Failure {
  operationName: string;
  status: number;
  errors?: readonly GraphQLErrorEntry[];
  detail?: string;
  retryAfterHeader?: string | null;
}

/** Creates a client for one gateway and, optionally, one member's token. */
export function createClient(options: ClientOptions): Client {
  const send = async <TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...[variables]: VariablesArgument<TVariables>
  ): Promise<ClientResult<TData>> => {
    const operationName = operationNameOf(document);
    const response = await fetch(endpointOf(options.url), {
      method: 'POST',
      headers: headersOf(options),
      body: JSON.stringify({ query: printed(document), variables: variables ?? {}, operationName }),
    });

    return resultOf<TData>(operationName, response);
  };

  return {
    send,
    request: async (document, ...variables) => (await send(document, ...variables)).data,
  };
}

interface ResponseBody {
  data?: unknown;
  errors?: GraphQLErrorEntry[];
  extensions?: { cost?: CostExtension };
}

async function resultOf<TData>(
  operationName: string,
  response: Response,
): Promise<ClientResult<TData>> {
  const { status } = response;
  const text = await response.text();
  let body: ResponseBody;
  try {
    body = JSON.parse(text) as ResponseBody;
  } catch {
    const detail = `the answer is not GraphQL JSON: ${text.slice(0, 200)}`;
    throw new ClientError({ operationName, status, detail });
  }

  if (body.errors?.length) {
    const retryAfterHeader = response.headers.get('retry-after');
    throw new ClientError({ operationName, status, errors: body.errors, retryAfterHeader });
  }
  if (body.data === undefined || body.data === null) {
    throw new ClientError({ operationName, status, detail: 'the answer has no data' });
  }
  return { data: body.data as TData, cost: body.extensions?.cost ?? null };
}

function headersOf(options: ClientOptions): Record<string, string> {
  const authorization: Record<string, string> = options.token
    ? { authorization: `Bearer ${options.token}` }
    : {};

  return { 'content-type': 'application/json', ...authorization, ...options.headers };
}

/** The longest wait any error asks for; quota errors always name one. */
function retryAfterOf(errors: readonly GraphQLErrorEntry[]): number | null {
  const waits = errors
    .map((error) => error.extensions?.retryAfterMs)
    .filter((wait): wait is number => typeof wait === 'number');

  return waits.length > 0 ? Math.max(...waits) : null;
}

function operationNameOf(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) {
      return definition.name.value;
    }
  }
  return 'operation';
}
