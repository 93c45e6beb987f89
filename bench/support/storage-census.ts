import type { MongoClient } from 'mongodb';

/** Every collection and index on a server at one moment, as `db.collection[.index]` names. */
export interface StorageCensus {
  collections: Set<string>;
  indexes: Set<string>;
}

/** What appeared and what went between two censuses. */
export interface CensusChange {
  collections: number;
  indexes: number;
  /** Collections added, with the given tenant id written as `<id>`. */
  addedCollections: string[];
}

/**
 * Lists the collections and indexes of the named database and of every tenant database
 * (`tg_…`) on the server, with `listDatabases`, `listCollections` and `listIndexes`: the
 * server's own answer, not the gateway's idea of what it created.
 */
export async function takeCensus(
  client: MongoClient,
  databaseName: string,
): Promise<StorageCensus> {
  const census: StorageCensus = { collections: new Set(), indexes: new Set() };
  for (const name of await databasesToCount(client, databaseName)) {
    const db = client.db(name);
    const collections = await db.listCollections({}, { nameOnly: true }).toArray();
    for (const { name: collection } of collections) {
      census.collections.add(`${name}.${collection}`);
      for (const index of await db.collection(collection).listIndexes().toArray()) {
        census.indexes.add(`${name}.${collection}.${String(index.name)}`);
      }
    }
  }
  return census;
}

/** The net change from one census to a later one. */
export function censusChange(
  before: StorageCensus,
  after: StorageCensus,
  tenantId = '',
): CensusChange {
  const added = [...after.collections].filter((name) => !before.collections.has(name));
  return {
    collections: after.collections.size - before.collections.size,
    indexes: after.indexes.size - before.indexes.size,
    addedCollections: added.map((name) => (tenantId ? name.replaceAll(tenantId, '<id>') : name)),
  };
}

async function databasesToCount(client: MongoClient, databaseName: string): Promise<string[]> {
  const { databases } = await client.db(databaseName).admin().listDatabases({ nameOnly: true });
  const tenantDatabases = databases
    .map((database) => database.name)
    .filter((name) => name.startsWith('tg_'));
  return [databaseName, ...tenantDatabases.sort()];
}
