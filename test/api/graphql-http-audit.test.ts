import { auditServer, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startGateway, type TestGateway } from '../support/gateway.js';

const LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;
type Level = (typeof LEVELS)[number];

let gateway: TestGateway;
/** The audit as any client runs it. */
let plain: AuditResult[];
/** The audit from a client that sends Apollo's CSRF preflight header, as browsers' apps do. */
let preflighted: AuditResult[];

beforeAll(async () => {
  gateway = await startGateway();
  const url = `${gateway.url}/graphql`;

  plain = await auditServer({ url });
  preflighted = await auditServer({ url, fetchFn: withPreflightHeader });
});

afterAll(async () => {
  await gateway.stop();
});

describe('GraphQL over HTTP audit (graphql-http serverAudits)', () => {
  it('passes every MUST', () => {
    console.log(summary('plain client', plain));

    expect(plain.length).toBeGreaterThan(0);
    expect(failures(plain, 'MUST')).toEqual([]);
  });

  it('fails GET audits only through CSRF prevention: with the preflight header they pass', () => {
    console.log(summary('client sending apollo-require-preflight', preflighted));
    const blockedGets = failures(plain).filter((line) => line.includes('GET'));

    // Apollo refuses a GET with neither a JSON content type nor a preflight header (CSRF).
    for (const line of blockedGets) {
      const id = line.split(' ')[1];
      expect(preflighted.find((result) => result.id === id)?.status, line).toBe('ok');
    }
    expect(failures(preflighted, 'MUST')).toEqual([]);
  });
});

describe('caching', () => {
  it('answers every GraphQL result, data or errors, with Cache-Control: no-store', async () => {
    const post = (query: string) =>
      fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });

    const answered = await post('{ __typename }');
    const invalid = await post('{ noSuchField }');

    expect(answered.status).toBe(200);
    expect(answered.headers.get('cache-control')).toBe('no-store');
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('cache-control')).toBe('no-store');
  });
});

/** One line per failed audit, optionally of one level: `LEVEL id name: reason (HTTP status)`. */
function failures(results: AuditResult[], level?: Level): string[] {
  return results
    .filter((result) => result.status !== 'ok' && (!level || levelOf(result) === level))
    .map((result) => {
      const reason =
        result.status === 'ok' ? '' : `${result.reason} (HTTP ${result.response.status})`;
      return `${levelOf(result)} ${result.id} ${result.name.slice(levelOf(result).length + 1)}: ${reason}`;
    });
}

/** Pass and fail counts per level, then every failure. */
function summary(client: string, results: AuditResult[]): string {
  const counts = LEVELS.map((level) => {
    const ofLevel = results.filter((result) => levelOf(result) === level);
    const passed = ofLevel.filter((result) => result.status === 'ok').length;
    return `  ${level.padEnd(6)} ${passed} passed, ${ofLevel.length - passed} failed`;
  });
  const failed = failures(results).map((line) => `  ✗ ${line}`);

  return [`graphql-http audit, ${client}:`, ...counts, ...failed].join('\n');
}

function levelOf(result: AuditResult): Level {
  return result.name.split(' ')[0] as Level;
}

function withPreflightHeader(...[input, init = {}]: Parameters<typeof fetch>) {
  const headers = new Headers(init.headers);
  headers.set('apollo-require-preflight', 'true');
  return fetch(input, { ...init, headers });
}
