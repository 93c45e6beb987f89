import type { ObjectId } from 'mongodb';

import { CollectionTenantStore } from './collection-store.js';
import type { Deadline } from './deadline.js';
import type { PlacementResolver, Placement } from './placement.js';
import type { TenantStore } from './tenant-store.js';

/** Opens the store of a tenant for one operation, at the tenant's current placement. */
export class TenantStores {
  constructor(private readonly placements: PlacementResolver) {}

  async open(tenantId: ObjectId, placement: Placement, deadline: Deadline): Promise<TenantStore> {
    const collections = await this.placements.collectionsOf(tenantId.toHexString(), placement);
    return new CollectionTenantStore(tenantId, collections, deadline);
  }
}
