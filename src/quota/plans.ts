import { readFileSync } from 'node:fs';

/** The numbers one plan grants a tenant. */
export interface PlanLimits {
  /** Bucket capacity, in cost points. */
  maximumAvailable: number;
  /** Refill, in points per second. */
  restoreRate: number;
  /** Most an operation may request, in points. */
  maxQueryCost: number;
  /** Operations in flight at once. */
  concurrency: number;
  /** Database time of one operation, in milliseconds. */
  dbTimeMs: number;
  /**
   * Operations executing at once per replica (the rest of those in flight wait their turn); not
   * in the contract's table. Unset: a quarter of `concurrency` (see execution-lanes.ts).
   */
  lanes?: number;
}

export type PlanName = 'FREE' | 'TEAM' | 'ENTERPRISE';
export type PlanTable = Readonly<Record<PlanName, Readonly<PlanLimits>>>;

/** The contract's plan table (section 5). */
export const BUILT_IN_PLANS: PlanTable = Object.freeze({
  FREE: Object.freeze({
    maximumAvailable: 1_000,
    restoreRate: 50,
    maxQueryCost: 1_000,
    concurrency: 4,
    dbTimeMs: 2_000,
  }),
  TEAM: Object.freeze({
    maximumAvailable: 5_000,
    restoreRate: 250,
    maxQueryCost: 2_000,
    concurrency: 16,
    dbTimeMs: 5_000,
  }),
  ENTERPRISE: Object.freeze({
    maximumAvailable: 20_000,
    restoreRate: 1_000,
    maxQueryCost: 5_000,
    concurrency: 64,
    dbTimeMs: 10_000,
  }),
});

const PLAN_NAMES: readonly PlanName[] = ['FREE', 'TEAM', 'ENTERPRISE'];
const LIMIT_NAMES: readonly (keyof PlanLimits)[] = [
  'maximumAvailable',
  'restoreRate',
  'maxQueryCost',
  'concurrency',
  'dbTimeMs',
  'lanes',
];

/** Limits counted in whole operations, points or milliseconds (the schema answers them as Int). */
const WHOLE_LIMITS: readonly (keyof PlanLimits)[] = [
  'maxQueryCost',
  'concurrency',
  'dbTimeMs',
  'lanes',
];

/**
 * The plan table: the built-in one, with any plan or number given in PLANS_FILE replacing it,
 * and every fault of the file, one line each. The file is JSON such as
 * `{ "FREE": { "restoreRate": 20 } }`; unknown plans or limits, and values that are not positive
 * numbers, are faults, which stop the start (src/config/config.ts reads the file, once).
 */
export function readPlans(plansFile: string | null): { table: PlanTable; problems: string[] } {
  return plansFile ? readPlansFile(plansFile) : { table: BUILT_IN_PLANS, problems: [] };
}

function readPlansFile(plansFile: string): { table: PlanTable; problems: string[] } {
  const problems: string[] = [];
  const table = {} as Record<PlanName, PlanLimits>;
  for (const plan of PLAN_NAMES) table[plan] = { ...BUILT_IN_PLANS[plan] };

  let overrides: unknown;
  try {
    overrides = JSON.parse(readFileSync(plansFile, 'utf8'));
  } catch (error) {
    problems.push(
      `PLANS_FILE "${plansFile}" could not be read as JSON: ${(error as Error).message}`,
    );
    return { table, problems };
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    problems.push(`PLANS_FILE "${plansFile}" must hold an object keyed by plan name`);
    return { table, problems };
  }

  for (const [plan, limits] of Object.entries(overrides)) {
    if (!PLAN_NAMES.includes(plan as PlanName)) {
      problems.push(`PLANS_FILE names unknown plan "${plan}"; plans are ${PLAN_NAMES.join(', ')}`);
      continue;
    }
    table[plan as PlanName] = mergeLimits(plan, table[plan as PlanName], limits, problems);
  }
  return { table: Object.freeze(table), problems };
}

function mergeLimits(
  plan: string,
  base: PlanLimits,
  limits: unknown,
  problems: string[],
): PlanLimits {
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    problems.push(`PLANS_FILE plan "${plan}" must be an object of limits`);
    return base;
  }

  const merged = { ...base };
  for (const [name, value] of Object.entries(limits)) {
    if (!LIMIT_NAMES.includes(name as keyof PlanLimits)) {
      problems.push(
        `PLANS_FILE plan "${plan}" has unknown limit "${name}"; limits are ${LIMIT_NAMES.join(', ')}`,
      );
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      problems.push(`PLANS_FILE plan "${plan}" limit "${name}" must be a positive number`);
    } else if (WHOLE_LIMITS.includes(name as keyof PlanLimits) && !Number.isInteger(value)) {
      problems.push(`PLANS_FILE plan "${plan}" limit "${name}" must be a whole number`);
    } else {
      merged[name as keyof PlanLimits] = value;
    }
  }
  if (merged.lanes !== undefined && merged.lanes > merged.concurrency) {
    problems.push(
      `PLANS_FILE plan "${plan}" has lanes ${merged.lanes} above its concurrency ${merged.concurrency}; an operation beyond the concurrency is refused, so those lanes could never be used`,
    );
  }
  return merged;
}

/** A plan's limits with an operator's per-tenant override laid over them. */
export function effectiveLimits(
  plans: PlanTable,
  plan: string,
  override?: Partial<PlanLimits> | null,
): PlanLimits {
  const base = plans[plan as PlanName] ?? plans.FREE;
  if (!override) return base;

  const merged = { ...base };
  for (const name of LIMIT_NAMES) {
    const value = override[name];
    if (typeof value === 'number' && value > 0) merged[name] = value;
  }
  return merged;
}
