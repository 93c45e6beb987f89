/**
 * What the typed client and the scripts' retrying client both speak: the gateway's answer
 * shapes and the small pieces of sending a document over HTTP.
 */
import { print } from 'graphql';
import type { DocumentNode } from 'graphql';

/** One entry of a response's `errors`, as the gateway formats it. */
export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; retryAfterMs?: number; field?: string; [key: string]: unknown };
}

/** The tenant's bucket after an operation (`extensions.cost.throttleStatus`). */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** What the gateway priced and charged for an operation (`extensions.cost`). */
export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** `Retry-After` holds delay-seconds or an HTTP date; a 429 always carries it. */
export function retryAfterHeaderMs(header: string | null | undefined): number | null {
  if (!header) return null;

  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** Printing is the costly part of sending a document, and documents are module constants. */
const printedDocuments = new WeakMap<DocumentNode, string>();

export function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) {
    text = print(document);
    printedDocuments.set(document, text);
  }
  return text;
}

/** Accepts either the server root or the `/graphql` endpoint itself. */
export function endpointOf(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/graphql') ? trimmed : `${trimmed}/graphql`;
}
