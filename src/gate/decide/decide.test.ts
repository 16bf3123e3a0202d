import { describe, expect, it } from "vitest";
import { InputError } from "../../core/index.js";
import { holm } from "../../stats/index.js";
import type { CaseHistory, GateSettings, PairedObservation } from "../types.js";
import { decideGate } from "./index.js";
import {
  pair,
  SETTINGS,
  SLEEP_1,
  SLEEP_2,
  side,
  sleepObservations,
  toScore,
} from "./test-helpers.js";

const close = (a: number, e: number, atol: number) =>
  expect(Math.abs(a - e)).toBeLessThanOrEqual(atol);

/** n cases, every one improved by `gain` with per-case spread; each side passes. */
function improving(
  n: number,
  gain: number,
  epochs = 3,
  severity: "blocking" | "warning" = "warning",
) {
  const out: PairedObservation[] = [];
  for (let c = 0; c < n; c++)
    for (let e = 1; e <= epochs; e++) {
      const base = 0.6 + (0.3 * ((c * 7) % 10)) / 10;
      const wiggle = ((c * 13 + e * 5) % 7) / 100 - 0.03;
      out.push(pair(`k${c}`, e, side(base), side(Math.min(1, base + gain + wiggle)), severity));
    }
  return out;
}

describe("unit of analysis: the case", () => {
  it("averages a case's epochs before testing (n = cases, Δ = mean of case means)", () => {
    // Case a: 1 epoch, +0.2. Case b: 4 epochs, +0 each. Case c: 1 epoch, +0.1.
    // Per case: Δ = (0.2 + 0 + 0.1) / 3 = 0.1; per epoch it would be 0.3 / 6 = 0.05.
    const obs = [
      pair("a", 1, side(0.5), side(0.7)),
      ...[1, 2, 3, 4].map((e) => pair("b", e, side(0.5), side(0.5))),
      pair("c", 1, side(0.5), side(0.6)),
    ];
    const d = decideGate(obs, SETTINGS).dimensions[0]!;
    expect(d.n).toBe(3);
    close(d.delta, 0.1, 1e-12);
  });
});

describe("tests on R's sleep data (R 4.x output; scores are 0.5 + extra/20, p is scale-free)", () => {
  it("paired_t_test: t.test(extra ~ group, paired = TRUE): p = 0.002833, CI [0.700, 2.460]/20", () => {
    const d = decideGate(sleepObservations(), SETTINGS).dimensions[0]!;
    close(d.pValue, 0.002833, 5e-7);
    close(d.ci.lower, 0.7001142 / 20, 1e-8);
    close(d.ci.upper, 2.4598858 / 20, 1e-8);
    expect(d.outcome).toBe("better");
  });
  it("wilcoxon: wilcox.test(paired = TRUE) (ties, a zero): V = 0, p-value = 0.009091", () => {
    const d = decideGate(sleepObservations(), { ...SETTINGS, test: "wilcoxon" }).dimensions[0]!;
    close(d.pValue, 0.009091, 5e-7);
  });
  it("welch_t_test ignores the pairing: t.test(extra ~ group): p = 0.07939, not significant", () => {
    const v = decideGate(sleepObservations(), { ...SETTINGS, test: "welch_t_test" });
    const d = v.dimensions[0]!;
    close(d.pValue, 0.07939, 5e-6);
    close(d.ci.lower, -0.2054832 / 20, 1e-8); // R: -3.3654832 0.2054832 for group1 - group2
    expect(v.verdict).toBe("inconclusive"); // the paired tests promote the same data
  });
  it("paired_bootstrap: seeded, same seed same interval, different seed different stream", () => {
    const s = { ...SETTINGS, test: "paired_bootstrap" as const };
    const a = decideGate(sleepObservations(), s).dimensions[0]!;
    const b = decideGate(sleepObservations(), s).dimensions[0]!;
    const c = decideGate(sleepObservations(), { ...s, seed: 2 }).dimensions[0]!;
    expect(a.ci).toEqual(b.ci);
    expect(c.ci).not.toEqual(a.ci);
    expect(a.pValue).toBeLessThan(0.05);
    expect(a.ci.lower).toBeGreaterThan(0);
  });
  it("mcnemar: exact on per-case majority pass/fail; b01 = 8, b10 = 1 → p = 20/512", () => {
    // binom.test(1, 9): 2 · (C(9,0) + C(9,1)) / 2^9 = 20/512 = 0.0390625
    const obs: PairedObservation[] = [];
    for (let i = 0; i < 8; i++)
      obs.push(pair(`f${i}`, 1, side(0.3, false), side(0.9, true), "warning"));
    obs.push(pair("r", 1, side(0.9, true), side(0.3, false), "warning"));
    for (let i = 0; i < 5; i++) obs.push(pair(`s${i}`, 1, side(0.9), side(0.9), "warning"));
    const d = decideGate(obs, { ...SETTINGS, test: "mcnemar" }).dimensions[0]!;
    close(d.pValue, 20 / 512, 1e-12);
    close(d.delta, 7 / 14, 1e-12); // pass-rate difference
  });
  it("Holm across overall + gated dimensions (R p.adjust(c(p1, p2), 'holm'))", () => {
    const obs = SLEEP_1.map((a, i) =>
      pair(
        `c${i}`,
        1,
        side(toScore(a), true, { tone: 0.5 + (i % 3) / 10 }),
        side(toScore(SLEEP_2[i]!), true, { tone: 0.5 + ((i + 1) % 3) / 10 }),
      ),
    );
    const v = decideGate(obs, { ...SETTINGS, dimensions: ["tone"] });
    const [o, t] = v.dimensions;
    expect(v.dimensions.map((d) => d.dimension)).toEqual(["overall", "tone"]);
    expect([o!.pAdjusted, t!.pAdjusted]).toEqual(holm([o!.pValue, t!.pValue]));
    close(o!.pAdjusted, 2 * 0.00283289, 1e-6); // the smaller of two: 2 · p
  });
});

