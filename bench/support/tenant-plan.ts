import { MongoClient, ObjectId } from 'mongodb';

/** A plan name of the contract. */
export type PlanName = 'FREE' | 'TEAM' | 'ENTERPRISE';

/**
 * Puts an organization on a plan by writing its master record directly. The contract's operator
 * API (`setTenantPlan`) is the proper way, but it is not served yet; this is only done before
 * the measuring gateways start, so none of them holds the old plan in its cache.
 */
export async function setTenantPlan(
  mongoUri: string,
  tenantId: string,
  plan: PlanName,
): Promise<void> {
  const client = new MongoClient(mongoUri);
  try {
    await client.connect();
    const result = await client
      .db()
      .collection('organizations')
      .updateOne({ _id: new ObjectId(tenantId) }, { $set: { plan, updatedAt: new Date() } });
    if (result.matchedCount !== 1) throw new Error(`organization ${tenantId} was not found`);
  } finally {
    await client.close();
  }
}
