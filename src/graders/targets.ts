import { z } from "zod";

/** Run-level statistics, computed elsewhere (stats module). Percentiles, never means. */
export interface RunStats {
  latencies_ms?: { p50?: number; p95?: number; p99?: number };
  cost?: {
    /** Total spend of the run. */
    total_usd?: number;
    /** Per-attempt cost percentiles. */
    p50_usd?: number;
    p95_usd?: number;
    p99_usd?: number;
  };
}

export const runTargetsSchema = z.strictObject({
  p50_ms: z.number().positive().optional(),
  p95_ms: z.number().positive().optional(),
  p99_ms: z.number().positive().optional(),
  /** Ceiling on the run's total cost. */
  max_cost_usd: z.number().min(0).optional(),
  /** Ceilings on per-attempt cost percentiles. */
  p50_cost_usd: z.number().min(0).optional(),
  p95_cost_usd: z.number().min(0).optional(),
  p99_cost_usd: z.number().min(0).optional(),
});

export type RunTargets = z.infer<typeof runTargetsSchema>;
export type RunTargetName = keyof RunTargets;

export interface TargetCheck {
  target: RunTargetName;
  /** The limit from the targets. */
  limit: number;
  /** The measured value; null when there was nothing to measure. */
  actual: number | null;
  passed: boolean;
  reason: string;
}

interface TargetSpec {
  label: string;
  unit: "ms" | "usd";
  read: (s: RunStats) => number | undefined;
}

const SPECS: Record<RunTargetName, TargetSpec> = {
  p50_ms: { label: "p50 latency", unit: "ms", read: (s) => s.latencies_ms?.p50 },
  p95_ms: { label: "p95 latency", unit: "ms", read: (s) => s.latencies_ms?.p95 },
  p99_ms: { label: "p99 latency", unit: "ms", read: (s) => s.latencies_ms?.p99 },
  max_cost_usd: { label: "total cost", unit: "usd", read: (s) => s.cost?.total_usd },
  p50_cost_usd: { label: "p50 cost per attempt", unit: "usd", read: (s) => s.cost?.p50_usd },
  p95_cost_usd: { label: "p95 cost per attempt", unit: "usd", read: (s) => s.cost?.p95_usd },
  p99_cost_usd: { label: "p99 cost per attempt", unit: "usd", read: (s) => s.cost?.p99_usd },
};

function fmt(n: number, unit: "ms" | "usd"): string {
  return unit === "ms" ? `${Math.round(n)} ms` : `$${n < 0.01 ? n.toPrecision(3) : n.toFixed(4)}`;
}

/**
 * Checks each target that is set, in a fixed order (p50/p95/p99 latency, total cost,
 * cost percentiles). A limit is inclusive (actual <= limit passes). A target with no
 * measurement fails: a gate must not pass on missing data.
 */
export function evaluateRunTargets(stats: RunStats, targets: RunTargets): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const name of Object.keys(SPECS) as RunTargetName[]) {
    const limit = targets[name];
    if (limit === undefined) continue;
    const spec = SPECS[name];
    const actual = spec.read(stats);
    if (actual === undefined || !Number.isFinite(actual)) {
      checks.push({
        target: name,
        limit,
        actual: null,
        passed: false,
        reason: `${spec.label}: no measurements (target ${fmt(limit, spec.unit)})`,
      });
      continue;
    }
    const passed = actual <= limit;
    checks.push({
      target: name,
      limit,
      actual,
      passed,
      reason: passed
        ? `${spec.label} ${fmt(actual, spec.unit)} is within the target of ${fmt(limit, spec.unit)}`
        : `${spec.label} ${fmt(actual, spec.unit)} exceeds the target of ${fmt(limit, spec.unit)}`,
    });
  }
  return checks;
}
