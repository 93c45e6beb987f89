import type { Express } from 'express';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

import type { ClusterSet } from '../storage/clusters.js';

/**
 * The Prometheus registry of one process. Labels are bounded sets (plan, outcome, cluster,
 * command): never a tenant id, so cardinality stays flat with any number of tenants.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  constructor(clusters: ClusterSet) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tenantgate_' });

    new Counter({
      name: 'tenantgate_db_commands_total',
      help: 'Database commands started, by cluster, command name and collection.',
      labelNames: ['cluster', 'command', 'collection'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const cluster of clusters.all()) {
          for (const { command, collection, count } of cluster.commandCounts.values()) {
            this.inc({ cluster: cluster.name, command, collection }, count);
          }
        }
      },
    });
  }
}

/** `GET /metrics` in the Prometheus text format. */
export function registerMetricsRoute(app: Express, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
