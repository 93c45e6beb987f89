import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes a PLANS_FILE with the given overrides; returns its path. */
export function plansFile(overrides: Record<string, Record<string, number>>): string {
  const file = path.join(tmpdir(), `tenantgate-plans-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify(overrides));
  return file;
}

/**
 * A FREE plan roomy enough that fixture building is never throttled, and whose database time
 * outlasts the embedded server's full scans on a busy machine.
 */
export const ROOMY_FREE = {
  FREE: { maximumAvailable: 1_000_000, restoreRate: 100_000, concurrency: 64, dbTimeMs: 30_000 },
};
