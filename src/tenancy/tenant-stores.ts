import type { ObjectId } from 'mongodb';

import { CollectionTenantStore } from './collection-store.js';
import type { Deadline } from './deadline.js';
import type { OrganizationDocument } from './models.js';
import { MovingWriter } from './moves/moving-writer.js';
import type { MoveRegistry } from './moves/move-registry.js';
import { dropTenantStorage, type Placement, type PlacementResolver } from './placement.js';
import type { TenantStore } from './tenant-store.js';

/** What opening a store needs to know of an organization. */
export type StoreTarget = Pick<OrganizationDocument, '_id' | 'tier' | 'cluster' | 'activeMoveId'>;

/** Opens the store of a tenant for one operation, at the tenant's current placement. */
export class TenantStores {
  constructor(
    private readonly placements: PlacementResolver,
    private readonly moves: MoveRegistry,
    /** Reads the organization's placement from the master, bypassing every cache. */
    private readonly freshPlacement: (tenantId: ObjectId) => Promise<Placement>,
  ) {}

  /** Removes every document of the tenant at its placement, and its own storage. */
  dropStorage(organization: StoreTarget): Promise<void> {
    return dropTenantStorage(this.placements, organization._id, organization);
  }

  async open(organization: StoreTarget, deadline: Deadline): Promise<TenantStore> {
    const tenantId = organization._id;
    const collections = await this.placements.collectionsOf(tenantId.toHexString(), organization);
    if (!organization.activeMoveId)
      return new CollectionTenantStore(tenantId, collections, deadline);

    const writer = new MovingWriter(organization.activeMoveId, this.moves, async () =>
      this.placements.collectionsOf(tenantId.toHexString(), await this.freshPlacement(tenantId)),
    );
    return new CollectionTenantStore(tenantId, collections, deadline, writer);
  }
}
