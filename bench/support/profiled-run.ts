import { mkdirSync } from 'node:fs';

import { findProfile } from './cpu-profile.js';
import { startGateway, type BenchGateway, type GatewayOptions } from './gateway.js';
import { PROFILES_DIR } from './paths.js';
import { processCpuMs } from './process-cpu.js';
import { profileTables } from './profile-report.js';

/** What a profiled run found. */
export interface ProfiledRun<T> {
  /** What the load function returned. */
  result: T;
  /** The `.cpuprofile` file. */
  file: string;
  /** Top self-time functions and areas, as Markdown. */
  tables: string;
  /** Gateway CPU time during the load alone, in milliseconds. */
  cpuMs: number;
}

/**
 * Starts a fresh gateway under `node --cpu-prof`, warms it up, puts it under load, stops it (node
 * writes the profile on exit) and ranks functions by self time during the load alone, so that
 * start-up, warm-up and shutdown stay out of the ranking.
 */
export async function profileUnderLoad<T>(
  options: GatewayOptions,
  warmUp: (gateway: BenchGateway) => Promise<unknown>,
  load: (gateway: BenchGateway) => Promise<T>,
): Promise<ProfiledRun<T>> {
  mkdirSync(PROFILES_DIR, { recursive: true });
  const gateway = await startGateway({
    ...options,
    nodeArgs: [...(options.nodeArgs ?? []), '--cpu-prof', `--cpu-prof-dir=${PROFILES_DIR}`],
  });
  await warmUp(gateway);

  const fromMs = performance.now() - gateway.spawnedAt;
  const cpuBefore = processCpuMs(gateway.pid);
  const result = await load(gateway);
  const cpuMs = processCpuMs(gateway.pid) - cpuBefore;
  const toMs = performance.now() - gateway.spawnedAt;
  await gateway.stop();

  const file = await findProfile(PROFILES_DIR, gateway.pid);
  return { result, file, tables: profileTables(file, { fromMs, toMs }), cpuMs };
}
