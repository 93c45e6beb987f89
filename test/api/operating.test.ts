import { spawn } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { createProject, createTask, createTenant } from '../support/builders.js';
import { startGateway } from '../support/gateway.js';
import { graphql } from '../support/graphql.js';
import { metricSum } from '../support/metrics.js';
import { ROOMY_FREE, plansFile } from '../support/plans.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('/metrics', () => {
  it('counts operations, cost and latency by plan and outcome, never by tenant', async () => {
    const gateway = await startGateway();
    try {
      const tenant = await createTenant(gateway.url);
      const before = await metricSum(gateway.url, 'tenantgate_operations_total', {
        plan: 'FREE',
        outcome: 'ok',
      });

      await graphql(gateway.url, '{ viewer { id } }', {}, { token: tenant.token });
      await graphql(
        gateway.url,
        '{ tasks(first: 1000000) { nodes { project { id } } } }',
        {},
        { token: tenant.token },
      );

      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(
        await metricSum(gateway.url, 'tenantgate_operations_total', {
          plan: 'FREE',
          outcome: 'ok',
        }),
      ).toBe(before + 1);
      expect(
        await metricSum(gateway.url, 'tenantgate_operations_total', {
          plan: 'FREE',
          outcome: 'too_complex',
        }),
      ).toBe(1);
      expect(
        await metricSum(gateway.url, 'tenantgate_cost_points_total', {
          plan: 'FREE',
          kind: 'actual',
        }),
      ).toBeGreaterThan(0);
      expect(text).toContain('tenantgate_operation_duration_seconds_bucket');
      expect(text).toContain('tenantgate_database_time_seconds_bucket');
      expect(text).toContain('tenantgate_process_cpu_seconds_total');
      expect(text).not.toContain(tenant.id);
    } finally {
      await gateway.stop();
    }
  });
});

describe('health', () => {
  it('/healthz and /readyz answer 200 when the master answers', async () => {
    const gateway = await startGateway();
    try {
      const healthz = await fetch(`${gateway.url}/healthz`);
      const readyz = await fetch(`${gateway.url}/readyz`);

      expect(healthz.status).toBe(200);
      expect(readyz.status).toBe(200);
      expect((await readyz.json()).checks).toEqual({ master: true });
    } finally {
      await gateway.stop();
    }
  });
});

describe('SIGTERM', () => {
  it('lets operations in flight finish, then exits 0', async () => {
    const gateway = await startGateway({
      env: { PLANS_FILE: plansFile(ROOMY_FREE), LOG_LEVEL: 'debug' },
    });
    const tenant = await createTenant(gateway.url);
    const projectId = await createProject(gateway.url, tenant.token);
    // Enough tasks that the operations below take a while on the embedded server.
    for (let start = 0; start < 300; start += 10) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          createTask(gateway.url, tenant.token, { projectId, tags: ['a', 'b'] }),
        ),
      );
    }
    const exited = new Promise<number | null>((resolve) =>
      gateway.process.once('exit', (code) => resolve(code)),
    );

    const inFlight = Array.from({ length: 6 }, () =>
      graphql(
        gateway.url,
        'query Heavy { a: taskReport(input: { dimension: TAG }) { total } tasks(first: 100) { totalCount nodes { project { tasks(first: 5) { totalCount } } } } }',
        {},
        { token: tenant.token },
      ),
    );
    // SIGTERM once the gateway has started all six, so they are in flight, not in transit.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const started = gateway.logs.filter(
        (record) => record.msg === 'operation started' && record.operation === 'Heavy',
      );
      if (started.length === 6) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    gateway.process.kill('SIGTERM');
    const responses = await Promise.all(inFlight);

    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data.a.total).toBe(300);
    }
    expect(await exited).toBe(0);
    const messages = gateway.logs.map((record) => String(record.msg));
    const stopping = messages.findIndex((message) => message.startsWith('stopping'));
    expect(stopping).toBeGreaterThan(-1);
    expect(
      messages.slice(stopping).filter((message) => message === 'operation').length,
    ).toBeGreaterThan(0);
    expect(messages.at(-1)).toBe('stopped');
  });
});

describe('configuration', () => {
  it('stops the start with one clear line per problem and exit code 2', async () => {
    const child = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: 'eighty',
        JWT_SECRET: 'short',
        LOG_LEVEL: 'loud',
        MONGODB_URI: 'http://nope',
        PLANS_FILE: plansFile({
          FREE: { restoreRate: -1, bogus: 3, concurrency: 2.5 },
          TEAM: { lanes: 17 },
          GOLD: {},
        }),
        TRUST_PROXY: 'loopback,nonsense',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));

    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).toBe(2);
    expect(stderr).toContain('PORT "eighty"');
    expect(stderr).toContain('JWT_SECRET must be at least 32 bytes');
    expect(stderr).toContain('LOG_LEVEL "loud"');
    expect(stderr).toContain('MONGODB_URI must start with mongodb://');
    expect(stderr).toContain(
      'PLANS_FILE plan "FREE" limit "restoreRate" must be a positive number',
    );
    expect(stderr).toContain('PLANS_FILE plan "FREE" has unknown limit "bogus"');
    expect(stderr).toContain('PLANS_FILE plan "FREE" limit "concurrency" must be a whole number');
    expect(stderr).toContain('PLANS_FILE plan "TEAM" has lanes 17 above its concurrency 16');
    expect(stderr).toContain('PLANS_FILE names unknown plan "GOLD"');
    expect(stderr).toContain('TRUST_PROXY has "nonsense"');
    expect(stderr).not.toContain('short');
  });
});
