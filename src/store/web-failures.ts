import type BetterSqlite3 from "better-sqlite3";

export interface FailurePageFilter {
  /** Default: new and accepted, as `ratchet failures list`. */
  status?: string[];
  type?: string;
  severity?: string;
  /** Reason, error, input or output containing this text. */
  search?: string;
  limit: number;
  offset: number;
}

/**
 * One page of failure ids in `failures list` order (score, then id), on the rank index;
 * the page loads each failure by id, so the decoding stays in the failure store.
 */
export function failurePage(
  db: BetterSqlite3.Database,
  filter: FailurePageFilter,
): { ids: string[]; total: number } {
  const statuses = filter.status && filter.status.length > 0 ? filter.status : ["new", "accepted"];
  const parts = [`status IN (${statuses.map(() => "?").join(", ")})`];
  const params: Array<string | number> = [...statuses];
  if (filter.type) {
    parts.push("signal_type = ?");
    params.push(filter.type);
  }
  if (filter.severity) {
    parts.push("severity = ?");
    params.push(filter.severity);
  }
  if (filter.search) {
    parts.push(
      "(instr(reason, ?) > 0 OR instr(coalesce(error, ''), ?) > 0 OR instr(input, ?) > 0 OR instr(output, ?) > 0)",
    );
    params.push(filter.search, filter.search, filter.search, filter.search);
  }
  const where = parts.join(" AND ");
  const ids = db
    .prepare(`SELECT id FROM failures WHERE ${where} ORDER BY score DESC, id LIMIT ? OFFSET ?`)
    .pluck()
    .all(...params, filter.limit, filter.offset) as string[];
  const total = db
    .prepare(`SELECT count(*) FROM failures WHERE ${where}`)
    .pluck()
    .get(...params) as number;
  return { ids, total };
}
