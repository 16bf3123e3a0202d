/**
 * `--part sim`: the gate's decision logic on simulated paired data (simulate.ts). Prints one
 * table; every number is seeded and reproducible.
 */
import { performance } from "node:perf_hooks";
import { createRng, hash32 } from "../../src/core/index.js";
import { casesToRerun, decideGate, decideSequential } from "../../src/gate/decide/index.js";
import type {
  GateSettings,
  GateTest,
  GateVerdict,
  PairedObservation,
} from "../../src/gate/types.js";
import { bootstrapPairedDiff, clopperPearson, wilson } from "../../src/stats/index.js";
import { type Scenario, SimulatedGate } from "./simulate.js";

export interface SimOptions {
  runs: number;
  cases: number;
  epochs: number;
  maxRounds: number;
  resamples: number;
  tests: GateTest[];
  /** Runs for the pass/fail-only rows. */
  hardRuns: number;
  /** Sections to run: fixed, passfail, sequential, regressions, speed (default all). */
  sections: ReadonlySet<string>;
}

const BASE: Omit<GateSettings, "test" | "seed"> = {
  minimumScore: 0,
  alpha: 0.05,
  regressionTolerance: 0.02,
  dimensions: ["correctness"],
  resamples: 2000,
};

const AA: Omit<Scenario, "cases"> = { gain: 0, blockingShare: 0.1, brokenBlocking: 0 };
const PLUS5: Omit<Scenario, "cases"> = { gain: 0.05, blockingShare: 0.1, brokenBlocking: 0 };

function rate(k: number, n: number): string {
  const w = wilson(k, n);
  const cp = clopperPearson(k, n);
  return (
    `${((100 * k) / n).toFixed(1).padStart(5)}%  Wilson [${(100 * w.lower).toFixed(1)}, ` +
    `${(100 * w.upper).toFixed(1)}]  CP [${(100 * cp.lower).toFixed(1)}, ${(100 * cp.upper).toFixed(1)}]`
  );
}

function fixedEpochs(gate: SimulatedGate, epochs: number): PairedObservation[] {
  const obs: PairedObservation[] = [];
  for (let e = 1; e <= epochs; e++) obs.push(...gate.epoch(e));
  return obs;
}

interface SequentialOutcome {
  verdict: GateVerdict["verdict"];
  /** Case-epochs run per case (both sides run each). */
  epochsPerCase: number;
}

/**
 * The `--until-decided` loop: round 1 runs every case once; later rounds run every case
 * (`rerun: false`) or only `casesToRerun` (`rerun: true`), until done.
 */
function sequential(
  gate: SimulatedGate,
  settings: GateSettings,
  maxRounds: number,
  rerun: boolean,
): SequentialOutcome {
  const obs: PairedObservation[] = [];
  let caseEpochs = 0;
  let subset: Set<string> | undefined;
  for (let round = 1; round <= maxRounds; round++) {
    const fresh = gate.epoch(round, subset);
    caseEpochs += fresh.length;
    obs.push(...fresh);
    const v = decideSequential(obs, settings, { round, maxRounds, pValues: false });
    if (v.done) return { verdict: v.verdict, epochsPerCase: caseEpochs / gate.truths.length };
    if (rerun && round >= 2) {
      const ids = casesToRerun(obs);
      subset = new Set(ids.length > 0 ? ids : gate.truths.map((t) => t.caseId));
    }
  }
  return { verdict: "inconclusive", epochsPerCase: caseEpochs / gate.truths.length };
}

function count(vs: readonly string[], what: string): number {
  return vs.filter((v) => v === what).length;
}

/** Verdicts of `runs` fixed-design gates on a scenario, each with its own seed. */
function fixedVerdicts(
  scenario: Scenario,
  settings: Omit<GateSettings, "seed">,
  epochs: number,
  runs: number,
  key: string,
): string[] {
  const out: string[] = [];
  for (let r = 0; r < runs; r++) {
    const seed = seedFor(key, r);
    const obs = fixedEpochs(new SimulatedGate(scenario, seed), epochs);
    out.push(decideGate(obs, { ...settings, seed }).verdict);
  }
  return out;
}

