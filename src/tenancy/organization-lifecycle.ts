import { ObjectId } from 'mongodb';

import type { Logger } from '../logger.js';
import { Deadline } from './deadline.js';
import type { MemberRepository } from './members.js';
import { EmailTakenError } from './members.js';
import type { MemberDocument, OrganizationDocument } from './models.js';
import type { OrganizationRepository } from './organizations.js';
import type { Placement } from './placement.js';
import type { TenantStores } from './tenant-stores.js';

/** What the lifecycle needs from token revocation, without depending on auth. */
export interface OrganizationRevoker {
  revokeOrganization(tenantId: string): Promise<void>;
}

/** A validated request to create an organization with its first owner. */
export interface NewOrganization {
  name: string;
  slug: string;
  ownerEmail: string;
  ownerPasswordHash: string;
}

/** An organization that half-finished creating is cleaned up after this long. */
const STALE_CREATION_MS = 60_000;
/** Unfinished creations and deletions are looked for this often. */
const RECOVERY_INTERVAL_MS = 15_000;

/**
 * Creation and deletion of organizations as sequences of idempotent steps, each recorded in the
 * organization's `state`, so that no transaction is needed: a failure undoes the steps taken, and
 * a process that dies half-way leaves a state the next recovery pass finishes.
 */
export class OrganizationLifecycle {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly members: MemberRepository,
    private readonly stores: TenantStores,
    private readonly revoker: OrganizationRevoker,
    private readonly defaultPlacement: Placement,
    private readonly log: Logger,
  ) {}

  /**
   * Creates the organization (holding its slug), then its owner (holding the email), then marks
   * it active. SlugTakenError or EmailTakenError when a unique value is taken; nothing is left.
   */
  async create(
    request: NewOrganization,
  ): Promise<{ organization: OrganizationDocument; owner: MemberDocument }> {
    const now = new Date();
    const organization: OrganizationDocument = {
      _id: new ObjectId(),
      name: request.name,
      slug: request.slug,
      plan: 'FREE',
      state: 'creating',
      ...this.defaultPlacement,
      suspended: false,
      createdAt: now,
      updatedAt: now,
      stateChangedAt: now,
    };
    const owner: MemberDocument = {
      _id: new ObjectId(),
      organizationId: organization._id,
      email: request.ownerEmail,
      passwordHash: request.ownerPasswordHash,
      role: 'OWNER',
      tokenGeneration: 0,
      createdAt: now,
      updatedAt: now,
    };

    await this.organizations.insert(organization);
    try {
      await this.members.insert(owner);
      await this.stores.open(organization, new Deadline(30_000));
      await this.organizations.setState(organization._id, 'active');
    } catch (error) {
      await this.undoCreation(organization._id, error instanceof EmailTakenError);
      throw error;
    }

    return { organization: { ...organization, state: 'active' }, owner };
  }

  /** Marks the organization deleting, revokes its tokens, then removes its data and metadata. */
  async delete(organization: OrganizationDocument): Promise<void> {
    await this.organizations.setState(organization._id, 'deleting');
    await this.finishDeletion(organization);
  }

  /** Runs recovery once now, then periodically. */
  async start(): Promise<void> {
    await this.recover();
    this.timer = setInterval(() => void this.recoverSafely(), RECOVERY_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Finishes deletions and undoes stale creations left by stopped processes. */
  async recover(): Promise<void> {
    const now = Date.now();
    for (const organization of await this.organizations.findUnfinished(
      'deleting',
      new Date(now + 1),
    )) {
      this.log.info(
        { tenantId: organization._id.toHexString() },
        'finishing an interrupted deletion',
      );
      await this.finishDeletion(organization);
    }
    const staleBefore = new Date(now - STALE_CREATION_MS);
    for (const organization of await this.organizations.findUnfinished('creating', staleBefore)) {
      this.log.info(
        { tenantId: organization._id.toHexString() },
        'undoing an interrupted creation',
      );
      await this.undoCreation(organization._id, false);
    }
  }

  private async finishDeletion(organization: OrganizationDocument): Promise<void> {
    await this.revoker.revokeOrganization(organization._id.toHexString());

    await this.stores.dropStorage(organization);
    await this.members.deleteAll(organization._id);
    await this.organizations.delete(organization._id);
  }

  private async undoCreation(organizationId: ObjectId, ownerNeverInserted: boolean): Promise<void> {
    try {
      if (!ownerNeverInserted) await this.members.deleteAll(organizationId);
      await this.organizations.delete(organizationId);
    } catch (error) {
      // Left in state `creating`: the recovery pass removes it later.
      this.log.error(
        { err: error, tenantId: organizationId.toHexString() },
        'undoing a creation failed',
      );
    }
  }

  private async recoverSafely(): Promise<void> {
    try {
      await this.recover();
    } catch (error) {
      this.log.error({ err: error }, 'organization recovery pass failed');
    }
  }
}
