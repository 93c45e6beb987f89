import { randomBytes } from 'node:crypto';

import { dataOf, postGraphQL, randomClientAddress } from './graphql-client.js';

/** An organization made through the API, with its owner's session. */
export interface BenchTenant {
  id: string;
  name: string;
  ownerEmail: string;
  token: string;
}

/** The gateway's alias limit is 30; a batch of creations uses one alias each. */
const BATCH_SIZE = 25;

/** Batches sent at once while building fixtures. */
const PARALLEL_BATCHES = 4;

const CREATE_ORGANIZATION = `mutation CreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { token organization { id name } }
}`;

/** A password that satisfies the contract's rules, one per bench run. */
export function benchPassword(): string {
  return `bench-${randomBytes(12).toString('hex')}`;
}

/** An email no earlier run used. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}.${randomBytes(5).toString('hex')}@bench.example`;
}

/** Signs up an organization; each sign-up comes from its own address (20 per address per hour). */
export async function createTenant(
  endpoint: string,
  namePrefix: string,
  password: string,
): Promise<BenchTenant> {
  const name = `${namePrefix} ${randomBytes(4).toString('hex')}`;
  const ownerEmail = uniqueEmail('owner');
  const reply = await postGraphQL<{
    createOrganization: { token: string; organization: { id: string; name: string } };
  }>(
    endpoint,
    CREATE_ORGANIZATION,
    { input: { name, email: ownerEmail, password } },
    { address: randomClientAddress() },
  );

  const { token, organization } = dataOf(reply, 'createOrganization').createOrganization;
  return { id: organization.id, name: organization.name, ownerEmail, token };
}

/** Adds MEMBER accounts with the given password; returns their emails. */
export async function addMembers(
  endpoint: string,
  owner: BenchTenant,
  count: number,
  password: string,
): Promise<string[]> {
  const emails = Array.from({ length: count }, () => uniqueEmail('member'));
  const inputs = emails.map((email) => ({ email, password, role: 'MEMBER' }));

  await createInBatches(endpoint, owner.token, 'addMember', 'AddMemberInput', inputs);
  return emails;
}

/** Creates projects named `<prefix> <n>`; returns their ids in order. */
export async function createProjects(
  endpoint: string,
  token: string,
  count: number,
  prefix = 'Project',
): Promise<string[]> {
  const inputs = Array.from({ length: count }, (_, index) => ({ name: `${prefix} ${index + 1}` }));
  return createInBatches(endpoint, token, 'createProject', 'CreateProjectInput', inputs);
}

/** Creates tasks in a project with rotating statuses and tags, so reports have several groups. */
export async function createTasks(
  endpoint: string,
  token: string,
  projectId: string,
  count: number,
): Promise<void> {
  const statuses = ['TODO', 'IN_PROGRESS', 'DONE'];
  const inputs = Array.from({ length: count }, (_, index) => ({
    projectId,
    title: `Task ${index + 1}`,
    status: statuses[index % statuses.length],
    tags: [`tag-${index % 7}`, `area-${index % 3}`],
  }));

  await createInBatches(endpoint, token, 'createTask', 'CreateTaskInput', inputs);
}

/**
 * Runs one creating mutation per input, many to a document (one alias each) and a few documents
 * at a time; returns the created ids in input order.
 */
async function createInBatches(
  endpoint: string,
  token: string,
  mutation: string,
  inputType: string,
  inputs: Record<string, unknown>[],
): Promise<string[]> {
  const batches: Record<string, unknown>[][] = [];
  for (let start = 0; start < inputs.length; start += BATCH_SIZE) {
    batches.push(inputs.slice(start, start + BATCH_SIZE));
  }

  const ids: string[][] = new Array(batches.length);
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      const index = next++;
      ids[index] = await createBatch(endpoint, token, mutation, inputType, batches[index]);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, lane));
  return ids.flat();
}

async function createBatch(
  endpoint: string,
  token: string,
  mutation: string,
  inputType: string,
  inputs: Record<string, unknown>[],
): Promise<string[]> {
  const parameters = inputs.map((_, index) => `$i${index}: ${inputType}!`).join(', ');
  const fields = inputs.map((_, index) => `c${index}: ${mutation}(input: $i${index}) { id }`);
  const query = `mutation Batch(${parameters}) {\n  ${fields.join('\n  ')}\n}`;
  const variables = Object.fromEntries(inputs.map((input, index) => [`i${index}`, input]));

  const reply = await postGraphQL<Record<string, { id: string }>>(endpoint, query, variables, {
    token,
  });
  const data = dataOf(reply, `${mutation} batch`);
  return inputs.map((_, index) => data[`c${index}`].id);
}
