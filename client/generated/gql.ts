/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  'mutation AddMember($input: AddMemberInput!) {\n  addMember(input: $input) {\n    id\n    email\n    role\n    createdAt\n  }\n}': typeof types.AddMemberDocument;
  'mutation CreateOrganization($input: CreateOrganizationInput!) {\n  createOrganization(input: $input) {\n    ...SessionFields\n  }\n}': typeof types.CreateOrganizationDocument;
  'mutation CreateProject($input: CreateProjectInput!) {\n  createProject(input: $input) {\n    id\n    name\n    description\n    createdAt\n    updatedAt\n  }\n}': typeof types.CreateProjectDocument;
  'mutation CreateTask($input: CreateTaskInput!) {\n  createTask(input: $input) {\n    ...TaskFields\n    description\n    createdAt\n  }\n}': typeof types.CreateTaskDocument;
  'mutation Login($input: LoginInput!) {\n  login(input: $input) {\n    ...SessionFields\n  }\n}': typeof types.LoginDocument;
  'mutation Logout {\n  logout\n}': typeof types.LogoutDocument;
  'query OrganizationMembers($first: Int, $after: String) {\n  organization {\n    id\n    members(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        email\n        role\n        createdAt\n      }\n    }\n  }\n}': typeof types.OrganizationMembersDocument;
  'query ProjectTasks($id: ID!, $first: Int!, $after: String, $status: TaskStatus) {\n  project(id: $id) {\n    id\n    name\n    tasks(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...TaskFields\n      }\n    }\n  }\n}': typeof types.ProjectTasksDocument;
  'query Projects($first: Int = 50, $after: String) {\n  projects(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      description\n      createdAt\n      updatedAt\n      tasks(first: 1) {\n        totalCount\n      }\n    }\n  }\n}': typeof types.ProjectsDocument;
  'query Quota {\n  quota {\n    plan\n    maximumAvailable\n    currentlyAvailable\n    restoreRate\n    maxQueryCost\n    concurrency\n  }\n}': typeof types.QuotaDocument;
  'mutation RefreshToken($input: RefreshTokenInput!) {\n  refreshToken(input: $input) {\n    ...SessionFields\n  }\n}': typeof types.RefreshTokenDocument;
  'query Task($id: ID!) {\n  task(id: $id) {\n    ...TaskFields\n    description\n    createdAt\n    updatedAt\n  }\n}': typeof types.TaskDocument;
  'query TaskReport($input: TaskReportInput!) {\n  taskReport(input: $input) {\n    dimension\n    total\n    buckets {\n      key\n      count\n    }\n  }\n}': typeof types.TaskReportDocument;
  'query Tasks($first: Int!, $after: String, $filter: TaskFilter) {\n  tasks(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...TaskFields\n    }\n  }\n}': typeof types.TasksDocument;
  'mutation UpdateTask($input: UpdateTaskInput!) {\n  updateTask(input: $input) {\n    ...TaskFields\n    description\n    updatedAt\n  }\n}': typeof types.UpdateTaskDocument;
  'query Viewer {\n  viewer {\n    id\n    email\n    role\n    createdAt\n  }\n  organization {\n    id\n    name\n    slug\n    plan\n    createdAt\n    members(first: 20) {\n      totalCount\n      nodes {\n        id\n        email\n        role\n      }\n    }\n    projects(first: 20) {\n      totalCount\n      nodes {\n        id\n        name\n        description\n      }\n    }\n  }\n}': typeof types.ViewerDocument;
  'fragment SessionFields on AuthPayload {\n  token\n  expiresAt\n  refreshToken\n  refreshExpiresAt\n  member {\n    id\n    email\n    role\n  }\n  organization {\n    id\n    name\n    slug\n    plan\n  }\n}': typeof types.SessionFieldsFragmentDoc;
  'fragment TaskFields on Task {\n  id\n  title\n  status\n  tags\n  dueAt\n  assignee {\n    id\n    email\n  }\n  project {\n    id\n    name\n  }\n}': typeof types.TaskFieldsFragmentDoc;
};
const documents: Documents = {
  'mutation AddMember($input: AddMemberInput!) {\n  addMember(input: $input) {\n    id\n    email\n    role\n    createdAt\n  }\n}':
    types.AddMemberDocument,
  'mutation CreateOrganization($input: CreateOrganizationInput!) {\n  createOrganization(input: $input) {\n    ...SessionFields\n  }\n}':
    types.CreateOrganizationDocument,
  'mutation CreateProject($input: CreateProjectInput!) {\n  createProject(input: $input) {\n    id\n    name\n    description\n    createdAt\n    updatedAt\n  }\n}':
    types.CreateProjectDocument,
  'mutation CreateTask($input: CreateTaskInput!) {\n  createTask(input: $input) {\n    ...TaskFields\n    description\n    createdAt\n  }\n}':
    types.CreateTaskDocument,
  'mutation Login($input: LoginInput!) {\n  login(input: $input) {\n    ...SessionFields\n  }\n}':
    types.LoginDocument,
  'mutation Logout {\n  logout\n}': types.LogoutDocument,
  'query OrganizationMembers($first: Int, $after: String) {\n  organization {\n    id\n    members(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        email\n        role\n        createdAt\n      }\n    }\n  }\n}':
    types.OrganizationMembersDocument,
  'query ProjectTasks($id: ID!, $first: Int!, $after: String, $status: TaskStatus) {\n  project(id: $id) {\n    id\n    name\n    tasks(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...TaskFields\n      }\n    }\n  }\n}':
    types.ProjectTasksDocument,
  'query Projects($first: Int = 50, $after: String) {\n  projects(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      description\n      createdAt\n      updatedAt\n      tasks(first: 1) {\n        totalCount\n      }\n    }\n  }\n}':
    types.ProjectsDocument,
  'query Quota {\n  quota {\n    plan\n    maximumAvailable\n    currentlyAvailable\n    restoreRate\n    maxQueryCost\n    concurrency\n  }\n}':
    types.QuotaDocument,
  'mutation RefreshToken($input: RefreshTokenInput!) {\n  refreshToken(input: $input) {\n    ...SessionFields\n  }\n}':
    types.RefreshTokenDocument,
  'query Task($id: ID!) {\n  task(id: $id) {\n    ...TaskFields\n    description\n    createdAt\n    updatedAt\n  }\n}':
    types.TaskDocument,
  'query TaskReport($input: TaskReportInput!) {\n  taskReport(input: $input) {\n    dimension\n    total\n    buckets {\n      key\n      count\n    }\n  }\n}':
    types.TaskReportDocument,
  'query Tasks($first: Int!, $after: String, $filter: TaskFilter) {\n  tasks(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...TaskFields\n    }\n  }\n}':
    types.TasksDocument,
  'mutation UpdateTask($input: UpdateTaskInput!) {\n  updateTask(input: $input) {\n    ...TaskFields\n    description\n    updatedAt\n  }\n}':
    types.UpdateTaskDocument,
  'query Viewer {\n  viewer {\n    id\n    email\n    role\n    createdAt\n  }\n  organization {\n    id\n    name\n    slug\n    plan\n    createdAt\n    members(first: 20) {\n      totalCount\n      nodes {\n        id\n        email\n        role\n      }\n    }\n    projects(first: 20) {\n      totalCount\n      nodes {\n        id\n        name\n        description\n      }\n    }\n  }\n}':
    types.ViewerDocument,
  'fragment SessionFields on AuthPayload {\n  token\n  expiresAt\n  refreshToken\n  refreshExpiresAt\n  member {\n    id\n    email\n    role\n  }\n  organization {\n    id\n    name\n    slug\n    plan\n  }\n}':
    types.SessionFieldsFragmentDoc,
  'fragment TaskFields on Task {\n  id\n  title\n  status\n  tags\n  dueAt\n  assignee {\n    id\n    email\n  }\n  project {\n    id\n    name\n  }\n}':
    types.TaskFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation AddMember($input: AddMemberInput!) {\n  addMember(input: $input) {\n    id\n    email\n    role\n    createdAt\n  }\n}',
): (typeof documents)['mutation AddMember($input: AddMemberInput!) {\n  addMember(input: $input) {\n    id\n    email\n    role\n    createdAt\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation CreateOrganization($input: CreateOrganizationInput!) {\n  createOrganization(input: $input) {\n    ...SessionFields\n  }\n}',
): (typeof documents)['mutation CreateOrganization($input: CreateOrganizationInput!) {\n  createOrganization(input: $input) {\n    ...SessionFields\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation CreateProject($input: CreateProjectInput!) {\n  createProject(input: $input) {\n    id\n    name\n    description\n    createdAt\n    updatedAt\n  }\n}',
): (typeof documents)['mutation CreateProject($input: CreateProjectInput!) {\n  createProject(input: $input) {\n    id\n    name\n    description\n    createdAt\n    updatedAt\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation CreateTask($input: CreateTaskInput!) {\n  createTask(input: $input) {\n    ...TaskFields\n    description\n    createdAt\n  }\n}',
): (typeof documents)['mutation CreateTask($input: CreateTaskInput!) {\n  createTask(input: $input) {\n    ...TaskFields\n    description\n    createdAt\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation Login($input: LoginInput!) {\n  login(input: $input) {\n    ...SessionFields\n  }\n}',
): (typeof documents)['mutation Login($input: LoginInput!) {\n  login(input: $input) {\n    ...SessionFields\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation Logout {\n  logout\n}',
): (typeof documents)['mutation Logout {\n  logout\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query OrganizationMembers($first: Int, $after: String) {\n  organization {\n    id\n    members(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        email\n        role\n        createdAt\n      }\n    }\n  }\n}',
): (typeof documents)['query OrganizationMembers($first: Int, $after: String) {\n  organization {\n    id\n    members(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        email\n        role\n        createdAt\n      }\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query ProjectTasks($id: ID!, $first: Int!, $after: String, $status: TaskStatus) {\n  project(id: $id) {\n    id\n    name\n    tasks(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...TaskFields\n      }\n    }\n  }\n}',
): (typeof documents)['query ProjectTasks($id: ID!, $first: Int!, $after: String, $status: TaskStatus) {\n  project(id: $id) {\n    id\n    name\n    tasks(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...TaskFields\n      }\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query Projects($first: Int = 50, $after: String) {\n  projects(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      description\n      createdAt\n      updatedAt\n      tasks(first: 1) {\n        totalCount\n      }\n    }\n  }\n}',
): (typeof documents)['query Projects($first: Int = 50, $after: String) {\n  projects(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      description\n      createdAt\n      updatedAt\n      tasks(first: 1) {\n        totalCount\n      }\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query Quota {\n  quota {\n    plan\n    maximumAvailable\n    currentlyAvailable\n    restoreRate\n    maxQueryCost\n    concurrency\n  }\n}',
): (typeof documents)['query Quota {\n  quota {\n    plan\n    maximumAvailable\n    currentlyAvailable\n    restoreRate\n    maxQueryCost\n    concurrency\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation RefreshToken($input: RefreshTokenInput!) {\n  refreshToken(input: $input) {\n    ...SessionFields\n  }\n}',
): (typeof documents)['mutation RefreshToken($input: RefreshTokenInput!) {\n  refreshToken(input: $input) {\n    ...SessionFields\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query Task($id: ID!) {\n  task(id: $id) {\n    ...TaskFields\n    description\n    createdAt\n    updatedAt\n  }\n}',
): (typeof documents)['query Task($id: ID!) {\n  task(id: $id) {\n    ...TaskFields\n    description\n    createdAt\n    updatedAt\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query TaskReport($input: TaskReportInput!) {\n  taskReport(input: $input) {\n    dimension\n    total\n    buckets {\n      key\n      count\n    }\n  }\n}',
): (typeof documents)['query TaskReport($input: TaskReportInput!) {\n  taskReport(input: $input) {\n    dimension\n    total\n    buckets {\n      key\n      count\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query Tasks($first: Int!, $after: String, $filter: TaskFilter) {\n  tasks(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...TaskFields\n    }\n  }\n}',
): (typeof documents)['query Tasks($first: Int!, $after: String, $filter: TaskFilter) {\n  tasks(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...TaskFields\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation UpdateTask($input: UpdateTaskInput!) {\n  updateTask(input: $input) {\n    ...TaskFields\n    description\n    updatedAt\n  }\n}',
): (typeof documents)['mutation UpdateTask($input: UpdateTaskInput!) {\n  updateTask(input: $input) {\n    ...TaskFields\n    description\n    updatedAt\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query Viewer {\n  viewer {\n    id\n    email\n    role\n    createdAt\n  }\n  organization {\n    id\n    name\n    slug\n    plan\n    createdAt\n    members(first: 20) {\n      totalCount\n      nodes {\n        id\n        email\n        role\n      }\n    }\n    projects(first: 20) {\n      totalCount\n      nodes {\n        id\n        name\n        description\n      }\n    }\n  }\n}',
): (typeof documents)['query Viewer {\n  viewer {\n    id\n    email\n    role\n    createdAt\n  }\n  organization {\n    id\n    name\n    slug\n    plan\n    createdAt\n    members(first: 20) {\n      totalCount\n      nodes {\n        id\n        email\n        role\n      }\n    }\n    projects(first: 20) {\n      totalCount\n      nodes {\n        id\n        name\n        description\n      }\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'fragment SessionFields on AuthPayload {\n  token\n  expiresAt\n  refreshToken\n  refreshExpiresAt\n  member {\n    id\n    email\n    role\n  }\n  organization {\n    id\n    name\n    slug\n    plan\n  }\n}',
): (typeof documents)['fragment SessionFields on AuthPayload {\n  token\n  expiresAt\n  refreshToken\n  refreshExpiresAt\n  member {\n    id\n    email\n    role\n  }\n  organization {\n    id\n    name\n    slug\n    plan\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'fragment TaskFields on Task {\n  id\n  title\n  status\n  tags\n  dueAt\n  assignee {\n    id\n    email\n  }\n  project {\n    id\n    name\n  }\n}',
): (typeof documents)['fragment TaskFields on Task {\n  id\n  title\n  status\n  tags\n  dueAt\n  assignee {\n    id\n    email\n  }\n  project {\n    id\n    name\n  }\n}'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> =
  TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
