import { describe, expect, it } from "vitest";
import { evaluateRunTargets, runTargetsSchema } from "./targets.js";

describe("evaluateRunTargets", () => {
  const stats = {
    latencies_ms: { p50: 800, p95: 2400, p99: 4100 },
    cost: { total_usd: 1.2, p95_usd: 0.004 },
  };

  it("checks each set target against the percentile, inclusive", () => {
    const checks = evaluateRunTargets(stats, { p50_ms: 800, p95_ms: 2000, max_cost_usd: 2 });
    expect(checks).toEqual([
      {
        target: "p50_ms",
        limit: 800,
        actual: 800,
        passed: true,
        reason: "p50 latency 800 ms is within the target of 800 ms",
      },
      {
        target: "p95_ms",
        limit: 2000,
        actual: 2400,
        passed: false,
        reason: "p95 latency 2400 ms exceeds the target of 2000 ms",
      },
      {
        target: "max_cost_usd",
        limit: 2,
        actual: 1.2,
        passed: true,
        reason: "total cost $1.2000 is within the target of $2.0000",
      },
    ]);
  });

  it("fails a target with no measurement instead of passing it", () => {
    const [check] = evaluateRunTargets({ latencies_ms: {} }, { p99_ms: 5000 });
    expect(check).toMatchObject({ passed: false, actual: null });
    expect(check!.reason).toBe("p99 latency: no measurements (target 5000 ms)");
  });

  it("returns nothing when no targets are set", () => {
    expect(evaluateRunTargets(stats, {})).toEqual([]);
  });

  it("the schema rejects unknown targets such as averages", () => {
    expect(runTargetsSchema.safeParse({ avg_ms: 100 }).success).toBe(false);
    expect(runTargetsSchema.safeParse({ p95_ms: 100, p95_cost_usd: 0.01 }).success).toBe(true);
  });
});