describe("verdict rules", () => {
  it("promotes a clear improvement with no regression", () => {
    const v = decideGate(improving(40, 0.05), SETTINGS);
    expect(v.verdict).toBe("promote");
    expect(v.reasons[0]).toMatch(/overall better beyond noise/);
  });

  it("blocks a confirmed blocking regression even when overall is better", () => {
    const obs = improving(40, 0.05);
    for (let e = 1; e <= 3; e++)
      obs.push(pair("must", e, side(1, true), side(0, false), "blocking"));
    const v = decideGate(obs, SETTINGS);
    expect(v.verdict).toBe("block");
    expect(v.reasons[0]).toMatch(/blocking case must regressed/);
    expect(v.regressions[0]).toMatchObject({ caseId: "must", flaky: false, epochs: 3 });
  });

  it("a flaky blocking regression (mixed epochs) is inconclusive asking for epochs, never a pass", () => {
    const obs = improving(40, 0.05);
    obs.push(pair("wobbly", 1, side(1, true), side(0, false), "blocking"));
    obs.push(pair("wobbly", 2, side(1, true), side(0, false), "blocking"));
    obs.push(pair("wobbly", 3, side(1, true), side(1, true), "blocking")); // 3/3 vs 1/3
    const v = decideGate(obs, SETTINGS);
    expect(v.verdict).toBe("inconclusive");
    expect(v.regressions[0]).toMatchObject({ caseId: "wobbly", flaky: true });
    expect(v.needed?.epochs).toBeGreaterThanOrEqual(6);
    expect(v.needed?.why).toMatch(/wobbly/);
  });

  it("a clean blocking regression with a flaky history is inconclusive too", () => {
    const obs = improving(40, 0.05);
    for (let e = 1; e <= 3; e++)
      obs.push(pair("hist", e, side(1, true), side(0, false), "blocking"));
    const history = new Map<string, CaseHistory>([
      ["hist", { caseId: "hist", attempts: 30, passRate: 0.7, flipRate: 0.4 }],
    ]);
    expect(decideGate(obs, SETTINGS, { history }).verdict).toBe("inconclusive");
    const steady = new Map<string, CaseHistory>([
      ["hist", { caseId: "hist", attempts: 30, passRate: 1, flipRate: 0 }],
    ]);
    expect(decideGate(obs, SETTINGS, { history: steady }).verdict).toBe("block");
  });

  it("warning regressions are reported but do not block; exploratory ones are left out", () => {
    const obs = improving(40, 0.05);
    for (let e = 1; e <= 3; e++) {
      obs.push(pair("warn", e, side(1, true), side(0.9, false), "warning"));
      obs.push(pair("explore", e, side(1, true), side(0, false), "exploratory"));
    }
    const v = decideGate(obs, SETTINGS);
    expect(v.verdict).toBe("promote");
    expect(v.reasons.join("\n")).toMatch(/1 warning case\(s\) regressed: warn/);
    expect(v.reasons.join("\n")).toMatch(/1 exploratory case/);
    expect(v.dimensions[0]!.n).toBe(41); // 40 + warn; the exploratory case is not tested
  });

  it("blocks a gated dimension worse beyond noise by more than the tolerance", () => {
    const obs = improving(40, 0.05).map((o, i) => ({
      ...o,
      champion: { ...o.champion, dimensions: { safety: 0.9 } },
      challenger: { ...o.challenger, dimensions: { safety: 0.7 + (i % 5) / 100 } },
    }));
    const s: GateSettings = { ...SETTINGS, dimensions: ["safety"], regressionTolerance: 0.05 };
    const v = decideGate(obs, s);
    expect(v.verdict).toBe("block");
    expect(v.reasons[0]).toMatch(/safety is worse beyond noise/);
    // Within a tolerance of 0.25 the same drop is reported, not blocking.
    const lenient = decideGate(obs, { ...s, regressionTolerance: 0.25 });
    expect(lenient.verdict).toBe("promote");
    expect(lenient.reasons.join("\n")).toMatch(/safety is worse .* but within the tolerance/);
  });

  it("blocks when overall itself is worse beyond noise by more than the tolerance", () => {
    const obs = improving(40, -0.1);
    const v = decideGate(obs, { ...SETTINGS, regressionTolerance: 0.02 });
    expect(v.verdict).toBe("block");
    expect(v.reasons[0]).toMatch(/^overall is worse beyond noise/);
    // A tolerance wider than the drop: not a block (and not a promote either).
    expect(decideGate(obs, { ...SETTINGS, regressionTolerance: 0.5 }).verdict).toBe("inconclusive");
  });

  it("a gated dimension whose estimate drops past the tolerance, unproven, holds promotion", () => {
    // safety: a few cases drop a lot, most not: Δ ≈ −0.06, too noisy to be sure.
    const obs = improving(40, 0.05).map((o, i) => ({
      ...o,
      champion: { ...o.champion, dimensions: { safety: 0.8 } },
      challenger: { ...o.challenger, dimensions: { safety: i % 30 === 0 ? 0 : 0.8 } },
    }));
    const v = decideGate(obs, { ...SETTINGS, dimensions: ["safety"], regressionTolerance: 0.02 });
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons.join("\n")).toMatch(/safety may have dropped more than the tolerance/);
  });

  it("blocks a challenger surely under the minimum score; holds one only maybe under it", () => {
    const obs = improving(40, 0.05);
    expect(decideGate(obs, { ...SETTINGS, minimumScore: 0.99 }).verdict).toBe("block");
    // Challenger mean ≈ 0.785 here; 0.79 is within its interval.
    const v = decideGate(obs, { ...SETTINGS, minimumScore: 0.79 });
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons[0]).toMatch(/under the minimum .*not surely/);
  });

  it("ratchet mode promotes a proven improvement over a champion that is itself under the minimum", () => {
    const obs = improving(40, 0.05);
    const strict = decideGate(obs, { ...SETTINGS, minimumScore: 0.99 });
    expect(strict.verdict).toBe("block");
    const ratchet = decideGate(obs, { ...SETTINGS, minimumScore: 0.99, ratchetBelowMinimum: true });
    expect(ratchet.verdict).toBe("promote");
    expect(ratchet.reasons.join("\n")).toMatch(/ratchet/);
    // A champion that meets the bar keeps it: the challenger must meet it too.
    const high = obs.map((o) => ({
      ...o,
      champion: { ...o.champion, overall: 0.995 },
      challenger: { ...o.challenger, overall: 0.9 },
    }));
    expect(
      decideGate(high, { ...SETTINGS, minimumScore: 0.99, ratchetBelowMinimum: true }).verdict,
    ).toBe("block");
  });

  it("no real difference: inconclusive, saying how many epochs or cases would decide", () => {
    // 30 cases, per-epoch noise ±0.1 around a +0.01 change: needs more epochs.
    const obs: PairedObservation[] = [];
    for (let c = 0; c < 30; c++)
      for (let e = 1; e <= 3; e++) {
        const noise = (((c * 31 + e * 17) % 11) - 5) / 50;
        obs.push(pair(`n${c}`, e, side(0.7), side(0.71 + noise), "warning"));
      }
    const v = decideGate(obs, SETTINGS);
    expect(v.verdict).toBe("inconclusive");
    expect((v.needed?.epochs ?? 0) + (v.needed?.cases ?? 0)).toBeGreaterThan(3);
    expect(v.needed?.why).toMatch(/80% power/);
  });

  it("an A/A gate (identical sides) is inconclusive, never promote", () => {
    const obs = improving(40, 0).map((o) => ({ ...o, challenger: o.champion }));
    expect(decideGate(obs, SETTINGS).verdict).toBe("inconclusive");
  });
});

