import { holm } from "./adjust.js";
import { type BootstrapMethod, bootstrapPairedDiff } from "./bootstrap.js";
import { mean } from "./descriptive.js";
import { StatsInputError } from "./errors.js";
import { discordant, mcnemar } from "./mcnemar.js";
import { signFlipTest } from "./permutation.js";
import { moreCasesNeeded } from "./power.js";
import { pairedTTest } from "./ttest.js";
import type { Interval } from "./types.js";
import { finiteSample, samePairs } from "./validate.js";
import { wilcoxonSignedRank } from "./wilcoxon.js";

export interface PairedDimensionInput {
  /** Dimension name, e.g. "accuracy", "latency". */
  name: string;
  /** Per-case scores of run a (baseline) and run b (candidate), paired by index. */
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  /** Per-case pass/fail of each run, for McNemar; optional. */
  passA?: readonly boolean[];
  passB?: readonly boolean[];
  /** Direction of "better": true for scores (default), false for latency or cost. */
  higherIsBetter?: boolean;
}

export interface ComparePairedOptions {
  /** Paired test on the scores: "t" (default) or "wilcoxon" (signed-rank). */
  test?: "t" | "wilcoxon";
  /** Bootstrap interval type, default "bca". */
  /**
   * Interval of each delta: a bootstrap one ("bca", "percentile", "basic"), or "t", the paired
   * t interval (as R's t.test), which needs no resampling: for thousands of pairs the two agree
   * and the bootstrap costs seconds.
   */
  ci?: BootstrapMethod | "t";
  confLevel?: number;
  /** Resamples per dimension, default 10,000. */
  resamples?: number;
  /** Seed; each dimension draws its own stream keyed by its name. Default 0. */
  seed?: number;
  /** Significance level applied to Holm-adjusted p-values, default 0.05. */
  alpha?: number;
}

export interface PairedTestSummary {
  name: "paired_t" | "wilcoxon_signed_rank" | "sign_flip_permutation";
  statistic: number;
  pValue: number;
  df: number | null;
}

export interface McNemarSummary {
  /** a failed, b passed. */
  b01: number;
  /** a passed, b failed. */
  b10: number;
  /** Exact (binomial) two-sided p-value. */
  pValue: number;
}

export type PairedVerdict = "b_better" | "a_better" | "no_difference";

export interface PairedDimensionResult {
  dimension: string;
  n: number;
  meanA: number;
  meanB: number;
  /** meanB - meanA. */
  delta: number;
  /** `resamples` is 0 for the "t" interval. */
  ci: Interval & { method: BootstrapMethod | "t"; resamples: number; seed: number };
  test: PairedTestSummary;
  /** Holm-adjusted p across dimensions. */
  pAdjusted: number;
  mcnemar: McNemarSummary | null;
  higherIsBetter: boolean;
  verdict: PairedVerdict;
  /** For "no_difference": about how many more cases would detect the observed delta (80% power). */
  moreCases: number | null;
  note?: string;
}

export interface ComparePairedResult {
  dimensions: PairedDimensionResult[];
  alpha: number;
  test: "t" | "wilcoxon";
  /** e.g. "b is better on accuracy (p = 0.003); no difference on latency". */
  summary: string;
}

function formatP(p: number): string {
  if (p < 0.001) return "p < 0.001";
  return `p = ${p.toFixed(3)}`;
}

/**
 * Compare two runs case by case on several dimensions. Each dimension gets means, delta
 * (b - a), a seeded paired bootstrap interval of the delta, a paired test, and McNemar on the
 * pass/fail flips; p-values are Holm-adjusted across dimensions and drive the verdicts.
 */
