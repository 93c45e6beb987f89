import { randomBytes } from 'node:crypto';

import { dataOf, graphql, randomAddress } from './graphql.js';

/** A tenant made through the public API, with its owner's credentials. */
export interface TestTenant {
  id: string;
  name: string;
  slug: string;
  ownerId: string;
  ownerEmail: string;
  password: string;
  token: string;
}

/** A member session of a tenant. */
export interface TestSession {
  memberId: string;
  email: string;
  password: string;
  token: string;
}

export const PASSWORD = 'correct horse battery';

/** A name no other test uses. */
export function uniqueName(prefix = 'Org'): string {
  return `${prefix} ${randomBytes(4).toString('hex')}`;
}

/** A unique plausible email. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${randomBytes(4).toString('hex')}@example.test`;
}

const CREATE_ORGANIZATION = `mutation Create($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { token member { id email } organization { id name slug } }
}`;

/** Creates an organization and its owner over HTTP. */
export async function createTenant(url: string, name = uniqueName()): Promise<TestTenant> {
  const ownerEmail = uniqueEmail('owner');
  const response = await graphql(
    url,
    CREATE_ORGANIZATION,
    { input: { name, email: ownerEmail, password: PASSWORD } },
    { address: randomAddress() },
  );
  const { token, member, organization } = dataOf(response).createOrganization;
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    ownerId: member.id,
    ownerEmail,
    password: PASSWORD,
    token,
  };
}

/** Adds a member with a role and logs them in. */
export async function addMemberAs(
  url: string,
  owner: TestTenant,
  role: 'OWNER' | 'ADMIN' | 'MEMBER',
): Promise<TestSession> {
  const email = uniqueEmail(role.toLowerCase());
  const added = await graphql(
    url,
    'mutation Add($input: AddMemberInput!) { addMember(input: $input) { id } }',
    { input: { email, password: PASSWORD, role } },
    { token: owner.token },
  );
  const memberId = dataOf(added).addMember.id;
  const session = await loginAs(url, email);
  return { ...session, memberId };
}

/** Logs in with an email and the shared test password. */
export async function loginAs(
  url: string,
  email: string,
  password = PASSWORD,
): Promise<TestSession> {
  const response = await graphql(
    url,
    'mutation Login($input: LoginInput!) { login(input: $input) { token member { id } } }',
    { input: { email, password } },
    { address: randomAddress() },
  );
  const { token, member } = dataOf(response).login;
  return { memberId: member.id, email, password, token };
}

/** Creates a project as the given token's member. */
export async function createProject(url: string, token: string, name = 'Project'): Promise<string> {
  const response = await graphql(
    url,
    'mutation P($input: CreateProjectInput!) { createProject(input: $input) { id } }',
    { input: { name } },
    { token },
  );
  return dataOf(response).createProject.id;
}

/** Creates a task in a project. */
export async function createTask(
  url: string,
  token: string,
  input: Record<string, unknown>,
): Promise<string> {
  const response = await graphql(
    url,
    'mutation T($input: CreateTaskInput!) { createTask(input: $input) { id } }',
    { input: { title: 'Task', ...input } },
    { token },
  );
  return dataOf(response).createTask.id;
}
