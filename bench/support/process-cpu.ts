import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU counters; 100 on nearly every Linux. */
const TICKS_PER_SECOND = readTicksPerSecond();

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux only;
 * NaN elsewhere). Unlike latency, CPU time per request hardly moves when other work shares the
 * machine, so it separates what the gateway does from how busy the box is.
 */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    return ((userTicks + systemTicks) * 1_000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU time the processes use together, in milliseconds, while `work` runs. */
export async function cpuMsDuring<T>(
  pids: readonly number[],
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: number[] }> {
  const before = pids.map(processCpuMs);
  const result = await work();
  return { result, cpuMs: pids.map((pid, index) => processCpuMs(pid) - before[index]) };
}

function readTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}
