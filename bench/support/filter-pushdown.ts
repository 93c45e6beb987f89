import type { Db, Document } from 'mongodb';

/** The parts of a FerretDB `explain` answer that say whether the server filtered for itself. */
export interface PushdownReport {
  /** The explained command, as sent. */
  command: Document;
  filterPushdown: unknown;
  sortPushdown: unknown;
  limitPushdown: unknown;
  /** Whether the backend's plan reads through an index; null when the plan says neither. */
  indexUsed: boolean | null;
  /** The backend's plan in one line: SQLite's plan details, or PostgreSQL's nodes. */
  planSummary: string;
  /** The backend's query plan (SQLite's `EXPLAIN QUERY PLAN` lines, or PostgreSQL's JSON). */
  queryPlanner: unknown;
  ferretdbVersion: unknown;
}

/**
 * Explains a `find` without running it. FerretDB adds `filterPushdown`: false means its backend
 * returned every document of the collection and the filter was applied afterwards, whatever
 * indexes exist; MongoDB answers without these fields.
 */
export function explainFind(
  db: Db,
  collection: string,
  filter: Document,
  sort: Document = { _id: 1 },
  limit = 11,
): Promise<PushdownReport> {
  return explainCommand(db, { find: collection, filter, sort, limit });
}

/**
 * Explains a `find` or `aggregate` command. FerretDB's filter pushdown only says that some of
 * the filter went into the backend's query; whether that query then reads an index or the
 * whole table is in the backend's own plan, which `indexUsed` reads.
 */
export async function explainCommand(db: Db, command: Document): Promise<PushdownReport> {
  const answer = await db.command({ explain: command });
  const plan = readPlan(answer.queryPlanner);
  return {
    command,
    filterPushdown: answer.filterPushdown,
    sortPushdown: answer.sortPushdown,
    limitPushdown: answer.limitPushdown,
    ...plan,
    queryPlanner: answer.queryPlanner,
    ferretdbVersion: (answer.serverInfo as Document | undefined)?.ferretdbVersion,
  };
}

/** `SEARCH … USING INDEX` in SQLite's plan; `Index Scan` and its kin in PostgreSQL's. */
function readPlan(queryPlanner: unknown): Pick<PushdownReport, 'indexUsed' | 'planSummary'> {
  const planner = (queryPlanner ?? {}) as Document;
  if (Array.isArray(planner.Plan)) return readSqlitePlan(planner.Plan as unknown[]);
  if (planner.Plan && typeof planner.Plan === 'object') {
    return readPostgresqlPlan(planner.Plan as Document);
  }
  return { indexUsed: null, planSummary: 'no plan (collection missing?)' };
}

function readSqlitePlan(lines: unknown[]): Pick<PushdownReport, 'indexUsed' | 'planSummary'> {
  const details = lines.map((line) => String(line).replace(/^.*detail=/, ''));
  const indexUsed = details.some((detail) => /USING (COVERING )?INDEX|PRIMARY KEY/.test(detail));
  return { indexUsed, planSummary: details.join('; ') };
}

function readPostgresqlPlan(root: Document): Pick<PushdownReport, 'indexUsed' | 'planSummary'> {
  const nodes: string[] = [];
  let indexUsed = false;
  const visit = (node: Document) => {
    const type = String(node['Node Type']);
    if (/Index/.test(type)) indexUsed = true;
    const on = node['Index Name'] ?? node['Relation Name'];
    nodes.push(on ? `${type} on ${String(on)}` : type);
    for (const child of (node.Plans as Document[] | undefined) ?? []) visit(child);
  };
  visit(root);
  return { indexUsed, planSummary: nodes.join(' → ') };
}
