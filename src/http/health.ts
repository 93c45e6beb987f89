import type { Express } from 'express';

/** Answers whether each dependency the gateway needs responds now. */
export type ReadinessCheck = () => Promise<Record<string, boolean>>;

/** `GET /healthz`: the process is alive. `GET /readyz`: 200 only when every dependency answers. */
export function registerHealthRoutes(app: Express, readiness: ReadinessCheck): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const checks = await readiness();
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
}
