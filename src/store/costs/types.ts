import type { Run } from "../../core/index.js";

export type CostDimension =
  | "purpose"
  | "model"
  | "provider"
  | "agent"
  | "tool"
  | "span"
  | "prompt_version"
  | "run"
  | "cycle"
  | "day";

export const COST_DIMENSIONS: readonly CostDimension[] = [
  "purpose",
  "model",
  "provider",
  "agent",
  "tool",
  "span",
  "prompt_version",
  "run",
  "cycle",
  "day",
];

export interface CostQuery {
  by: CostDimension[];
  sinceMs?: number;
  untilMs?: number;
  purpose?: Run["purpose"];
}

/**
 * One SQL group: the requested dimensions plus purpose, model and provider (needed to price
 * calls that carry tokens but no recorded cost). `recorded` tells which of the two it is.
 */
export interface CostGroup {
  key: Partial<Record<CostDimension, string>>;
  purpose: Run["purpose"];
  model: string | null;
  provider: string | null;
  /** True: `cost_usd` is the sum of recorded `ratchet.cost.usd`; false: priced from tokens. */
  recorded: boolean;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  spans: number;
}

export interface CostRefreshProgress {
  /** Traces recomputed so far in this refresh. */
  done: number;
  /** Traces still waiting. */
  left: number;
}

export interface CostRefreshOptions {
  /** Traces per transaction; other writers get the database between chunks. */
  chunk?: number;
  /** Stop after about this many traces (whole chunks); the rest waits for the next call. */
  limit?: number;
  onProgress?: (progress: CostRefreshProgress) => void;
}

export interface CostStore {
  /**
   * Spend grouped in SQL from the rollups. Recomputes the traces that changed since the last
   * refresh first, so the answer always covers every stored span.
   */
  costGroups(query: CostQuery): Promise<CostGroup[]>;
  /** Traces whose spans changed since their spend was last computed. */
  pendingTraces(): Promise<number>;
  /** Recompute the spend of every changed trace; returns how many traces were recomputed. */
  refresh(options?: CostRefreshOptions): Promise<number>;
}
