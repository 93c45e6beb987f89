import type { Db, Document } from 'mongodb';

/** The parts of a FerretDB `explain` answer that say whether the server filtered for itself. */
export interface PushdownReport {
  /** The explained command, as sent. */
  command: Document;
  filterPushdown: unknown;
  sortPushdown: unknown;
  limitPushdown: unknown;
  /** The backend's query plan (SQLite's `EXPLAIN QUERY PLAN` lines on FerretDB). */
  queryPlanner: unknown;
  ferretdbVersion: unknown;
}

/**
 * Explains a `find` without running it. FerretDB adds `filterPushdown`: false means its backend
 * returned every document of the collection and the filter was applied afterwards, whatever
 * indexes exist; MongoDB answers without these fields.
 */
export async function explainFind(
  db: Db,
  collection: string,
  filter: Document,
  sort: Document = { _id: 1 },
  limit = 11,
): Promise<PushdownReport> {
  const command = { find: collection, filter, sort, limit };
  const answer = await db.command({ explain: command });
  return {
    command,
    filterPushdown: answer.filterPushdown,
    sortPushdown: answer.sortPushdown,
    limitPushdown: answer.limitPushdown,
    queryPlanner: answer.queryPlanner,
    ferretdbVersion: (answer.serverInfo as Document | undefined)?.ferretdbVersion,
  };
}
