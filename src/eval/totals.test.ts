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
