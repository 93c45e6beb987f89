import type { Document, ObjectId } from 'mongodb';

import type { TenantCollections } from './collection-store.js';

/** The documents a write touches, by collection. */
export interface WriteIntent {
  projects?: ObjectId[];
  tasks?: ObjectId[];
}

/**
 * What a write left in a document when nothing can have changed it since: the document it
 * inserted (its id is new), or null for one it deleted (no write can follow). A move uses this
 * instead of reading the source again. Updates give none: another replica's update of the same
 * document may land in either order, so only the source knows the last one.
 */
export type WriteOutcome = Partial<Record<'projects' | 'tasks', Map<string, Document | null>>>;

/**
 * How a tenant store's writes reach storage. Normally straight to the collections of the
 * request's placement; while the tenant moves, through the move's write guard, which records
 * what each write touches and holds writes during the switch (see moves/move-write-guard.ts).
 * `intent` runs only when a move needs it, against the collections the write will use.
 */
export interface TenantWriter {
  write<T>(
    intent: (collections: TenantCollections) => Promise<WriteIntent>,
    apply: (collections: TenantCollections) => Promise<T>,
    outcome?: (result: T) => WriteOutcome,
  ): Promise<T>;
}

/** The outcome of a write that left one document as it is now (or deleted it: null). */
export function outcomeOf(
  collection: 'projects' | 'tasks',
  id: ObjectId,
  document: Document | null,
): WriteOutcome {
  return { [collection]: new Map([[id.toHexString(), document]]) };
}

/** Writes straight to one placement's collections. */
export class DirectWriter implements TenantWriter {
  constructor(private readonly collections: TenantCollections) {}

  write<T>(
    _intent: (collections: TenantCollections) => Promise<WriteIntent>,
    apply: (collections: TenantCollections) => Promise<T>,
  ): Promise<T> {
    return apply(this.collections);
  }
}
