import type BetterSqlite3 from "better-sqlite3";

/** Tables whose ids users may abbreviate on the command line. */
type PrefixTable =
  | "clusters"
  | "eval_drafts"
  | "gate_decisions"
  | "optimizations"
  | "cycles"
  | "canaries"
  | "shadows";

/**
 * The id `ref` names: itself when it is one, else the only id starting with it; undefined
 * when none or several do. LIKE treats `_` and `%` as wildcards and ids hold `_`, so the
 * prefix is escaped.
 */
export function idByPrefix(
  db: BetterSqlite3.Database,
  table: PrefixTable,
  ref: string,
): string | undefined {
  if (db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(ref) !== undefined) return ref;
  const pattern = `${ref.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const ids = db
    .prepare(`SELECT id FROM ${table} WHERE id LIKE ? ESCAPE '\\' LIMIT 2`)
    .pluck()
    .all(pattern) as string[];
  return ids.length === 1 ? ids[0] : undefined;
}
