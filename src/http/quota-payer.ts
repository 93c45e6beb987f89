import { clientError, ErrorCode } from '../errors.js';
import type { QuotaPayer } from '../quota/payer.js';
import type { BucketStore } from '../quota/token-bucket.js';
import { isClusterDown } from '../storage/database-faults.js';
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

  const organization = await services.organizations
    .find(session.tenantId)
    .catch((error: unknown) => {
      throw unavailableIfDatabase(error);
    });
  if (!organization) return null; // refused by the resolvers as UNAUTHENTICATED; nothing to charge

  const tenantId = organization._id.toHexString();
  return {
    key: `tenant:${tenantId}`,
    tenantId,
    plan: organization.plan,
    limits: services.limitsOf(organization),
  };
}

/**
 * The payer is found before execution, where Apollo answers an error it did not expect with 500.
 * A master that cannot be read (down, or a read the server kept interrupting) is a moment's
 * unavailability: 503 with Retry-After and the contract's CLUSTER_UNAVAILABLE.
 */
function unavailableIfDatabase(error: unknown): unknown {
  if (!isClusterDown(error)) return error;
  return clientError(
    ErrorCode.CLUSTER_UNAVAILABLE,
    'The database did not answer in time; retry shortly.',
    { httpStatus: 503, headers: { 'retry-after': '1' } },
  );
}
