import type { RunTotals } from "../core/index.js";
import { evaluateRunTargets, type RunStats, type RunTargets } from "./targets.js";

/**
 * What the run-level check reads. `RunTotals` carries latency percentiles and the total
 * cost; per-attempt cost percentiles and the most expensive attempt are optional extras the
 * session can add (from the stored attempts) — a cost target without them fails as unmeasured.
 */
export type RunTargetTotals = Pick<
  RunTotals,
  "attempts" | "latency_p50_ms" | "latency_p95_ms" | "latency_p99_ms" | "cost_usd"
> & {
  cost_p50_usd?: number;
  cost_p95_usd?: number;
  cost_p99_usd?: number;
  /** The most expensive single attempt. */
  cost_max_usd?: number;
};

/** `evaluation.latency` and `evaluation.cost` from ratchet.yaml (all optional). */
export interface RunTargetConfig {
  latency?: {
    p50_ms?: number | undefined;
    p95_ms?: number | undefined;
    p99_ms?: number | undefined;
  };
  cost?: {
    max_usd_per_case?: number | undefined;
    p95_usd?: number | undefined;
    /** Ceiling on the whole run's cost. */
    max_usd?: number | undefined;
  };
}

export interface RunTargetCheck {
  /** Config key, e.g. `evaluation.latency.p95_ms`. */
  key: string;
  limit: number;
  /** Measured value; null when nothing was measured (the check then fails). */
  actual: number | null;
  passed: boolean;
  reason: string;
}

export interface RunTargetReport {
  /** True when every configured target is met (and true when none is configured). */
  passed: boolean;
  checks: RunTargetCheck[];
}

function usd(n: number): string {
  return `$${n < 0.01 ? n.toPrecision(3) : n.toFixed(4)}`;
}

/**
 * Judges a finished run against its latency and cost targets using percentiles over
 * attempts, never means: a p95 target is met when 95% of attempts were at least that fast.
 * Limits are inclusive. A run with no attempts, or a target whose measurement is missing,
 * fails: a gate must not pass on missing data.
 */
export function checkRunTargets(totals: RunTargetTotals, config: RunTargetConfig): RunTargetReport {
  const measured = totals.attempts > 0;
  const stats: RunStats = measured
    ? {
        latencies_ms: {
          p50: totals.latency_p50_ms,
          p95: totals.latency_p95_ms,
          p99: totals.latency_p99_ms,
        },
        cost: {
          total_usd: totals.cost_usd,
          ...(totals.cost_p50_usd !== undefined ? { p50_usd: totals.cost_p50_usd } : {}),
          ...(totals.cost_p95_usd !== undefined ? { p95_usd: totals.cost_p95_usd } : {}),
          ...(totals.cost_p99_usd !== undefined ? { p99_usd: totals.cost_p99_usd } : {}),
        },
      }
    : {};
  const targets: RunTargets = {};
  const keys: Partial<Record<keyof RunTargets, string>> = {};
  const set = (name: keyof RunTargets, value: number | undefined, key: string) => {
    if (value === undefined) return;
    targets[name] = value;
    keys[name] = key;
  };
  set("p50_ms", config.latency?.p50_ms, "evaluation.latency.p50_ms");
  set("p95_ms", config.latency?.p95_ms, "evaluation.latency.p95_ms");
  set("p99_ms", config.latency?.p99_ms, "evaluation.latency.p99_ms");
  set("max_cost_usd", config.cost?.max_usd, "evaluation.cost.max_usd");
  set("p95_cost_usd", config.cost?.p95_usd, "evaluation.cost.p95_usd");

  const checks: RunTargetCheck[] = evaluateRunTargets(stats, targets).map((c) => ({
    key: keys[c.target]!,
    limit: c.limit,
    actual: c.actual,
    passed: c.passed,
    reason: c.reason,
  }));

  const perCase = config.cost?.max_usd_per_case;
  if (perCase !== undefined) {
    const actual = measured ? totals.cost_max_usd : undefined;
    const key = "evaluation.cost.max_usd_per_case";
    if (actual === undefined || !Number.isFinite(actual)) {
      checks.push({
        key,
        limit: perCase,
        actual: null,
        passed: false,
        reason: `most expensive attempt: no measurements (target ${usd(perCase)})`,
      });
    } else {
      const passed = actual <= perCase;
      checks.push({
        key,
        limit: perCase,
        actual,
        passed,
        reason: passed
          ? `most expensive attempt ${usd(actual)} is within the target of ${usd(perCase)}`
          : `most expensive attempt ${usd(actual)} exceeds the target of ${usd(perCase)}`,
      });
    }
  }
  return { passed: checks.every((c) => c.passed), checks };
}
