import type { CaseSummary } from "./cases.js";

export interface VarianceParts {
  cases: number;
  /** Typical epochs per case (rounded mean). */
  epochs: number;
  /** Mean of the per-case mean differences (challenger − champion). */
  meanDifference: number;
  /** SD of the true per-case difference between cases (method of moments, ≥ 0). */
  sdCase: number;
  /** SD of one epoch's difference around its case's mean (pooled within cases). */
  sdEpoch: number;
  /** Per-case mean differences, for `moreCasesNeeded`. */
  differences: number[];
}

/**
 * Split the spread of per-epoch differences into between-case and within-case parts: the
 * within part is pooled over cases (Σ (d − d̄_case)² / Σ (k − 1)); the between part is the
 * variance of the case means minus what within noise contributes to it (sdEpoch² / k).
 */
export function varianceParts(cases: readonly CaseSummary[], dimension: string): VarianceParts {
  const differences: number[] = [];
  let within = 0;
  let withinDf = 0;
  let epochSum = 0;
  for (const c of cases) {
    const pairs = c.scores.get(dimension);
    if (!pairs || pairs.length === 0) continue;
    let s = 0;
    for (const [a, b] of pairs) s += b - a;
    const m = s / pairs.length;
    for (const [a, b] of pairs) within += (b - a - m) ** 2;
    withinDf += pairs.length - 1;
    epochSum += pairs.length;
    differences.push(m);
  }
  const n = differences.length;
  const meanDifference = n ? differences.reduce((a, v) => a + v, 0) / n : 0;
  const between =
    n > 1 ? differences.reduce((a, v) => a + (v - meanDifference) ** 2, 0) / (n - 1) : 0;
  const epochs = n ? Math.max(1, Math.round(epochSum / n)) : 1;
  const sdEpoch2 = withinDf > 0 ? within / withinDf : 0;
  return {
    cases: n,
    epochs,
    meanDifference,
    sdCase: Math.sqrt(Math.max(0, between - sdEpoch2 / epochs)),
    sdEpoch: Math.sqrt(sdEpoch2),
    differences,
  };
}
