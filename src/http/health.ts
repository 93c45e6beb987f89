import type { Express } from 'express';

/** Whether each dependency responds now, and which of them the gateway cannot serve without. */
export type ReadinessCheck = () => Promise<ReadinessReport>;

/** Each dependency's answer, and the names the gateway cannot serve without. */
export interface ReadinessReport {
  checks: Record<string, boolean>;
  required: string[];
}

/**
 * `GET /healthz`: the process is alive. `GET /readyz`: 200 only when the master cluster (and
 * Redis, where configured) answer; the body names every cluster that does not, since a down
 * tenant cluster fails only its own tenants.
 */
export function registerHealthRoutes(app: Express, readiness: ReadinessCheck): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const { checks, required } = await readiness();
    const ready = required.every((name) => checks[name]);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
}
