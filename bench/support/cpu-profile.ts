import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from './paths.js';
import { sleep } from './processes.js';

/** The parts of a V8 `.cpuprofile` this bench reads. */
interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds, on the profiled process's clock. */
  startTime: number;
  endTime: number;
  /** The node id of each sample, in time order. */
  samples?: number[];
  /** Microseconds since the previous sample. */
  timeDeltas?: number[];
}

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time of one function (grouped by name and script). */
export interface FunctionTime {
  functionName: string;
  /**
   * The script, shortened: `node_modules/graphql/...`, `dist/src/...`, `node:internal/...`; for
   * a native function, its busiest JavaScript caller, as `← caller (script)`.
   */
  location: string;
  /** The package or source folder it belongs to. */
  area: string;
  samples: number;
  selfMs: number;
}

/** Samples to count: milliseconds since the profile started; the whole profile when absent. */
export interface ProfileWindow {
  fromMs: number;
  toMs: number;
}

/** Functions that are not JavaScript work: they are reported beside the ranking, not in it. */
const IDLE = '(idle)';

/** Waits for the `.cpuprofile` that node writes when the process with this pid exits. */
export async function findProfile(
  folder: string,
  pid: number,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;

  while (Date.now() < deadline) {
    const name = existsSync(folder)
      ? readdirSync(folder).find(
          (file) => file.includes(`.${pid}.`) && file.endsWith('.cpuprofile'),
        )
      : undefined;
    if (name) return path.join(folder, name);
    await sleep(200);
  }
  throw new Error(`no .cpuprofile of process ${pid} appeared in ${folder}`);
}

/**
 * Self time per function (functionName + url; line too for anonymous ones): the samples whose leaf was that function. With a
 * window, only samples taken inside it count (so start-up and shutdown stay out); without one,
 * this is each node's `hitCount` summed.
 */
export function selfTimeByFunction(
  file: string,
  window?: ProfileWindow,
): {
  functions: FunctionTime[];
  idleMs: number;
  totalMs: number;
} {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const hits = window ? hitsInWindow(profile, window) : hitsOverall(profile);
  const sampleMs = averageSampleMs(profile);

  const parents = parentsOf(profile.nodes);
  const byFunction = new Map<string, FunctionTime>();
  const callers = new Map<string, Map<string, number>>();
  for (const node of profile.nodes) {
    const samples = hits.get(node.id) ?? 0;
    if (samples === 0) continue;
    const { functionName, url } = node.callFrame;
    // Anonymous functions of one script are told apart by line, or they would all merge.
    const line = functionName ? '' : String(node.callFrame.lineNumber);
    const key = `${functionName}\u0000${url}\u0000${line}`;
    const entry = byFunction.get(key) ?? newEntry(functionName, url, node.callFrame.lineNumber);
    entry.samples += samples;
    entry.selfMs = entry.samples * sampleMs;
    byFunction.set(key, entry);
    if (!url) countCaller(callers, key, parents.get(node.id), samples);
  }
  for (const [key, counts] of callers) {
    const busiest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    if (busiest) byFunction.get(key)!.location = `← ${busiest[0]}`;
  }

  const all = [...byFunction.values()];
  const idleMs = all
    .filter((entry) => entry.functionName === IDLE)
    .reduce((t, e) => t + e.selfMs, 0);
  const functions = all
    .filter((entry) => entry.functionName !== IDLE)
    .sort((a, b) => b.samples - a.samples);
  const totalMs = all.reduce((total, entry) => total + entry.selfMs, 0);
  return { functions, idleMs, totalMs };
}

/** Self time summed per area (package or source folder), largest first. */
export function selfTimeByArea(
  functions: readonly FunctionTime[],
): { area: string; selfMs: number }[] {
  const byArea = new Map<string, number>();
  for (const entry of functions)
    byArea.set(entry.area, (byArea.get(entry.area) ?? 0) + entry.selfMs);
  return [...byArea.entries()]
    .map(([area, selfMs]) => ({ area, selfMs }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

function parentsOf(nodes: readonly ProfileNode[]): Map<number, ProfileNode> {
  const parents = new Map<number, ProfileNode>();
  for (const node of nodes) {
    for (const child of node.children ?? []) parents.set(child, node);
  }
  // Natives called from natives (writev from a binding) are named after the first JS frame.
  for (const [id, parent] of parents) {
    let caller: ProfileNode | undefined = parent;
    while (caller && !caller.callFrame.url) caller = parents.get(caller.id);
    if (caller) parents.set(id, caller);
    else parents.delete(id);
  }
  return parents;
}

function countCaller(
  callers: Map<string, Map<string, number>>,
  key: string,
  caller: ProfileNode | undefined,
  samples: number,
): void {
  if (!caller) return;
  const { functionName, url, lineNumber } = caller.callFrame;
  const label = `${functionName || '(anonymous)'} (${shortLocation(url)}:${lineNumber + 1})`;
  const counts = callers.get(key) ?? new Map<string, number>();
  counts.set(label, (counts.get(label) ?? 0) + samples);
  callers.set(key, counts);
}

function hitsOverall(profile: CpuProfile): Map<number, number> {
  return new Map(profile.nodes.map((node) => [node.id, node.hitCount ?? 0]));
}

function hitsInWindow(profile: CpuProfile, window: ProfileWindow): Map<number, number> {
  const hits = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let atUs = profile.startTime;

  for (let index = 0; index < samples.length; index++) {
    atUs += deltas[index] ?? 0;
    const atMs = (atUs - profile.startTime) / 1_000;
    if (atMs < window.fromMs || atMs > window.toMs) continue;
    hits.set(samples[index], (hits.get(samples[index]) ?? 0) + 1);
  }
  return hits;
}

function averageSampleMs(profile: CpuProfile): number {
  const count = profile.samples?.length ?? profile.nodes.reduce((t, n) => t + (n.hitCount ?? 0), 0);
  return count > 0 ? (profile.endTime - profile.startTime) / 1_000 / count : 0;
}

function newEntry(functionName: string, url: string, lineNumber: number): FunctionTime {
  const location = shortLocation(url);
  return {
    functionName: functionName || '(anonymous)',
    location: location ? `${location}:${lineNumber + 1}` : '',
    area: areaOf(functionName, location),
    samples: 0,
    selfMs: 0,
  };
}

function shortLocation(url: string): string {
  const rootUrl = `file://${PROJECT_ROOT}/`;
  if (url.startsWith(rootUrl)) return url.slice(rootUrl.length);
  return url;
}

/** `graphql`, `express`, `dist/src/quota`, `node:crypto`, `node:http`, `(garbage collector)`... */
function areaOf(functionName: string, location: string): string {
  if (!location) return functionName.startsWith('(') ? functionName : '(native)';

  const packageMatch = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(location);
  if (packageMatch) return packageMatch[1];
  const sourceMatch = /^dist\/src\/([^/]+)\//.exec(location);
  if (sourceMatch) return `dist/src/${sourceMatch[1]}`;
  // Node's own modules by family: crypto, streams, http... say more than `node:internal`.
  const nodeMatch = /^node:(?:internal\/)?([a-z_]+)/.exec(location);
  if (nodeMatch) return `node:${nodeMatch[1].replace(/^_/, '').replace(/_.*$/, '')}`;
  return location.split('/')[0];
}
