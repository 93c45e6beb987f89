import { MongoClient, type Db } from 'mongodb';

import type { Logger } from '../logger.js';
import { attributeCommand } from './command-attribution.js';

/** How many commands of one name went to one kind of collection. */
export interface CommandCount {
  command: string;
  /** The collection name with any tenant id taken out, so the set of values stays small. */
  collection: string;
  count: number;
}

/** Name of the cluster holding master metadata; tenants may also be placed on it. */
export const MASTER_CLUSTER = 'master';

/** One connected MongoDB cluster. */
export interface Cluster {
  name: string;
  client: MongoClient;
  /** The database named in the URI (default `tenantgate`): master metadata, SHARED tier. */
  db: Db;
  /** Database commands started on this cluster since the process began, by command and collection. */
  commandCounts: Map<string, CommandCount>;
}

/** Every cluster this process talks to: one MongoClient each, created once. */
export class ClusterSet {
  private readonly clusters = new Map<string, Cluster>();

  constructor(private readonly log: Logger) {}

  /**
   * Connects a cluster by name; the database comes from the URI path, else `tenantgate`. Only
   * the master must answer at start: another cluster that is down is logged, and its tenants'
   * operations fail with CLUSTER_UNAVAILABLE until it answers (the driver keeps trying).
   */
  async connect(name: string, uri: string, maxPoolSize = 50, required = true): Promise<Cluster> {
    const client = new MongoClient(uri, {
      maxPoolSize,
      // Fail an operation of a down cluster quickly rather than hold the request.
      serverSelectionTimeoutMS: 2_000,
      monitorCommands: true,
      appName: 'tenantgate',
    });
    const commandCounts = new Map<string, CommandCount>();
    client.on('commandStarted', (event) => {
      // Emitted synchronously in the flow that sent the command, so it counts for its request.
      attributeCommand();
      const collection = collectionKind(event.command[event.commandName]);
      const key = `${event.commandName}/${collection}`;
      const entry = commandCounts.get(key) ?? { command: event.commandName, collection, count: 0 };
      entry.count += 1;
      commandCounts.set(key, entry);
    });

    const cluster: Cluster = { name, client, db: client.db(databaseNameOf(uri)), commandCounts };
    this.clusters.set(name, cluster);
    try {
      await client.connect();
      this.log.info({ cluster: name, database: cluster.db.databaseName }, 'connected to MongoDB');
    } catch (error) {
      if (required) throw error;
      this.log.warn({ cluster: name }, 'cluster not answering at start; its tenants wait for it');
    }
    return cluster;
  }

  /** The cluster of that name; throws when it was never configured. */
  get(name: string): Cluster {
    const cluster = this.clusters.get(name);
    if (!cluster) throw new Error(`Cluster "${name}" is not configured`);
    return cluster;
  }

  get master(): Cluster {
    return this.get(MASTER_CLUSTER);
  }

  /** Whether a cluster answers a ping within a second. */
  async healthy(name: string): Promise<boolean> {
    try {
      await this.get(name).db.command({ ping: 1 }, { timeoutMS: 1_000 });
      return true;
    } catch {
      return false;
    }
  }

  has(name: string): boolean {
    return this.clusters.has(name);
  }

  /** All clusters, master first. */
  all(): Cluster[] {
    return [...this.clusters.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((cluster) => cluster.client.close()));
  }
}

/** `org_<id>_tasks` and `tasks` are both `tasks`; commands without a collection are `-`. */
function collectionKind(target: unknown): string {
  if (typeof target !== 'string') return '-';
  return target.replace(/^org_[0-9a-f]{24}_/, '');
}

/** The database named in a MongoDB URI's path, or `tenantgate`. */
export function databaseNameOf(uri: string): string {
  const withoutScheme = uri.replace(/^mongodb(\+srv)?:\/\//, '');
  const slash = withoutScheme.indexOf('/');
  if (slash < 0) return 'tenantgate';

  const name = withoutScheme.slice(slash + 1).split('?')[0];
  return name ? decodeURIComponent(name) : 'tenantgate';
}
