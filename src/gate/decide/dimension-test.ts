import {
  bootstrapPairedDiff,
  discordant,
  type Interval,
  mcnemar,
  pairedTTest,
  StatsInputError,
  signFlipTest,
  welchTTest,
  wilcoxonSignedRank,
} from "../../stats/index.js";
import type { GateTest } from "../types.js";

export interface DimensionSample {
  /** Per-case means, paired by index. */
  champion: number[];
  challenger: number[];
  /** Per-case pass/fail (for McNemar), paired by index. */
  championPasses: boolean[];
  challengerPasses: boolean[];
}

export interface DimensionEstimate {
  n: number;
  champion: number;
  challenger: number;
  /** challenger − champion. */
  delta: number;
  ci: Interval;
  pValue: number;
}

const mean = (x: readonly number[]) => x.reduce((a, v) => a + v, 0) / x.length;

/** No evidence either way: the widest interval a difference of 0..1 scores can have. */
function noEvidence(n: number, champion: number, challenger: number, level: number) {
  return {
    n,
    champion,
    challenger,
    delta: challenger - champion,
    ci: { lower: -1, upper: 1, level },
    pValue: 1,
  };
}

/**
 * The paired t interval on the per-case differences. When every difference is the same (the
 * t statistic is undefined), the interval is that value and the p-value comes from the exact
 * sign-flip test (1 when the common difference is 0).
 */
function pairedT(
  challenger: number[],
  champion: number[],
  level: number,
  seed: number,
): { ci: Interval; pValue: number } {
  try {
    const t = pairedTTest(challenger, champion, { confLevel: level });
    return { ci: t.ci, pValue: t.pValue };
  } catch (e) {
    if (!(e instanceof StatsInputError)) throw e;
    const d = challenger[0]! - champion[0]!;
    const pValue = d === 0 ? 1 : signFlipTest(challenger, champion, { seed }).pValue;
    return { ci: { lower: d, upper: d, level }, pValue };
  }
}

/**
 * One dimension's comparison with the configured test, on per-case values (the unit of
 * analysis). Every test is two-sided; the interval is at level 1 − alpha.
 * - paired_t_test: t on the per-case differences.
 * - paired_bootstrap: BCa interval and the percentile-inversion p from `resamples` seeded
 *   resamples (stream keyed by the dimension so dimensions are independent).
 * - wilcoxon: signed-rank p (zeros dropped, as R); the interval is the paired t interval on
 *   the mean difference (the rules compare a mean, the signed-rank test has no such interval).
 * - mcnemar: exact McNemar on per-case pass/fail; delta and interval are for the pass-rate
 *   difference (paired t interval on the 0/1 differences, i.e. a Wald interval with n − 1).
 * - welch_t_test: Welch's unpaired t on the per-case means. It ignores the pairing, so the
 *   between-case spread (usually much larger than the change) enters its standard error and
 *   it loses power; honoured because the seed names it.
 */
export function testDimension(
  sample: DimensionSample,
  test: GateTest,
  options: { alpha: number; seed: number; resamples: number; key: string },
): DimensionEstimate {
  const level = 1 - options.alpha;
  const n = sample.champion.length;
  if (test === "mcnemar") {
    const a = sample.championPasses.map((p) => (p ? 1 : 0));
    const b = sample.challengerPasses.map((p) => (p ? 1 : 0));
    if (n < 2) return noEvidence(n, n ? mean(a) : 0, n ? mean(b) : 0, level);
    const { b01, b10 } = discordant(sample.championPasses, sample.challengerPasses);
    const { ci } = pairedT(b, a, level, options.seed);
    return {
      n,
      champion: mean(a),
      challenger: mean(b),
      delta: (b01 - b10) / n,
      ci,
      pValue: mcnemar(b01, b10, "exact").pValue,
    };
  }
  if (n < 2)
    return noEvidence(n, n ? sample.champion[0]! : 0, n ? sample.challenger[0]! : 0, level);
  const champion = mean(sample.champion);
  const challenger = mean(sample.challenger);
  const base = { n, champion, challenger, delta: challenger - champion };
  switch (test) {
    case "paired_t_test":
      return { ...base, ...pairedT(sample.challenger, sample.champion, level, options.seed) };
    case "paired_bootstrap": {
      const r = bootstrapPairedDiff(sample.challenger, sample.champion, {
        resamples: options.resamples,
        seed: options.seed,
        key: options.key,
        confLevel: level,
      });
      return { ...base, ci: r.bca, pValue: r.pValue };
    }
    case "wilcoxon": {
      const { ci } = pairedT(sample.challenger, sample.champion, level, options.seed);
      // Ranks need exact ties: differences equal up to float rounding (0.7 − 0.6 vs 0.4 − 0.3)
      // are made equal at 1e-9, far below any score's resolution.
      const d = sample.challenger.map((b, i) => Math.round((b - sample.champion[i]!) * 1e9) / 1e9);
      return { ...base, ci, pValue: wilcoxonSignedRank(d).pValue };
    }
    case "welch_t_test": {
      try {
        const r = welchTTest(sample.challenger, sample.champion, { confLevel: level });
        return { ...base, ci: r.ci, pValue: r.pValue };
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
        // Both sides constant: the difference is known exactly but Welch has no p.
        const d = base.delta;
        return { ...base, ci: { lower: d, upper: d, level }, pValue: d === 0 ? 1 : 0 };
      }
    }
    default:
      throw new StatsInputError(`unknown gate test ${String(test)}`);
  }
}
