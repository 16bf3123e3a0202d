import type BetterSqlite3 from "better-sqlite3";
import type { Run } from "../../core/index.js";
import { CostRollups } from "./refresh.js";
import type {
  CostDimension,
  CostGroup,
  CostQuery,
  CostRefreshOptions,
  CostStore,
} from "./types.js";
import { windowSql } from "./window-sql.js";

export type {
  CostDimension,
  CostGroup,
  CostQuery,
  CostRefreshOptions,
  CostRefreshProgress,
  CostStore,
} from "./types.js";
export { COST_DIMENSIONS } from "./types.js";

interface GroupRow {
  purpose: Run["purpose"];
  model: string;
  provider: string;
  recorded: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  spans: number;
  [dimension: string]: unknown;
}

/** '' is how the rollups store "none"; reports show it as "-". */
const shown = (value: unknown): string => (value === "" || value == null ? "-" : String(value));

export class SqliteCostStore implements CostStore {
  readonly #db: BetterSqlite3.Database;
  readonly #rollups: CostRollups;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#rollups = new CostRollups(db);
  }

  async pendingTraces(): Promise<number> {
    return this.#rollups.pending();
  }

  async refresh(options?: CostRefreshOptions): Promise<number> {
    return this.#rollups.refresh(options);
  }

  async costGroups(query: CostQuery): Promise<CostGroup[]> {
    await this.#rollups.refresh();
    const { sql, params } = windowSql(query);
    const rows = this.#db.prepare(sql).all(...params) as GroupRow[];
    return rows.map((row) => {
      const key: Partial<Record<CostDimension, string>> = {};
      for (const d of query.by) key[d] = d === "purpose" ? row.purpose : shown(row[d]);
      return {
        key,
        purpose: row.purpose,
        model: row.model === "" ? null : row.model,
        provider: row.provider === "" ? null : row.provider,
        recorded: row.recorded === 1,
        cost_usd: row.cost_usd,
        input_tokens: row.input_tokens,
        output_tokens: row.output_tokens,
        cached_input_tokens: row.cached_input_tokens,
        spans: row.spans,
      };
    });
  }
}
