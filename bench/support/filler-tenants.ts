import { randomBytes } from 'node:crypto';

import { ObjectId, type Db } from 'mongodb';

import { slugOf } from '../../src/schema/validation.js';
import { MASTER_CLUSTER } from '../../src/storage/clusters.js';
import type {
  MemberDocument,
  OrganizationDocument,
  ProjectDocument,
  TaskDocument,
  TaskStatus,
} from '../../src/tenancy/models.js';

/** How much data each filler tenant gets. */
export interface FillerShape {
  projects: number;
  tasksPerProject: number;
}

/** One batch of filler tenants, ready to insert. */
interface FillerBatch {
  organizations: OrganizationDocument[];
  members: MemberDocument[];
  projects: ProjectDocument[];
  tasks: TaskDocument[];
}

/** Tenants inserted per round of `insertMany` commands; about 1,000 tasks at the default shape. */
const TENANTS_PER_BATCH = 50;

const STATUSES: readonly TaskStatus[] = ['TODO', 'IN_PROGRESS', 'DONE'];

/**
 * Inserts SHARED-tier tenants straight into the gateway's database: each an active FREE
 * organization with one OWNER, and its projects and tasks in the shared collections, shaped as
 * the gateway writes them (the document types are the gateway's own). Signing thousands up
 * through the API would spend an scrypt hash and a per-address sign-up allowance on each. Their
 * password hashes are random bytes in the stored format, so no password opens them.
 */
export async function insertFillerTenants(
  db: Db,
  count: number,
  shape: FillerShape,
  onProgress: (inserted: number) => void,
): Promise<void> {
  const runTag = randomBytes(4).toString('hex');
  for (let start = 0; start < count; start += TENANTS_PER_BATCH) {
    const size = Math.min(TENANTS_PER_BATCH, count - start);
    await insertBatch(db, fillerBatch(runTag, start, size, shape));
    onProgress(start + size);
  }
}

async function insertBatch(db: Db, batch: FillerBatch): Promise<void> {
  // Organizations first, as the gateway does: no member or task ever points at a missing one.
  await db.collection<OrganizationDocument>('organizations').insertMany(batch.organizations);
  await db.collection<MemberDocument>('members').insertMany(batch.members);
  await db.collection<ProjectDocument>('projects').insertMany(batch.projects);
  await db.collection<TaskDocument>('tasks').insertMany(batch.tasks);
}

function fillerBatch(runTag: string, first: number, size: number, shape: FillerShape): FillerBatch {
  const batch: FillerBatch = { organizations: [], members: [], projects: [], tasks: [] };
  for (let index = first; index < first + size; index++) {
    const organization = fillerOrganization(`Filler ${index + 1} ${runTag}`);
    batch.organizations.push(organization);
    batch.members.push(fillerOwner(organization, `filler.${index + 1}.${runTag}@bench.example`));
    for (let p = 0; p < shape.projects; p++) {
      const project = fillerProject(organization._id, p);
      batch.projects.push(project);
      for (let t = 0; t < shape.tasksPerProject; t++) batch.tasks.push(fillerTask(project, t));
    }
  }
  return batch;
}

function fillerOrganization(name: string): OrganizationDocument {
  const now = new Date();
  return {
    _id: new ObjectId(),
    name,
    slug: slugOf(name),
    plan: 'FREE',
    state: 'active',
    tier: 'SHARED',
    cluster: MASTER_CLUSTER,
    suspended: false,
    createdAt: now,
    updatedAt: now,
    stateChangedAt: now,
  };
}

function fillerOwner(organization: OrganizationDocument, email: string): MemberDocument {
  const salt = randomBytes(16).toString('base64');
  const hash = randomBytes(32).toString('base64');
  return {
    _id: new ObjectId(),
    organizationId: organization._id,
    email,
    passwordHash: `scrypt$15$8$1$${salt}$${hash}`,
    role: 'OWNER',
    tokenGeneration: 0,
    createdAt: organization.createdAt,
    updatedAt: organization.createdAt,
  };
}

function fillerProject(organizationId: ObjectId, index: number): ProjectDocument {
  const now = new Date();
  return {
    _id: new ObjectId(),
    organizationId,
    name: `Project ${index + 1}`,
    description: null,
    createdAt: now,
    updatedAt: now,
  };
}

function fillerTask(project: ProjectDocument, index: number): TaskDocument {
  return {
    _id: new ObjectId(),
    organizationId: project.organizationId,
    projectId: project._id,
    title: `Task ${index + 1}`,
    description: null,
    status: STATUSES[index % STATUSES.length],
    tags: [`tag-${index % 7}`, `area-${index % 3}`],
    dueAt: null,
    assigneeId: null,
    createdAt: project.createdAt,
    updatedAt: project.createdAt,
  };
}