function sequentialOutcomes(
  scenario: Scenario,
  settings: Omit<GateSettings, "seed">,
  maxRounds: number,
  rerun: boolean,
  runs: number,
  key: string,
): SequentialOutcome[] {
  const out: SequentialOutcome[] = [];
  for (let r = 0; r < runs; r++) {
    const seed = seedFor(key, r);
    out.push(
      sequential(new SimulatedGate(scenario, seed), { ...settings, seed }, maxRounds, rerun),
    );
  }
  return out;
}

function seedFor(key: string, run: number): number {
  return hash32(`bench-gate\u0000${key}\u0000${run}`);
}

export function runSim(o: SimOptions): void {
  const t0 = performance.now();
  console.log(
    `Gate on simulated data: ${o.runs} runs per row, ${o.cases} cases × ${o.epochs} epochs, ` +
      `alpha 0.05, Holm over overall + correctness, bootstrap ${o.resamples} resamples.`,
  );
  console.log(
    "Cases: q ~ Beta(2, 0.6), 10% blocking with q ~ Beta(20, 1); 4 binary checks per epoch, " +
      "overall = their mean, passed = overall ≥ 0.75.\n",
  );
  const row = (label: string, value: string) => console.log(`${label.padEnd(60)} ${value}`);
  const blocks = (aa: readonly string[], alt: readonly string[], n: number) =>
    row("    false blocks, A/A / +5 pts", `${count(aa, "block")} / ${count(alt, "block")} of ${n}`);
  const cases = o.cases;

  // (a) + (b): the fixed design, per test.
  const power = new Map<GateTest, number>();
  for (const test of o.sections.has("fixed") ? o.tests : []) {
    const settings = { ...BASE, resamples: o.resamples, test };
    const aa = fixedVerdicts({ ...AA, cases }, settings, o.epochs, o.runs, `aa-${test}`);
    const alt = fixedVerdicts({ ...PLUS5, cases }, settings, o.epochs, o.runs, `p5-${test}`);
    row(
      `(a) A/A false promotion, fixed ${o.epochs} epochs, ${test}`,
      rate(count(aa, "promote"), o.runs),
    );
    power.set(test, count(alt, "promote") / o.runs);
    row(`(b) power +5 pts, fixed ${o.epochs} epochs, ${test}`, rate(count(alt, "promote"), o.runs));
    blocks(aa, alt, o.runs);
  }

  // The noisiest realistic case: one binary check per epoch, so overall is pass/fail.
  for (const test of o.sections.has("passfail") ? o.tests : []) {
    const settings = { ...BASE, resamples: o.resamples, test };
    const aa = fixedVerdicts(
      { ...AA, cases, checks: 1 },
      settings,
      o.epochs,
      o.hardRuns,
      `h-aa-${test}`,
    );
    const alt = fixedVerdicts(
      { ...PLUS5, cases, checks: 1 },
      settings,
      o.epochs,
      o.hardRuns,
      `h-p5-${test}`,
    );
    row(
      `(a') A/A false promotion, pass/fail overall, ${test}`,
      rate(count(aa, "promote"), o.hardRuns),
    );
    row(`(b') power +5 pts, pass/fail overall, ${test}`, rate(count(alt, "promote"), o.hardRuns));
  }

  // Sequential designs, looking after every round (the sequence does not use the test).
  const seqSettings = { ...BASE, resamples: o.resamples, test: "paired_t_test" as const };
  for (const rerun of o.sections.has("sequential") ? [false, true] : []) {
    const name = rerun ? "sequential + rerun uncertain" : "sequential, all cases";
    const aa = sequentialOutcomes(
      { ...AA, cases },
      seqSettings,
      o.maxRounds,
      rerun,
      o.runs,
      `s-aa-${rerun}`,
    );
    const alt = sequentialOutcomes(
      { ...PLUS5, cases },
      seqSettings,
      o.maxRounds,
      rerun,
      o.runs,
      `s-p5-${rerun}`,
    );
    const verdicts = (xs: SequentialOutcome[]) => xs.map((x) => x.verdict);
    const mean = (xs: SequentialOutcome[]) =>
      xs.reduce((a, x) => a + x.epochsPerCase, 0) / xs.length;
    row(
      `(a) A/A false promotion, ${name}, ≤ ${o.maxRounds} looks`,
      rate(count(verdicts(aa), "promote"), o.runs),
    );
    row(`(b) power +5 pts, ${name}`, rate(count(verdicts(alt), "promote"), o.runs));
    blocks(verdicts(aa), verdicts(alt), o.runs);
    row(
      `    mean epochs per case, +5 pts / A/A (fixed: ${o.epochs})`,
      `${mean(alt).toFixed(2)} / ${mean(aa).toFixed(2)}`,
    );
  }

  if (o.sections.has("sequential")) {
    const verdicts = (xs: SequentialOutcome[]) => xs.map((x) => x.verdict);
    const mean = (xs: SequentialOutcome[]) =>
      xs.reduce((a, x) => a + x.epochsPerCase, 0) / xs.length;
    const hard = sequentialOutcomes(
      { ...PLUS5, cases, checks: 1 },
      seqSettings,
      o.maxRounds,
      false,
      o.hardRuns,
      "s-h-p5",
    );
    row(
      "(b') power +5 pts, pass/fail overall, sequential, all cases",
      rate(count(verdicts(hard), "promote"), o.hardRuns),
    );
    row("    mean epochs per case, +5 pts", mean(hard).toFixed(2));
    const hidden = sequentialOutcomes(
      { ...PLUS5, cases, brokenBlocking: 1 },
      seqSettings,
      o.maxRounds,
      false,
      o.runs,
      "s-c",
    );
    row(
      "(c) hidden blocking regression blocked, sequential",
      `${rate(count(verdicts(hidden), "block"), o.runs)}  after ${mean(hidden).toFixed(2)} epochs`,
    );
  }

  // (c) one hidden blocking regression among cases that otherwise improve.
  for (const test of o.sections.has("regressions") ? o.tests : []) {
    const settings = { ...BASE, resamples: o.resamples, test };
    const vs = fixedVerdicts(
      { ...PLUS5, cases, brokenBlocking: 1 },
      settings,
      o.epochs,
      o.runs,
      `c-${test}`,
    );
    row(`(c) hidden blocking regression blocked, ${test}`, rate(count(vs, "block"), o.runs));
  }
  if (o.sections.has("regressions")) regressionRows(o, row);
  if (o.sections.has("speed")) speedRow(row);

  const ranked = [...power.entries()].sort((x, y) => y[1] - x[1]);
  if (ranked.length > 0)
    console.log(
      `\nPower ranking (fixed): ${ranked.map(([t, p]) => `${t} ${(100 * p).toFixed(1)}%`).join(", ")}`,
    );
  console.log(`Total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function regressionRows(o: SimOptions, row: (label: string, value: string) => void): void {
  const cases = o.cases;
  // (d) a challenger that improves 2 of the cases and flips one blocking case.
  const settings = { ...BASE, resamples: o.resamples, test: "paired_t_test" as const };
  const dv = fixedVerdicts(
    { ...AA, cases, improvedCases: 2, brokenBlocking: 1 },
    settings,
    o.epochs,
    o.runs,
    "d",
  );
  row("(d) 2 cases better + 1 blocking case flipped: blocked", rate(count(dv, "block"), o.runs));
}

function speedRow(row: (label: string, value: string) => void): void {
  // (e) the paired bootstrap's speed.
  const rng = createRng(42);
  const a = new Float64Array(10_000).map(() => rng.next());
  const b = a.map((x) => Math.min(1, x + 0.02 * (rng.next() - 0.3)));
  bootstrapPairedDiff(b, a, { resamples: 10_000, seed: 1 }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    bootstrapPairedDiff(b, a, { resamples: 10_000, seed: 1 });
    times.push(performance.now() - s);
  }
  times.sort((x, y) => x - y);
  row(
    "(e) paired bootstrap 10,000 pairs × 10,000 resamples",
    `${(times[2]! / 1000).toFixed(2)} s median of 5 (min ${(times[0]! / 1000).toFixed(2)} s; target ≤ 2 s)`,
  );
}
