import { pnormUpper, qnorm } from "./dist.js";
import { StatsInputError } from "./errors.js";
import type { Interval } from "./types.js";
import { checkLevel } from "./validate.js";

export type Label = string | number | boolean;

export interface ConfusionMatrix<L extends Label = Label> {
  /** Label order for rows and columns. */
  labels: L[];
  /** matrix[i][j] = count of (first = labels[i], second = labels[j]); rows are the first rater / truth. */
  matrix: number[][];
  n: number;
}

function sortLabels<L extends Label>(values: Iterable<L>): L[] {
  const unique = [...new Set(values)];
  return unique.sort((a, b) =>
    typeof a === "number" && typeof b === "number"
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  );
}

function checkLabels<L extends Label>(a: readonly L[], b: readonly L[]) {
  if (!Array.isArray(a) || !Array.isArray(b)) throw new StatsInputError("labels must be arrays");
  if (a.length !== b.length) {
    throw new StatsInputError(`label arrays must have equal lengths: ${a.length} vs ${b.length}`);
  }
  if (a.length === 0) throw new StatsInputError("need at least one labelled item");
  for (let i = 0; i < a.length; i++) {
    for (const v of [a[i], b[i]]) {
      const t = typeof v;
      if (!(t === "string" || t === "boolean" || (t === "number" && Number.isFinite(v)))) {
        throw new StatsInputError(
          `label at index ${i} must be a string, boolean or finite number, got ${String(v)}`,
        );
      }
    }
  }
}

/**
 * Confusion matrix of two label vectors. Without `labels`, the categories are the values seen
 * in either vector, sorted (numbers numerically, others as strings); that order is the ordinal
 * scale used by weighted kappa. Values missing from a given `labels` list are an error.
 */
export function confusionMatrix<L extends Label>(
  first: readonly L[],
  second: readonly L[],
  labels?: readonly L[],
): ConfusionMatrix<L> {
  checkLabels(first, second);
  const ls = labels ? [...labels] : sortLabels([...first, ...second]);
  if (new Set(ls).size !== ls.length) throw new StatsInputError("labels must be unique");
  const index = new Map<L, number>(ls.map((l, i) => [l, i]));
  const matrix = ls.map(() => new Array<number>(ls.length).fill(0));
  for (let i = 0; i < first.length; i++) {
    const r = index.get(first[i]!);
    const c = index.get(second[i]!);
    if (r === undefined || c === undefined) {
      throw new StatsInputError(
        `label ${String(r === undefined ? first[i] : second[i])} is not in the labels list`,
      );
    }
    matrix[r]![c]!++;
  }
  return { labels: ls, matrix, n: first.length };
}

/** Share of items where the two vectors agree. */
export function accuracy<L extends Label>(first: readonly L[], second: readonly L[]): number {
  checkLabels(first, second);
  let same = 0;
  for (let i = 0; i < first.length; i++) if (first[i] === second[i]) same++;
  return same / first.length;
}

export type KappaWeights = "none" | "linear" | "quadratic";

export interface KappaResult {
  kappa: number;
  weights: KappaWeights;
  /** Large-sample standard error (Fleiss, Cohen & Everitt 1969), SAS's "ASE". */
  se: number;
  /** Standard error under H0: kappa = 0, used for z. */
  se0: number;
  z: number;
  /** Two-sided p-value of H0: kappa = 0. */
  pValue: number;
  /** Wald interval kappa ± z * se. */
  ci: Interval;
  observedAgreement: number;
  expectedAgreement: number;
  n: number;
}

/**
 * Cohen's kappa, unweighted or with linear / quadratic agreement weights
 * w_ij = 1 - |i - j| / (k - 1) or 1 - (i - j)^2 / (k - 1)^2 over the label order.
 * Throws when chance agreement is 1 (both raters used one and the same category): kappa is 0/0.
 */
export function cohensKappa<L extends Label>(
  first: readonly L[],
  second: readonly L[],
  options: { weights?: KappaWeights; labels?: readonly L[]; confLevel?: number } = {},
): KappaResult {
  const weights = options.weights ?? "none";
  if (weights !== "none" && weights !== "linear" && weights !== "quadratic") {
    throw new StatsInputError(
      `kappa weights must be none, linear or quadratic, got ${String(weights)}`,
    );
  }
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const cm = confusionMatrix(first, second, options.labels);
  return kappaFromMatrix(cm.matrix, weights, level);
}

