import { describe, expect, it } from "vitest";
import type { Attempt } from "../core/index.js";
import { sampleAttempt } from "../store/test-support/samples.js";
import { TotalsAccumulator } from "./totals.js";

function totalsOf(attempts: Attempt[]) {
  const accumulator = new TotalsAccumulator();
  for (const attempt of attempts) accumulator.add(attempt);
  return accumulator.totals({ threshold: 0.5 });
}

describe("TotalsAccumulator", () => {
  it("totals a run alike whatever order its attempts finished in", () => {
    // Scores and costs whose plain running sums differ with the order they are added in.
    const attempts = Array.from({ length: 300 }, (_, n) => {
      const attempt = sampleAttempt("run_order", `case-${n}`, 0, "v", n);
      attempt.overall = ((n * 7919) % 1000) / 997 + ((n * 104_729) % 1013) * 1e-13;
      attempt.cost_usd = 1e-7 * ((n * 104_729) % 1013) + 1e-3 * (n % 3);
      attempt.dimension_scores = { accuracy: ((n * 31) % 97) / 89 };
      return attempt;
    });
    const forward = totalsOf(attempts);
    const backward = totalsOf([...attempts].reverse());
    const interleaved = totalsOf([
      ...attempts.filter((_, i) => i % 2 === 1),
      ...attempts.filter((_, i) => i % 2 === 0),
    ]);
    expect(backward).toStrictEqual(forward);
    expect(interleaved).toStrictEqual(forward);
    expect(forward.attempts).toBe(300);
    // The check means something: plain summation does depend on the order here.
    const plain = (list: Attempt[]) => list.reduce((sum, a) => sum + a.overall, 0);
    expect(plain([...attempts].reverse())).not.toBe(plain(attempts));
  });
});

describe("TotalsAccumulator with compared models", () => {
  function attempt(variant: string, caseId: string, passed: boolean): Attempt {
    const a = sampleAttempt("run_cmp", caseId, 0, variant, 1);
    a.status = passed ? "passed" : "failed";
    a.overall = passed ? 1 : 0.2;
    a.severity = "blocking";
    return a;
  }

  it("gives each model its own verdict; the run passes only when every model does", () => {
    const accumulator = new TotalsAccumulator();
    for (const id of ["a", "b", "c", "d"]) accumulator.add(attempt("sim:good", id, true));
    for (const id of ["a", "b", "c"]) accumulator.add(attempt("sim:bad", id, true));
    accumulator.add(attempt("sim:bad", "d", false));
    const totals = accumulator.totals({ threshold: 0.5 });
    expect(totals.variants?.["sim:good"]?.verdict).toMatchObject({
      passed: true,
      blocking_failures: [],
    });
    expect(totals.variants?.["sim:good"]?.pass_rate).toBe(1);
    expect(totals.variants?.["sim:bad"]?.verdict).toMatchObject({
      passed: false,
      blocking_failures: ["d"],
    });
    expect(totals.variants?.["sim:bad"]?.pass_rate).toBe(0.75);
    // The worst model decides the run, and the reason names it.
    expect(totals.verdict?.passed).toBe(false);
    expect(totals.verdict?.blocking_failures).toEqual(["sim:bad: d"]);
    expect(totals.verdict?.reasons[0]).toMatch(/^sim:bad: 1 blocking case failed/);
  });

  it("keeps one verdict for a run of one model", () => {
    const accumulator = new TotalsAccumulator();
    accumulator.add(attempt("default", "a", true));
    const totals = accumulator.totals({ threshold: 0.5 });
    expect(totals.variants).toBeUndefined();
    expect(totals.verdict?.passed).toBe(true);
  });
});
