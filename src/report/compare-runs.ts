import { type Attempt, DIMENSIONS, type PairableAttempt, type Run } from "../core/index.js";
import {
  type ComparePairedResult,
  comparePaired,
  type PairedDimensionInput,
} from "../stats/index.js";

export interface PairRunsOptions {
  test: "t" | "wilcoxon" | "mcnemar";
  seed: number;
  /** The interval for this many pairs; default the BCa bootstrap (10,000 resamples) always. */
  intervalFor?: (pairs: number) => "bca" | "t";
}

/** A case+epoch whose pass/fail differs between the two runs, with both attempts. */
export interface Flip {
  key: string;
  attemptA: string;
  attemptB: string;
}

export interface Pairing {
  mode: "case+epoch" | "variant+case+epoch";
  pairs: number;
  onlyInA: number;
  onlyInB: number;
  flips: { fixed: Flip[]; regressed: Flip[] };
}

export type RunComparison =
  | { pairing: Pairing; result: ComparePairedResult }
  | { pairing: Pairing; error: string };

/** The few numbers a comparison needs from an attempt, so run a fits in memory compactly. */
interface Compact {
  id: string;
  overall: number;
  passed: boolean;
  dims: Attempt["dimension_scores"];
  latency: number;
  cost: number;
}

/**
 * Two runs of the same suite compared paired — same case, same epoch (and same variant when
 * both runs have the same several variants) — never as two unrelated samples. Run a is held
 * compactly in memory; run b streams past it. The CLI's `runs compare` and the dashboard's
 * comparison page both read this.
 */
export async function pairRuns(
  a: Run,
  b: Run,
  attemptsOf: (runId: string) => AsyncIterable<PairableAttempt> | Iterable<PairableAttempt>,
  options: PairRunsOptions,
): Promise<RunComparison> {
  const byVariant = a.models.length > 1 && a.models.join() === b.models.join();
  const keyOf = (attempt: PairableAttempt) =>
    byVariant
      ? `${attempt.variant} ${attempt.case_id}#${attempt.epoch}`
      : `${attempt.case_id}#${attempt.epoch}`;

  const fromA = new Map<string, Compact>();
  for await (const attempt of attemptsOf(a.id)) fromA.set(keyOf(attempt), compact(attempt));

  const columns = new Map<string, { a: number[]; b: number[]; higherIsBetter: boolean }>();
  const column = (name: string, higherIsBetter = true) => {
    let entry = columns.get(name);
    if (!entry) {
      entry = { a: [], b: [], higherIsBetter };
      columns.set(name, entry);
    }
    return entry;
  };
  const passA: boolean[] = [];
  const passB: boolean[] = [];
  const pairing: Pairing = {
    mode: byVariant ? "variant+case+epoch" : "case+epoch",
    pairs: 0,
    onlyInA: 0,
    onlyInB: 0,
    flips: { fixed: [], regressed: [] },
  };
  const seen = new Set<string>();
  for await (const attempt of attemptsOf(b.id)) {
    const key = keyOf(attempt);
    const left = fromA.get(key);
    if (!left) {
      pairing.onlyInB++;
      continue;
    }
    seen.add(key);
    const right = compact(attempt);
    pairing.pairs++;
    passA.push(left.passed);
    passB.push(right.passed);
    const flip = { key, attemptA: left.id, attemptB: right.id };
    if (!left.passed && right.passed) pairing.flips.fixed.push(flip);
    if (left.passed && !right.passed) pairing.flips.regressed.push(flip);
    const overall = column("overall");
    overall.a.push(left.overall);
    overall.b.push(right.overall);
    for (const dimension of DIMENSIONS) {
      const x = left.dims[dimension];
      const y = right.dims[dimension];
      if (x === undefined || y === undefined) continue;
      const entry = column(dimension);
      entry.a.push(x);
      entry.b.push(y);
    }
    const latency = column("latency_ms", false);
    latency.a.push(left.latency);
    latency.b.push(right.latency);
    const cost = column("cost_usd", false);
    cost.a.push(left.cost);
    cost.b.push(right.cost);
  }
  pairing.onlyInA = fromA.size - seen.size;

  if (pairing.pairs === 0) {
    return {
      pairing,
      error: `no pairs: runs ${a.id} and ${b.id} share no (case, epoch); they are not runs of the same suite`,
    };
  }
  const inputs: PairedDimensionInput[] = [...columns.entries()].map(([name, entry]) => ({
    name,
    a: entry.a,
    b: entry.b,
    higherIsBetter: entry.higherIsBetter,
    ...(name === "overall" ? { passA, passB } : {}),
  }));
  const result = comparePaired(inputs, {
    test: options.test === "wilcoxon" ? "wilcoxon" : "t",
    seed: options.seed,
    ...(options.intervalFor ? { ci: options.intervalFor(pairing.pairs) } : {}),
  });
  return { pairing, result };
}

function compact(attempt: PairableAttempt): Compact {
  return {
    id: attempt.id,
    overall: attempt.overall,
    passed: attempt.status === "passed",
    dims: attempt.dimension_scores,
    latency: attempt.latency_ms,
    cost: attempt.cost_usd,
  };
}
