import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Limits a PLANS_FILE may set for one plan. */
type PlanOverride = Partial<
  Record<'maximumAvailable' | 'restoreRate' | 'maxQueryCost' | 'concurrency' | 'dbTimeMs', number>
>;

/** Every plan so large that neither fixture building nor a measured side is ever refused. */
const ROOMY: PlanOverride = {
  maximumAvailable: 1_000_000_000,
  restoreRate: 1_000_000_000,
  maxQueryCost: 100_000,
  concurrency: 1_000,
  dbTimeMs: 60_000,
};

/** Writes a PLANS_FILE where every plan is roomy; returns its path. */
export function writeRoomyPlansFile(folder: string): string {
  const file = path.join(folder, 'roomy-plans.json');
  writeFileSync(file, JSON.stringify({ FREE: ROOMY, TEAM: ROOMY, ENTERPRISE: ROOMY }));
  return file;
}