export function comparePaired(
  dimensions: readonly PairedDimensionInput[],
  options: ComparePairedOptions = {},
): ComparePairedResult {
  if (!Array.isArray(dimensions) || dimensions.length === 0) {
    throw new StatsInputError("comparePaired needs at least one dimension");
  }
  const testKind = options.test ?? "t";
  if (testKind !== "t" && testKind !== "wilcoxon")
    throw new StatsInputError(`test must be "t" or "wilcoxon"`);
  const method = options.ci ?? "bca";
  if (method !== "bca" && method !== "percentile" && method !== "basic" && method !== "t") {
    throw new StatsInputError(`ci must be bca, percentile, basic or t, got ${String(method)}`);
  }
  const alpha = options.alpha ?? 0.05;
  const seed = options.seed ?? 0;
  const names = new Set<string>();
  const partial = dimensions.map((dim) => {
    if (typeof dim.name !== "string" || dim.name === "")
      throw new StatsInputError("each dimension needs a name");
    if (names.has(dim.name)) throw new StatsInputError(`dimension ${dim.name} is listed twice`);
    names.add(dim.name);
    samePairs(`${dim.name}.a`, dim.a, `${dim.name}.b`, dim.b);
    const a = finiteSample(`${dim.name}.a`, dim.a, 2);
    const b = finiteSample(`${dim.name}.b`, dim.b, 2);
    const meanA = mean(a);
    const meanB = mean(b);
    let test: PairedTestSummary;
    let note: string | undefined;
    const d = b.map((v, i) => v - a[i]!);
    const first = d[0]!;
    const constant = d.every((v) => v === first);
    let iv: Interval;
    let resamples = 0;
    if (method === "t") {
      // Every pair the same difference: the t interval degenerates to that difference.
      iv = constant
        ? { lower: first, upper: first, level: options.confLevel ?? 0.95 }
        : pairedTTest(b, a, options.confLevel === undefined ? {} : { confLevel: options.confLevel })
            .ci;
    } else {
      const boot = bootstrapPairedDiff(b, a, {
        resamples: options.resamples,
        confLevel: options.confLevel,
        seed,
        key: dim.name,
      });
      iv = boot[method];
      resamples = boot.resamples;
    }
    if (constant && first === 0) {
      test = {
        name: testKind === "t" ? "paired_t" : "wilcoxon_signed_rank",
        statistic: 0,
        pValue: 1,
        df: null,
      };
      note = "identical scores in every pair";
    } else if (constant && testKind === "t") {
      // t is undefined (zero variance) yet the evidence is real; the sign-flip test handles it.
      const r = signFlipTest(b, a, { seed });
      test = { name: "sign_flip_permutation", statistic: r.statistic, pValue: r.pValue, df: null };
      note =
        "every pair differs by the same amount; t is undefined, sign-flip permutation test used";
    } else if (testKind === "t") {
      const r = pairedTTest(b, a);
      test = { name: "paired_t", statistic: r.statistic, pValue: r.pValue, df: r.df };
    } else {
      const r = wilcoxonSignedRank(b, a);
      test = { name: "wilcoxon_signed_rank", statistic: r.statistic, pValue: r.pValue, df: null };
    }
    let mc: McNemarSummary | null = null;
    if (dim.passA !== undefined || dim.passB !== undefined) {
      if (!dim.passA || !dim.passB)
        throw new StatsInputError(`${dim.name}: give both passA and passB`);
      if (dim.passA.length !== a.length) {
        throw new StatsInputError(
          `${dim.name}: pass/fail arrays must have one entry per pair (${a.length})`,
        );
      }
      const { b01, b10 } = discordant(dim.passA, dim.passB);
      mc = { b01, b10, pValue: mcnemar(b01, b10, "exact").pValue };
    }
    return {
      dimension: dim.name,
      n: a.length,
      meanA,
      meanB,
      delta: meanB - meanA,
      ci: {
        lower: iv.lower,
        upper: iv.upper,
        level: iv.level,
        method,
        resamples,
        seed,
      },
      test,
      mcnemar: mc,
      higherIsBetter: dim.higherIsBetter ?? true,
      d,
      note,
    };
  });

  const adjusted = holm(partial.map((p) => p.test.pValue));

  const results: PairedDimensionResult[] = partial.map(({ d, note, ...p }, i) => {
    const pAdjusted = adjusted[i]!;
    let verdict: PairedVerdict = "no_difference";
    if (pAdjusted < alpha && p.delta !== 0) {
      const bHigher = p.delta > 0;
      verdict = bHigher === p.higherIsBetter ? "b_better" : "a_better";
    }
    let moreCases: number | null = null;
    if (verdict === "no_difference") moreCases = moreCasesNeeded(d, { alpha })?.moreCases ?? null;
    const out: PairedDimensionResult = { ...p, pAdjusted, verdict, moreCases };
    if (note) out.note = note;
    return out;
  });

  const parts: string[] = [];
  for (const v of ["b_better", "a_better"] as const) {
    for (const r of results.filter((x) => x.verdict === v)) {
      parts.push(
        `${v === "b_better" ? "b" : "a"} is better on ${r.dimension} (${formatP(r.pAdjusted)})`,
      );
    }
  }
  const same = results.filter((r) => r.verdict === "no_difference").map((r) => r.dimension);
  if (same.length > 0) parts.push(`no difference on ${same.join(", ")}`);
  return { dimensions: results, alpha, test: testKind, summary: parts.join("; ") };
}
