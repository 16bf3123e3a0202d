import { mean, variance } from "./descriptive.js";
import { pfUpper } from "./dist.js";
import { StatsInputError } from "./errors.js";
import { finiteSample } from "./validate.js";

export interface AnovaResult {
  test: "welch_anova" | "oneway_anova";
  statistic: number;
  /** [numerator df, denominator df]; Welch's denominator df is fractional. */
  df: [number, number];
  pValue: number;
}

function groupsOf(groups: ReadonlyArray<ArrayLike<number>>, minEach: number): Float64Array[] {
  if (!Array.isArray(groups) || groups.length < 2) {
    throw new StatsInputError(`ANOVA needs at least 2 groups, got ${groups?.length ?? 0}`);
  }
  return groups.map((g, i) => finiteSample(`groups[${i}]`, g, minEach));
}

/**
 * Welch's one-way ANOVA (R `oneway.test(var.equal = FALSE)`): unequal variances. Every group
 * needs n >= 2 and non-zero variance (the weights are n_i / s_i^2).
 */
export function welchAnova(groups: ReadonlyArray<ArrayLike<number>>): AnovaResult {
  const gs = groupsOf(groups, 2);
  const k = gs.length;
  const n = gs.map((g) => g.length);
  const m = gs.map((g) => mean(g));
  const w = gs.map((g, i) => {
    const v = variance(g);
    if (!(v > 0))
      throw new StatsInputError(
        `groups[${i}] has zero variance; Welch ANOVA weights are undefined`,
      );
    return n[i]! / v;
  });
  const sumW = w.reduce((s, v) => s + v, 0);
  const grand = w.reduce((s, wi, i) => s + wi * m[i]!, 0) / sumW;
  let tmp = 0;
  for (let i = 0; i < k; i++) tmp += (1 - w[i]! / sumW) ** 2 / (n[i]! - 1);
  tmp /= k * k - 1;
  let between = 0;
  for (let i = 0; i < k; i++) between += w[i]! * (m[i]! - grand) ** 2;
  const statistic = between / ((k - 1) * (1 + 2 * (k - 2) * tmp));
  const df2 = 1 / (3 * tmp);
  return {
    test: "welch_anova",
    statistic,
    df: [k - 1, df2],
    pValue: pfUpper(statistic, k - 1, df2),
  };
}

/** Classic one-way ANOVA (equal variances): F = MS_between / MS_within. */
export function onewayAnova(groups: ReadonlyArray<ArrayLike<number>>): AnovaResult {
  const gs = groupsOf(groups, 1);
  const k = gs.length;
  const total = gs.reduce((s, g) => s + g.length, 0);
  if (total <= k) throw new StatsInputError("one-way ANOVA needs more values than groups");
  const all = new Float64Array(total);
  let o = 0;
  for (const g of gs) {
    all.set(g, o);
    o += g.length;
  }
  const grand = mean(all);
  let ssb = 0;
  let ssw = 0;
  for (const g of gs) {
    const mg = mean(g);
    ssb += g.length * (mg - grand) ** 2;
    for (let i = 0; i < g.length; i++) ssw += (g[i]! - mg) ** 2;
  }
  if (!(ssw > 0))
    throw new StatsInputError("one-way ANOVA: zero variance within groups; F is undefined");
  const df1 = k - 1;
  const df2 = total - k;
  const statistic = ssb / df1 / (ssw / df2);
  return { test: "oneway_anova", statistic, df: [df1, df2], pValue: pfUpper(statistic, df1, df2) };
}
