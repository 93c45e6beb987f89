import 'reflect-metadata';

import type { GraphQLSchema } from 'graphql';
import { DateTime } from './date-time.js';
import { buildSchema } from 'type-graphql';

import { authChecker } from './auth-checker.js';
import { AuthResolver } from './types/auth-payload.js';
import { MemberResolver } from './types/member.js';
import { OrganizationResolver } from './types/organization.js';
import { ProjectResolver } from './types/project.js';
import { QuotaStatusResolver } from './types/quota-status.js';
import { TaskReportResolver } from './types/task-report.js';
import { TaskResolver } from './types/task.js';
import { ClusterResolver } from './types/cluster.js';
import { TenantMoveResolver } from './types/tenant-move.js';
import { TenantResolver } from './types/tenant.js';

/** Every resolver class of the public schema. */
export const RESOLVERS = [
  OrganizationResolver,
  AuthResolver,
  MemberResolver,
  ProjectResolver,
  TaskResolver,
  TaskReportResolver,
  QuotaStatusResolver,
  TenantResolver,
  ClusterResolver,
  TenantMoveResolver,
] as const;

/** Builds the executable schema from the decorated classes. */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTime }],
    // Inputs are checked by ../validation.ts with the contract's codes, not by class-validator.
    validate: false,
    emitSchemaFile: false,
  });
}
