import { registerEnumType } from 'type-graphql';

/** Roles, highest first. */
export const Role = { OWNER: 'OWNER', ADMIN: 'ADMIN', MEMBER: 'MEMBER' } as const;
export type Role = (typeof Role)[keyof typeof Role];

export const Plan = { FREE: 'FREE', TEAM: 'TEAM', ENTERPRISE: 'ENTERPRISE' } as const;
export type Plan = (typeof Plan)[keyof typeof Plan];

export const TaskStatus = { TODO: 'TODO', IN_PROGRESS: 'IN_PROGRESS', DONE: 'DONE' } as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const IsolationTier = {
  SHARED: 'SHARED',
  COLLECTION: 'COLLECTION',
  DATABASE: 'DATABASE',
} as const;
export type IsolationTier = (typeof IsolationTier)[keyof typeof IsolationTier];

export const TaskReportDimension = {
  STATUS: 'STATUS',
  ASSIGNEE: 'ASSIGNEE',
  PROJECT: 'PROJECT',
  TAG: 'TAG',
} as const;
export type TaskReportDimension = (typeof TaskReportDimension)[keyof typeof TaskReportDimension];

registerEnumType(Role, { name: 'Role' });
registerEnumType(Plan, { name: 'Plan' });
registerEnumType(TaskStatus, { name: 'TaskStatus' });
registerEnumType(IsolationTier, { name: 'IsolationTier' });
registerEnumType(TaskReportDimension, { name: 'TaskReportDimension' });