describe("judges as noisy instruments", () => {
  const judged = () =>
    SLEEP_1.map((_, i) =>
      pair(
        `j${i}`,
        1,
        side(0.8, true, { correct: i < 5 ? 1 : 0 }),
        side(0.8, true, { correct: i < 7 ? 1 : 0 }),
        "warning",
      ),
    );
  it("divides the observed difference by Se + Sp − 1 and keeps the p-value", () => {
    const s = { ...SETTINGS, dimensions: ["correct"] };
    const raw = decideGate(judged(), s).dimensions[1]!;
    const noise = [
      {
        dimension: "correct",
        judge: "j",
        sensitivity: 0.9,
        specificity: 0.8,
        positives: 50,
        negatives: 40,
      },
    ];
    const d = decideGate(judged(), s, { judgeNoise: noise }).dimensions[1]!;
    close(raw.delta, 0.2, 1e-12);
    close(d.delta, 0.2 / 0.7, 1e-12); // Rogan–Gladen: observed / J
    close(d.champion, (0.5 + 0.8 - 1) / 0.7, 1e-12);
    expect(d.pValue).toBe(raw.pValue);
    expect(d.ci.upper - d.ci.lower).toBeGreaterThan((raw.ci.upper - raw.ci.lower) / 0.7);
    expect(d.judgeCorrection).toMatchObject({ judge: "j", observedDelta: raw.delta });
  });
  it("refuses to correct when Se + Sp − 1 ≤ 0.1, and says why", () => {
    const noise = [
      {
        dimension: "correct",
        judge: "coin",
        sensitivity: 0.55,
        specificity: 0.5,
        positives: 50,
        negatives: 40,
      },
    ];
    const d = decideGate(judged(), { ...SETTINGS, dimensions: ["correct"] }, { judgeNoise: noise })
      .dimensions[1]!;
    close(d.delta, 0.2, 1e-12);
    expect(d.judgeCorrection?.note).toMatch(/not corrected .*too close to chance/);
  });
});

describe("bad settings", () => {
  it("names the config key", () => {
    expect(() => decideGate([], { ...SETTINGS, alpha: 1.5 })).toThrow(InputError);
    expect(() => decideGate([], { ...SETTINGS, alpha: 1.5 })).toThrow(/between 0 and 1/);
    try {
      decideGate([], { ...SETTINGS, test: "z_test" as never });
    } catch (e) {
      expect((e as InputError).location.key).toBe("promotion.gatekeeper.statistical_test");
    }
    expect.assertions(3);
  });
});
