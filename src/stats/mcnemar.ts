import { dbinom, pbinom, pchisqUpper } from "./dist.js";
import { StatsInputError } from "./errors.js";
import { checkCount } from "./validate.js";

export type McNemarMethod = "exact" | "chisq" | "chisq-cc";

export interface McNemarResult {
  test: "mcnemar_exact" | "mcnemar_chisq" | "mcnemar_chisq_cc";
  /** Discordant counts: b = [0][1] (first yes/pass, second no/fail), c = [1][0]. */
  b: number;
  c: number;
  /** exact: min(b, c) (statsmodels' convention); chisq: the chi-square value. */
  statistic: number;
  df?: number;
  pValue: number;
}

/**
 * McNemar's test on the discordant counts b and c of a paired 2x2 table [[a, b], [c, d]].
 * - "exact": two-sided binomial test of b ~ Bin(b + c, 1/2), p = min(1, 2 P(X <= min(b, c))).
 * - "chisq-cc" (R's default): (|b - c| - 1)^2 / (b + c); like R, no correction when b = c.
 * - "chisq": (b - c)^2 / (b + c).
 * With b + c = 0 there is no evidence either way: statistic 0 and p = 1 (R would give NaN).
 */
export function mcnemar(b: number, c: number, method: McNemarMethod = "exact"): McNemarResult {
  checkCount("b", b);
  checkCount("c", c);
  const n = b + c;
  if (method === "exact") {
    const k = Math.min(b, c);
    const pValue = n === 0 ? 1 : Math.min(1, 2 * pbinom(k, n, 0.5));
    return { test: "mcnemar_exact", b, c, statistic: k, pValue };
  }
  if (method !== "chisq" && method !== "chisq-cc") {
    throw new StatsInputError(
      `McNemar method must be exact, chisq or chisq-cc, got ${String(method)}`,
    );
  }
  const test = method === "chisq" ? "mcnemar_chisq" : "mcnemar_chisq_cc";
  if (n === 0) return { test, b, c, statistic: 0, df: 1, pValue: 1 };
  const diff = Math.abs(b - c);
  const corr = method === "chisq-cc" && diff !== 0 ? 1 : 0;
  const statistic = (diff - corr) ** 2 / n;
  return { test, b, c, statistic, df: 1, pValue: pchisqUpper(statistic, 1) };
}

/** McNemar from a 2x2 table [[a, b], [c, d]]; only the off-diagonal cells matter. */
export function mcnemarTable(table: number[][], method: McNemarMethod = "exact"): McNemarResult {
  if (table.length !== 2 || table.some((r) => !Array.isArray(r) || r.length !== 2)) {
    throw new StatsInputError("McNemar table must be 2x2: [[a, b], [c, d]]");
  }
  return mcnemar(table[0]![1]!, table[1]![0]!, method);
}

/** Count the discordant pairs of two pass/fail vectors: b01 = a failed & b passed, b10 the reverse. */
export function discordant(
  passA: ArrayLike<boolean>,
  passB: ArrayLike<boolean>,
): { b01: number; b10: number; n: number } {
  if (passA.length !== passB.length) {
    throw new StatsInputError(
      `paired pass/fail vectors must have equal lengths: ${passA.length} vs ${passB.length}`,
    );
  }
  let b01 = 0;
  let b10 = 0;
  for (let i = 0; i < passA.length; i++) {
    const x = passA[i];
    const y = passB[i];
    if (typeof x !== "boolean" || typeof y !== "boolean") {
      throw new StatsInputError(`pass/fail values must be booleans (index ${i})`);
    }
    if (!x && y) b01++;
    else if (x && !y) b10++;
  }
  return { b01, b10, n: passA.length };
}

/** Exact McNemar p by summing binomial probabilities directly (a cross-check for the CDF path). */
export function mcnemarExactDirect(b: number, c: number): number {
  const n = b + c;
  const k = Math.min(b, c);
  let s = 0;
  for (let i = 0; i <= k; i++) s += dbinom(i, n, 0.5);
  return n === 0 ? 1 : Math.min(1, 2 * s);
}
