import { graphql } from './graphql.js';

/**
 * Polls until `check` holds; the milliseconds it took, or Infinity past `limitMs`. For the
 * contract's "within one second on every replica": the caller asserts the figure.
 */
export async function msUntil(check: () => Promise<boolean>, limitMs = 3_000): Promise<number> {
  const startedAt = Date.now();
  while (Date.now() - startedAt < limitMs) {
    if (await check()) return Date.now() - startedAt;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Infinity;
}

/** The HTTP status a token gets for a query any member may make. */
export async function statusOf(url: string, token: string): Promise<number> {
  return (await graphql(url, '{ viewer { id } }', {}, { token })).status;
}

/** Polls a gateway until it refuses the token with 401; the time it took, in milliseconds. */
export function msUntilRefused(url: string, token: string, limitMs = 3_000): Promise<number> {
  return msUntil(async () => (await statusOf(url, token)) === 401, limitMs);
}
