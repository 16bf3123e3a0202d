/**
 * Simulated paired gate data for bench/gate (`--part sim`). Realistic in the ways that matter
 * to the gate's statistics:
 *  - cases differ a lot: a case's per-check pass probability q ~ Beta(2, 0.6) (mean 0.77; many
 *    cases nearly always pass, a tail is hard), blocking cases q ~ Beta(20, 1);
 *  - within a case, epochs vary: each epoch runs 4 binary checks ~ Bernoulli(q); overall is
 *    their mean, `passed` = overall ≥ 0.75, dimension `correctness` = the first two checks;
 *  - an improvement of +g points shifts every case on the logit scale by the amount that
 *    raises the mean q of these cases by exactly g (hard cases gain more than easy ones).
 * Champion and challenger draw independently (A/A: same q, different draws).
 */
import { createRng, type Rng } from "../../src/core/index.js";
import type { CaseSeverity, PairedObservation, SideObservation } from "../../src/gate/types.js";

export const CHECKS = 4;

function normal(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 by the U^(1/shape) boost. */
function gamma(shape: number, rng: Rng): number {
  if (shape < 1) return gamma(shape + 1, rng) * (1 - rng.next()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rng);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(a: number, b: number, rng: Rng): number {
  const x = gamma(a, rng);
  const y = gamma(b, rng);
  return Math.min(1 - 1e-6, Math.max(1e-6, x / (x + y)));
}

const logit = (p: number) => Math.log(p / (1 - p));
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** The logit shift that raises mean(q) by `gain` (bisection; monotone in the shift). */
function shiftFor(qs: readonly number[], gain: number): number {
  const target = qs.reduce((a, q) => a + q, 0) / qs.length + gain;
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const m = qs.reduce((a, q) => a + logistic(logit(q) + mid), 0) / qs.length;
    if (m < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Scenario {
  cases: number;
  /** Mean improvement of the challenger's q (0 = A/A). */
  gain: number;
  /** Share of blocking cases. */
  blockingShare: number;
  /** Blocking cases the challenger breaks (champion q = 1, challenger q = 0). */
  brokenBlocking: number;
  /** When set, only this many cases improve (to q = 1); the rest are unchanged. */
  improvedCases?: number;
  /** Binary checks per epoch (default 4); 1 makes overall pass/fail (the noisiest case). */
  checks?: number;
}

interface CaseTruth {
  caseId: string;
  severity: CaseSeverity;
  champion: number;
  challenger: number;
}

/** One simulated gate: fixed case truths, and a function that draws any epoch of them. */
export class SimulatedGate {
  readonly truths: CaseTruth[];
  private readonly rng: Rng;
  private readonly checks: number;

  constructor(scenario: Scenario, seed: number) {
    this.rng = createRng(seed);
    this.checks = scenario.checks ?? CHECKS;
    const blocking = Math.round(scenario.cases * scenario.blockingShare);
    const truths: CaseTruth[] = [];
    for (let c = 0; c < scenario.cases; c++) {
      const isBlocking = c < blocking;
      const q = isBlocking ? beta(20, 1, this.rng) : beta(2, 0.6, this.rng);
      truths.push({
        caseId: `case-${String(c).padStart(3, "0")}`,
        severity: isBlocking ? "blocking" : "warning",
        champion: q,
        challenger: q,
      });
    }
    if (scenario.improvedCases !== undefined) {
      for (const t of truths.slice(blocking, blocking + scenario.improvedCases)) t.challenger = 1;
    } else if (scenario.gain !== 0) {
      const s = shiftFor(
        truths.map((t) => t.champion),
        scenario.gain,
      );
      for (const t of truths) t.challenger = logistic(logit(t.champion) + s);
    }
    for (const t of truths.slice(0, scenario.brokenBlocking)) {
      t.champion = 1;
      t.challenger = 0;
    }
    this.truths = truths;
  }

  private side(q: number): SideObservation {
    let passedChecks = 0;
    let firstTwo = 0;
    const graded = Math.min(2, this.checks);
    for (let k = 0; k < this.checks; k++) {
      const ok = this.rng.next() < q ? 1 : 0;
      passedChecks += ok;
      if (k < graded) firstTwo += ok;
    }
    const overall = passedChecks / this.checks;
    return {
      passed: overall >= 0.75,
      overall,
      dimensions: { correctness: firstTwo / graded },
      latencyMs: 0,
      costUsd: 0,
      errored: false,
    };
  }

  /** Epoch `epoch` of the given cases (all by default). */
  epoch(epoch: number, caseIds?: ReadonlySet<string>): PairedObservation[] {
    const out: PairedObservation[] = [];
    for (const t of this.truths) {
      if (caseIds && !caseIds.has(t.caseId)) continue;
      out.push({
        caseId: t.caseId,
        epoch,
        severity: t.severity,
        champion: this.side(t.champion),
        challenger: this.side(t.challenger),
      });
    }
    return out;
  }
}
