import { describe, expect, it } from "vitest";
import { createRng } from "../../core/index.js";
import type { PairedObservation } from "../types.js";
import { casesToRerun, decideSequential } from "./index.js";
import { pair, SETTINGS, side } from "./test-helpers.js";

/** One epoch of n cases; each side passes case c with probability p_c (p_c spread 0.2..1). */
function round(
  n: number,
  epoch: number,
  gain: number,
  rng: { next(): number },
): PairedObservation[] {
  const out: PairedObservation[] = [];
  for (let c = 0; c < n; c++) {
    const p = 0.2 + (0.8 * c) / n;
    const a = rng.next() < p ? 1 : 0;
    const b = rng.next() < Math.min(1, p + gain) ? 1 : 0;
    out.push(pair(`c${c}`, epoch, side(a, a === 1), side(b, b === 1), "warning"));
  }
  return out;
}

describe("decideSequential", () => {
  it("keeps going while undecided and stops at the last round", () => {
    const rng = createRng(3);
    const obs = [...round(50, 1, 0, rng)];
    const first = decideSequential(obs, SETTINGS, { round: 1, maxRounds: 2 });
    expect(first.verdict).toBe("inconclusive");
    expect(first.done).toBe(false);
    expect(first.needed?.epochs).toBe(1);
    obs.push(...round(50, 2, 0, rng));
    const last = decideSequential(obs, SETTINGS, { round: 2, maxRounds: 2 });
    expect(last.done).toBe(true);
    expect(last.verdict).toBe("inconclusive");
  });

  it("promotes a large improvement and is done", () => {
    const rng = createRng(4);
    const obs = [1, 2, 3].flatMap((e) => round(200, e, 0.5, rng));
    const v = decideSequential(obs, SETTINGS, { round: 3, maxRounds: 10 });
    expect(v.verdict).toBe("promote");
    expect(v.done).toBe(true);
    expect(v.dimensions[0]!.ci.lower).toBeGreaterThan(0);
    expect(v.dimensions[0]!.pValue).toBeLessThan(0.05);
  });

  it("pass → fail on a blocking case waits for three epochs (or a steady history), then blocks", () => {
    const rng = createRng(5);
    const obs = round(30, 1, 0, rng);
    obs.push(pair("must", 1, side(1, true), side(0, false), "blocking"));
    const first = decideSequential(obs, SETTINGS, { round: 1, maxRounds: 5 });
    expect(first).toMatchObject({ verdict: "inconclusive", done: false });
    expect(first.regressions[0]).toMatchObject({ caseId: "must", flaky: true });
    // With a steady history one epoch is enough.
    const history = new Map([["must", { caseId: "must", attempts: 20, passRate: 1, flipRate: 0 }]]);
    expect(decideSequential(obs, SETTINGS, { round: 1, maxRounds: 5, history }).verdict).toBe(
      "block",
    );
    // Without history, the sequential gate waits for three epochs (it looks every round).
    obs.push(...round(30, 2, 0, rng), pair("must", 2, side(1, true), side(0, false), "blocking"));
    expect(decideSequential(obs, SETTINGS, { round: 2, maxRounds: 5 }).verdict).toBe(
      "inconclusive",
    );
    obs.push(...round(30, 3, 0, rng), pair("must", 3, side(1, true), side(0, false), "blocking"));
    expect(decideSequential(obs, SETTINGS, { round: 3, maxRounds: 5 })).toMatchObject({
      verdict: "block",
      done: true,
    });
  });

  it("looking after every round does not inflate false promotions (A/A, seeded)", () => {
    // 300 A/A gates × 6 looks. With a true rate ≤ 0.05 the count exceeds
    // 15 + 3·sqrt(300·0.05·0.95) ≈ 26 with probability < 0.002.
    const rng = createRng(20261206);
    let promoted = 0;
    for (let r = 0; r < 300; r++) {
      const obs: PairedObservation[] = [];
      for (let e = 1; e <= 6; e++) {
        obs.push(...round(40, e, 0, rng));
        const v = decideSequential(obs, SETTINGS, { round: e, maxRounds: 6, pValues: false });
        if (v.verdict === "promote") {
          promoted++;
          break;
        }
        if (v.done) break;
      }
    }
    expect(promoted).toBeLessThanOrEqual(26);
  });
});

describe("casesToRerun", () => {
  it("puts unconfirmed blocking regressions first, drops settled cases, honours the limit", () => {
    const obs: PairedObservation[] = [];
    for (let e = 1; e <= 3; e++) {
      obs.push(pair("settled", e, side(1), side(1)));
      obs.push(pair("broken", e, side(1, true), side(0, false))); // confirmed: nothing to learn
      obs.push(pair("mixed", e, side(1, true), side(e === 1 ? 1 : 0, e === 1), "warning"));
      obs.push(pair("wobbly", e, side(1, true), side(e === 3 ? 1 : 0, e === 3)));
      obs.push(pair("noisy", e, side(0.5), side(0.5 + e / 10), "warning"));
      obs.push(pair("explore", e, side(1, true), side(e === 1 ? 1 : 0, e === 1), "exploratory"));
    }
    const ids = casesToRerun(obs);
    expect(ids[0]).toBe("wobbly");
    expect(ids).toEqual(["wobbly", "mixed", "noisy"]);
    expect(casesToRerun(obs, 1)).toEqual(["wobbly"]);
  });
  it("reruns every case after a single epoch", () => {
    const obs = [pair("a", 1, side(1), side(1)), pair("b", 1, side(0, false), side(0, false))];
    expect(casesToRerun(obs).sort()).toEqual(["a", "b"]);
  });
});
