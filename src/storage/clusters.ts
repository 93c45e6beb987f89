import { MongoClient, type Db } from 'mongodb';

import type { Logger } from '../logger.js';

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

  /** Connects a cluster by name; the database comes from the URI path, else `tenantgate`. */
  async connect(name: string, uri: string, maxPoolSize = 50): Promise<Cluster> {
    const client = new MongoClient(uri, {
      maxPoolSize,
      serverSelectionTimeoutMS: 5_000,
      monitorCommands: true,
      appName: 'tenantgate',
    });
    const commandCounts = new Map<string, CommandCount>();
    client.on('commandStarted', (event) => {
      const collection = collectionKind(event.command[event.commandName]);
      const key = `${event.commandName}/${collection}`;
      const entry = commandCounts.get(key) ?? { command: event.commandName, collection, count: 0 };
      entry.count += 1;
      commandCounts.set(key, entry);
    });

    await client.connect();
    const cluster: Cluster = { name, client, db: client.db(databaseNameOf(uri)), commandCounts };
    this.clusters.set(name, cluster);
    this.log.info({ cluster: name, database: cluster.db.databaseName }, 'connected to MongoDB');
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
