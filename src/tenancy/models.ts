import type { ObjectId } from 'mongodb';

import type { Role } from '../auth/tokens.js';

export type { Role } from '../auth/tokens.js';
export type Plan = 'FREE' | 'TEAM' | 'ENTERPRISE';
export type TaskStatus = 'TODO' | 'IN_PROGRESS' | 'DONE';
export type IsolationTier = 'SHARED' | 'COLLECTION' | 'DATABASE';

/** `creating` and `deleting` are the in-between states that crash recovery finishes. */
export type OrganizationState = 'creating' | 'active' | 'deleting';

/** Master metadata of one tenant. */
export interface OrganizationDocument {
  _id: ObjectId;
  name: string;
  /** The normalised name; unique, so two names that read alike cannot both exist. */
  slug: string;
  plan: Plan;
  state: OrganizationState;
  tier: IsolationTier;
  cluster: string;
  suspended: boolean;
  /** The move under way, if any; its writes go through the move's guard. */
  activeMoveId?: ObjectId | null;
  /** Why the operator suspended it, when suspended. */
  suspendedReason?: string | null;
  /** Operator override of plan limits; absent or null uses the plan's. */
  quotaOverride?: Partial<
    Record<'maximumAvailable' | 'restoreRate' | 'maxQueryCost' | 'concurrency' | 'dbTimeMs', number>
  > | null;
  createdAt: Date;
  updatedAt: Date;
  stateChangedAt: Date;
}

/** A member account; lives in the master database beside its organization. */
export interface MemberDocument {
  _id: ObjectId;
  organizationId: ObjectId;
  /** Trimmed and lowercased; unique across the service. */
  email: string;
  passwordHash: string;
  role: Role;
  /** Raised to revoke every token issued before; tokens carry the generation they were made in. */
  tokenGeneration: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A project of a tenant. */
export interface ProjectDocument {
  _id: ObjectId;
  organizationId: ObjectId;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A task of a tenant's project. */
export interface TaskDocument {
  _id: ObjectId;
  organizationId: ObjectId;
  projectId: ObjectId;
  title: string;
  description: string | null;
  status: TaskStatus;
  tags: string[];
  dueAt: Date | null;
  assigneeId: ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One page of a keyset-paginated list, sorted by `_id`. */
export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
}

/** Keyset page request: at most `first` documents after the `_id` given. */
export interface PageRequest {
  first: number;
  after: ObjectId | null;
}
