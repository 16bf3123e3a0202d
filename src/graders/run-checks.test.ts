import { describe, expect, it } from "vitest";
import { checkRunTargets, type RunTargetTotals } from "./run-targets.js";
import { type AttemptSummary, runVerdict } from "./severity.js";

const totals: RunTargetTotals = {
  attempts: 100,
  latency_p50_ms: 800,
  latency_p95_ms: 2400,
  latency_p99_ms: 5200,
  cost_usd: 0.9,
};

describe("checkRunTargets", () => {
  it("judges latency on percentiles, inclusive limits, naming the config key", () => {
    const r = checkRunTargets(totals, { latency: { p50_ms: 800, p95_ms: 2000, p99_ms: 6000 } });
    expect(r.passed).toBe(false);
    expect(r.checks.map((c) => [c.key, c.passed])).toEqual([
      ["evaluation.latency.p50_ms", true],
      ["evaluation.latency.p95_ms", false],
      ["evaluation.latency.p99_ms", true],
    ]);
    expect(r.checks[1]!.reason).toBe("p95 latency 2400 ms exceeds the target of 2000 ms");
  });

  it("checks cost per attempt (p95 and max) when measured, fails when not measured", () => {
    const cost = { p95_usd: 0.01, max_usd_per_case: 0.05 };
    const missing = checkRunTargets(totals, { cost });
    expect(missing.passed).toBe(false);
    expect(missing.checks.every((c) => c.actual === null)).toBe(true);
    const measured = checkRunTargets(
      { ...totals, cost_p95_usd: 0.008, cost_max_usd: 0.07 },
      { cost },
    );
    expect(measured.checks.map((c) => c.passed)).toEqual([true, false]);
    expect(measured.checks[1]!.reason).toBe(
      "most expensive attempt $0.0700 exceeds the target of $0.0500",
    );
  });

  it("a run with no attempts fails every target; no targets passes", () => {
    const empty = { ...totals, attempts: 0, latency_p95_ms: 0 };
    expect(checkRunTargets(empty, { latency: { p95_ms: 1000 } }).passed).toBe(false);
    expect(checkRunTargets(totals, {})).toEqual({ passed: true, checks: [] });
  });
});

const a = (
  case_id: string,
  severity: AttemptSummary["severity"],
  passed: boolean,
  overall = passed ? 1 : 0.4,
): AttemptSummary => ({
  case_id,
  severity,
  status: passed ? "passed" : "failed",
  overall,
});

describe("runVerdict", () => {
  it("a failed blocking case fails the run even with a high score", () => {
    const attempts = [
      ...Array.from({ length: 19 }, (_, i) => a(`c${i}`, "blocking", true)),
      a("refund-approval", "blocking", false, 0.9),
    ];
    const v = runVerdict(attempts, 0.8);
    expect(v.score).toBeCloseTo((19 + 0.9) / 20, 12);
    expect(v.passed).toBe(false);
    expect(v.blocking_failures).toEqual(["refund-approval"]);
    expect(v.reasons).toEqual(["1 blocking case failed: refund-approval"]);
  });

  it("one bad epoch of a blocking case is enough", () => {
    const v = runVerdict([a("x", "blocking", true), a("x", "blocking", false, 0.95)], 0.5);
    expect(v.passed).toBe(false);
    expect(v.by_severity.blocking).toEqual({ cases: 1, attempts: 2, failed_cases: 1 });
  });

  it("warnings count in the score but do not fail the run alone", () => {
    const v = runVerdict([a("b1", "blocking", true), a("w1", "warning", false, 0.8)], 0.8);
    expect(v.score).toBeCloseTo(0.9, 12);
    expect(v.passed).toBe(true);
    expect(v.warning_failures).toEqual(["w1"]);
    expect(
      runVerdict([a("b1", "blocking", true), a("w1", "warning", false, 0.2)], 0.8).reasons,
    ).toEqual(["score 0.600 is below the threshold 0.8"]);
  });

  it("exploratory cases are reported but excluded from score and verdict", () => {
    const v = runVerdict([a("b1", "blocking", true, 0.9), a("e1", "exploratory", false, 0)], 0.85);
    expect(v.score).toBeCloseTo(0.9, 12);
    expect(v.passed).toBe(true);
    expect(v.exploratory_failures).toEqual(["e1"]);
  });

  it("errored attempts count as failed; nothing to score fails", () => {
    const errored: AttemptSummary = {
      case_id: "b",
      severity: "blocking",
      status: "error",
      overall: 0,
    };
    expect(runVerdict([errored], 0).blocking_failures).toEqual(["b"]);
    const v = runVerdict([a("e", "exploratory", true)], 0.5);
    expect(v).toMatchObject({
      passed: false,
      score: null,
      reasons: ["no blocking or warning attempts to score"],
    });
    expect(() => runVerdict([], 2)).toThrow(RangeError);
  });
});
