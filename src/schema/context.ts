import type { ObjectId } from 'mongodb';

import type { Role, TokenClaims } from '../auth/tokens.js';
import type { Logger } from '../logger.js';
import type { QuotaContextFields } from '../quota/payer.js';
import type { OrganizationDocument } from '../tenancy/models.js';
import type { TenantStore } from '../tenancy/tenant-store.js';
import type { GatewayServices } from './gateway-services.js';
import type { Loaders } from './loaders.js';

/** The bearer of a verified, unrevoked token. */
export interface Session {
  claims: TokenClaims;
  tenantId: ObjectId;
  memberId: ObjectId;
  role: Role;
}

/** What one operation of a tenant works with: its organization, store and loaders. */
export interface TenantScope {
  organization: OrganizationDocument;
  store: TenantStore;
  loaders: Loaders;
}

/** The per-request context every resolver receives. */
export interface RequestContext extends QuotaContextFields {
  requestId: string;
  log: Logger;
  clientAddress: string;
  services: GatewayServices;
  session: Session | null;
  /** The request carried the right X-Operator-Key. */
  operator: boolean;
  /**
   * The operation's database clock, set once its tenant scope opens. An object, not a field:
   * Apollo hands plugins a shallow copy of the context, and both copies share this.
   */
  databaseClock: { elapsedMs: (() => number) | null };
  /** The caller's tenant scope, opened on first use; throws UNAUTHENTICATED without a session. */
  tenant(): Promise<TenantScope>;
}