/** Cohen's kappa from a square table of counts (rows: first rater). */
export function kappaFromMatrix(
  table: number[][],
  weights: KappaWeights = "none",
  confLevel = 0.95,
): KappaResult {
  const k = table.length;
  if (k === 0 || table.some((r) => r.length !== k))
    throw new StatsInputError("kappa needs a square table");
  let n = 0;
  for (const r of table)
    for (const v of r) {
      if (!(Number.isFinite(v) && v >= 0))
        throw new StatsInputError("table counts must be finite and >= 0");
      n += v;
    }
  if (n === 0) throw new StatsInputError("kappa needs at least one item");
  const w = (i: number, j: number) => {
    if (weights === "none" || k === 1) return i === j ? 1 : 0;
    const d = Math.abs(i - j) / (k - 1);
    return weights === "linear" ? 1 - d : 1 - d * d;
  };
  const row = new Array<number>(k).fill(0);
  const col = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      row[i]! += table[i]![j]! / n;
      col[j]! += table[i]![j]! / n;
    }
  }
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      po += (w(i, j) * table[i]![j]!) / n;
      pe += w(i, j) * row[i]! * col[j]!;
    }
  }
  if (pe >= 1 - 1e-15) {
    throw new StatsInputError(
      "kappa is undefined: chance agreement is 1 (both raters used a single, identical category)",
    );
  }
  const kappa = (po - pe) / (1 - pe);
  // Weighted means of the weights by row and column (Fleiss, Cohen & Everitt 1969).
  const wRow = row.map((_, i) => col.reduce((s, cj, j) => s + cj * w(i, j), 0));
  const wCol = col.map((_, j) => row.reduce((s, ri, i) => s + ri * w(i, j), 0));
  let a = 0;
  let a0 = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const pij = table[i]![j]! / n;
      a += pij * (w(i, j) - (wRow[i]! + wCol[j]!) * (1 - kappa)) ** 2;
      a0 += row[i]! * col[j]! * (w(i, j) - (wRow[i]! + wCol[j]!)) ** 2;
    }
  }
  const varK = Math.max(0, a - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2);
  const var0 = Math.max(0, a0 - pe * pe) / (n * (1 - pe) ** 2);
  const se = Math.sqrt(varK);
  const se0 = Math.sqrt(var0);
  const z = se0 > 0 ? kappa / se0 : 0;
  const q = qnorm(1 - (1 - confLevel) / 2);
  return {
    kappa,
    weights,
    se,
    se0,
    z,
    pValue: se0 > 0 ? Math.min(1, 2 * pnormUpper(Math.abs(z))) : 1,
    ci: { lower: kappa - q * se, upper: kappa + q * se, level: confLevel },
    observedAgreement: po,
    expectedAgreement: pe,
    n,
  };
}

export interface LabelScores<L extends Label = Label> {
  label: L;
  precision: number;
  recall: number;
  f1: number;
  /** Items whose true label is this one. */
  support: number;
}

/**
 * Per-label precision, recall and F1 with `truth` as rows. A ratio with a zero denominator is
 * defined as 0 (sklearn's `zero_division=0`), never NaN.
 */
export function perLabelScores<L extends Label>(
  truth: readonly L[],
  predicted: readonly L[],
  labels?: readonly L[],
): {
  labels: LabelScores<L>[];
  macro: { precision: number; recall: number; f1: number };
  accuracy: number;
} {
  const cm = confusionMatrix(truth, predicted, labels);
  const k = cm.labels.length;
  const out: LabelScores<L>[] = [];
  let diag = 0;
  for (let i = 0; i < k; i++) {
    const tp = cm.matrix[i]![i]!;
    diag += tp;
    let rowSum = 0;
    let colSum = 0;
    for (let j = 0; j < k; j++) {
      rowSum += cm.matrix[i]![j]!;
      colSum += cm.matrix[j]![i]!;
    }
    const precision = colSum > 0 ? tp / colSum : 0;
    const recall = rowSum > 0 ? tp / rowSum : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    out.push({ label: cm.labels[i]!, precision, recall, f1, support: rowSum });
  }
  const avg = (f: (s: LabelScores<L>) => number) => out.reduce((s, v) => s + f(v), 0) / k;
  return {
    labels: out,
    macro: {
      precision: avg((s) => s.precision),
      recall: avg((s) => s.recall),
      f1: avg((s) => s.f1),
    },
    accuracy: diag / cm.n,
  };
}
