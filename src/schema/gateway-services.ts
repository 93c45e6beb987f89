import type { PasswordHasher } from '../auth/passwords.js';
import type { RefreshTokenStore } from '../auth/refresh-tokens.js';
import type { RevocationRegistry } from '../auth/revocation.js';
import type { TokenService } from '../auth/tokens.js';
import type { Logger } from '../logger.js';
import type { FieldRateLimits } from '../quota/field-limits.js';
import type { PlanLimits } from '../quota/plans.js';
import type { OrganizationDocument } from '../tenancy/models.js';
import type { MemberRepository } from '../tenancy/members.js';
import type { OrganizationLifecycle } from '../tenancy/organization-lifecycle.js';
import type { OrganizationRepository } from '../tenancy/organizations.js';
import type { TenantStores } from '../tenancy/tenant-stores.js';
import type { BucketStore } from '../quota/token-bucket.js';
import type { ClusterSet } from '../storage/clusters.js';
import type { MoveRegistry } from '../tenancy/moves/move-registry.js';
import type { TenantMover } from '../tenancy/moves/tenant-mover.js';
import type { SuspensionRegistry } from '../tenancy/suspensions.js';
import type { UsageMeter } from '../tenancy/usage-meter.js';

/** The long-lived parts every resolver may reach, built once at start. */
export interface GatewayServices {
  log: Logger;
  passwords: PasswordHasher;
  tokens: TokenService;
  revocations: RevocationRegistry;
  /** Rotating refresh tokens, their families and reuse detection. */
  refreshTokens: RefreshTokenStore;
  organizations: OrganizationRepository;
  members: MemberRepository;
  lifecycle: OrganizationLifecycle;
  stores: TenantStores;
  fieldLimits: FieldRateLimits;
  clusters: ClusterSet;
  suspensions: SuspensionRegistry;
  usage: UsageMeter;
  moves: MoveRegistry;
  mover: TenantMover;
  /** SHA-256 of OPERATOR_API_KEY, or null when the operator API is off. */
  operatorKeyDigest: Buffer | null;
  /** The quota buckets, for the operator's view of a tenant's budget. */
  quotaBuckets: BucketStore;
  /** The limits of an organization: its plan's, with any operator override laid over them. */
  limitsOf(organization: OrganizationDocument): PlanLimits;
  /** The limits of an anonymous caller: the FREE plan's. */
  anonymousLimits: PlanLimits;
}
