import type { Document, ObjectId } from 'mongodb';

import type { IsolationTier } from '../models.js';

export type MoveState = 'PENDING' | 'COPYING' | 'SWITCHING' | 'DONE' | 'FAILED';

/** Collections a move copies, in order. */
export const MOVED_COLLECTIONS = ['projects', 'tasks'] as const;
export type MovedCollection = (typeof MOVED_COLLECTIONS)[number];

/** One move of one tenant, in the master `moves` collection. */
export interface MoveDocument {
  _id: ObjectId;
  tenantId: ObjectId;
  from: { tier: IsolationTier; cluster: string };
  to: { tier: IsolationTier; cluster: string };
  state: MoveState;
  /** Documents copied so far, and the total counted when copying started. */
  copied: number;
  total: number;
  /** The bulk copy takes documents with ids up to this; later ones come as dirty records. */
  copyBoundary?: ObjectId;
  /** Where the bulk copy has got to: the last `_id` copied in each collection. */
  copiedUpTo: Partial<Record<MovedCollection, ObjectId>>;
  /** The source's documents are removed (after DONE) or the target's (after FAILED). */
  cleanedUp: boolean;
  /** The replica working on the move renews this; a stale one lets another take over. */
  heartbeatAt: Date;
  owner: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

/**
 * A write made during a move: which document to bring over again before the switch. Recorded
 * after the write lands, and removed once the document is brought over, so a record never
 * stands for a write that has not happened yet.
 */
export interface DirtyDocument {
  _id: ObjectId;
  moveId: ObjectId;
  collection: MovedCollection;
  documentId: ObjectId;
  /** The document as the write left it (null: deleted); absent when the write could not tell. */
  content?: Document | null;
}

/** A write in flight during a move; the switch waits for these to finish. */
export interface WriteMarker {
  _id: ObjectId;
  moveId: ObjectId;
  startedAt: Date;
}

/** A move still running: neither DONE nor FAILED. */
export function isActive(state: MoveState): boolean {
  return state === 'PENDING' || state === 'COPYING' || state === 'SWITCHING';
}
