import { MongoClient, type Db } from 'mongodb';

/** A direct connection to a gateway's database, to check what is stored behind the API. */
export async function openDatabase(
  mongoUri: string,
): Promise<{ db: Db; close: () => Promise<void> }> {
  const client = new MongoClient(mongoUri);
  await client.connect();
  return { db: client.db(), close: () => client.close() };
}
