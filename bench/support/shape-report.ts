import { ObjectId, type Document } from 'mongodb';

import { markdownTable } from './markdown.js';
import { formatNumber } from './stats.js';
import type { ExplainedCommand, ShapeRun } from './query-shapes.js';

/** One pass over the gateway's read shapes at one size of the SHARED tier. */
export interface SizedShapeRun {
  tenants: number;
  run: ShapeRun;
}

/** Milliseconds of each read shape (rows) at each size (columns). */
export function shapeTimingTable(runs: readonly SizedShapeRun[]): string {
  const shapes = runs[0]?.run.timings.map((timing) => timing.shape) ?? [];
  const rows = shapes.map((shape, index) => [
    shape,
    ...runs.map((sized) => formatNumber(sized.run.timings[index]?.ms ?? NaN, 1)),
  ]);
  const headers = ['read (tenant store)', ...runs.map((sized) => `${count(sized.tenants)} (ms)`)];
  return markdownTable(headers, rows);
}

/** What each command of each shape pushed down, and whether the backend's plan reads an index. */
export function shapeExplainTable(explained: readonly ExplainedCommand[], tenantId: string) {
  const rows = explained.map(({ shape, commandName, command, explain }) => [
    shape,
    commandName,
    `\`${describeFilter(command, tenantId)}\``,
    yesNo(explain.filterPushdown),
    yesNo(explain.sortPushdown),
    yesNo(explain.indexUsed),
    explain.planSummary,
  ]);
  return markdownTable(
    ['read', 'command', 'filter as sent', 'filter pushdown', 'sort pushdown', 'index used', 'plan'],
    rows,
    ['left', 'left', 'left', 'left', 'left', 'left', 'left'],
  );
}

/** The command's filter (or its pipeline's `$match`), with ids shown as placeholders. */
function describeFilter(command: Document, tenantId: string): string {
  const pipeline = (command.pipeline as Document[] | undefined) ?? [];
  const filter = command.filter ?? pipeline.find((stage) => '$match' in stage)?.$match ?? {};
  // The driver sends a sort as a Map, which JSON.stringify would print as {}.
  const sort = command.sort instanceof Map ? Object.fromEntries(command.sort) : command.sort;
  const sorted = sort ? ` sort ${JSON.stringify(sort)}` : '';
  return `${JSON.stringify(filter, placeholders(tenantId))}${sorted}`;
}

function placeholders(tenantId: string) {
  return function (this: Record<string, unknown>, key: string, value: unknown): unknown {
    const raw = this[key];
    if (raw instanceof ObjectId) return raw.toHexString() === tenantId ? '<tenant>' : '<id>';
    if (Array.isArray(raw) && raw.length > 0 && raw.every((item) => item instanceof ObjectId)) {
      return `<${raw.length} ids>`;
    }
    return value;
  };
}

function yesNo(value: unknown): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  return 'n/a';
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
