import type { QuotaPayer } from '../quota/payer.js';
import type { BucketStore } from '../quota/token-bucket.js';
import type { RequestContext } from '../schema/context.js';

/**
 * Who pays for a request: the token's organization on its plan (with overrides), or, without a
 * token, the client address on FREE's numbers. Also hands the request its quota handle, which
 * the `quota` field reads.
 */
export function createPayerOf(buckets: BucketStore) {
  return async (context: RequestContext): Promise<QuotaPayer | null> => {
    if (context.quota) return context.quota.payer;
    if (context.operator) return null; // operator operations are charged to no tenant

    const payer = await payerFor(context);
    if (!payer) return null;

    const limits = {
      capacity: payer.limits.maximumAvailable,
      refillPerSecond: payer.limits.restoreRate,
    };
    context.quota = { payer, currentlyAvailable: () => buckets.peek(payer.key, limits) };
    return payer;
  };
}

async function payerFor(context: RequestContext): Promise<QuotaPayer | null> {
  const { services, session } = context;
  if (!session) {
    return {
      key: `address:${context.clientAddress}`,
      tenantId: null,
      plan: 'FREE',
      limits: services.anonymousLimits,
    };
  }

  const organization = await services.organizations.find(session.tenantId);
  if (!organization) return null; // refused by the resolvers as UNAUTHENTICATED; nothing to charge

  const tenantId = organization._id.toHexString();
  return {
    key: `tenant:${tenantId}`,
    tenantId,
    plan: organization.plan,
    limits: services.limitsOf(organization),
  };
}
