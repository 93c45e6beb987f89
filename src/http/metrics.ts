import type { Express } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { ClusterSet } from '../storage/clusters.js';

/**
 * The Prometheus registry of one process. Labels are bounded sets (plan, outcome, cluster,
 * command): never a tenant id, so cardinality stays flat with any number of tenants.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operations: Counter<'plan' | 'outcome'>;
  private readonly cost: Counter<'plan' | 'kind'>;
  private readonly duration: Histogram<'plan' | 'outcome'>;
  private readonly databaseTime: Histogram<'plan' | 'outcome'>;

  constructor(clusters: ClusterSet) {
    const registers = [this.registry];
    this.operations = new Counter({
      name: 'tenantgate_operations_total',
      help: 'GraphQL operations answered, by plan of the payer and outcome.',
      labelNames: ['plan', 'outcome'],
      registers,
    });
    this.cost = new Counter({
      name: 'tenantgate_cost_points_total',
      help: 'Cost points requested and actually spent, by plan.',
      labelNames: ['plan', 'kind'],
      registers,
    });
    this.duration = new Histogram({
      name: 'tenantgate_operation_duration_seconds',
      help: 'Time from request to response, by plan and outcome.',
      labelNames: ['plan', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.databaseTime = new Histogram({
      name: 'tenantgate_database_time_seconds',
      help: 'Time an operation held its database budget (from its first tenant read to its answer), by plan and outcome.',
      labelNames: ['plan', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    });

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

  /** Counts one operation; labels are bounded, whatever the number of tenants. */
  recordOperation(sample: OperationSample): void {
    const labels = { plan: sample.plan, outcome: sample.outcome };
    this.operations.inc(labels);
    this.duration.observe(labels, sample.durationMs / 1000);
    if (sample.databaseMs !== null) this.databaseTime.observe(labels, sample.databaseMs / 1000);
    if (sample.requestedCost)
      this.cost.inc({ plan: sample.plan, kind: 'requested' }, sample.requestedCost);
    if (sample.actualCost) this.cost.inc({ plan: sample.plan, kind: 'actual' }, sample.actualCost);
  }
}

/** What one answered operation adds to the metrics. */
export interface OperationSample {
  /** FREE, TEAM, ENTERPRISE, or `operator` / `none` when no one paid. */
  plan: string;
  /** `ok`, or the outcome class of its first error (throttled, too_complex, timeout, ...). */
  outcome: string;
  durationMs: number;
  databaseMs: number | null;
  requestedCost: number | null;
  actualCost: number | null;
}

export interface OperationRecorder {
  recordOperation(sample: OperationSample): void;
}

/** `GET /metrics` in the Prometheus text format. */
export function registerMetricsRoute(app: Express, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
