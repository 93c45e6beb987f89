import type { CostExtension } from './cost-extension.js';
import type { PlanLimits } from './plans.js';

/** Who pays for an operation: a tenant, or an anonymous client address. */
export interface QuotaPayer {
  /** Bucket and slot key: `tenant:<id>` or `address:<ip>`. */
  key: string;
  /** The tenant id, or null for an anonymous caller. */
  tenantId: string | null;
  plan: string;
  limits: PlanLimits;
}

/** What the quota pipeline adds to each request's context. */
export interface QuotaContextFields {
  /** Set by the pipeline once the payer is known; the `quota` field reads it. */
  quota?: QuotaHandle;
  /** Set when the response is being finished: the cost it reported, or null. */
  quotaSettled?: Promise<CostExtension | null>;
  /** How long the operation waited for one of its tenant's lanes, in milliseconds. */
  laneWaitMs?: number;
}

/** The live quota of the request's payer. */
export interface QuotaHandle {
  payer: QuotaPayer;
  /** Points available now. */
  currentlyAvailable(): Promise<number>;
}
