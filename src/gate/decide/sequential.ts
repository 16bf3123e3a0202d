import { hash32 } from "../../core/index.js";
import { PairedConfidenceSequence } from "../../stats/index.js";
import type { DimensionResult, GateSettings, GateVerdict, PairedObservation } from "../types.js";
import { type CaseSummary, caseMeans, OVERALL, summarizeCases } from "./cases.js";
import { type GateExtras, gatedDimensions, testedCases } from "./gate.js";
import { correctForJudge } from "./judge.js";
import { caseChanges } from "./regressions.js";
import { outcomeOf, verdictFrom } from "./rules.js";
import { checkSettings } from "./settings.js";

export interface SequentialOptions extends GateExtras {
  /** The round just finished (1-based). */
  round: number;
  /** The last round allowed (e.g. --max-epochs when each round adds one epoch). */
  maxRounds: number;
  /** Compute anytime-valid p-values (a bisection over the stream per dimension); default true. */
  pValues?: boolean;
}

export type SequentialVerdict = GateVerdict & { done: boolean };

/**
 * Epochs a blocking regression needs before the sequential gate calls it confirmed (without a
 * steady history). The fixed gate looks once and takes two; the sequential one looks after
 * every round, and at two epochs a 90%-pass case shows pass, pass / fail, fail about once in
 * a hundred looks, which over ten looks and dozens of blocking cases made A/A gates block
 * 2.5% of the time in bench/gate. Three epochs cut that chance about tenfold per case.
 */
export const SEQUENTIAL_CONFIRM_EPOCHS = 3;

/**
 * One dimension's stream in the order it was observed: by epoch (round), then by a fixed
 * per-case key that does not depend on any outcome, so the sequence's bets stay predictable.
 */
export function differenceStream(
  cases: readonly CaseSummary[],
  dimension: string,
  seed: number,
): number[] {
  const rows: Array<{ epoch: number; key: number; d: number }> = [];
  for (const c of cases) {
    const key = hash32(`${seed}\u0000${c.caseId}`);
    for (const [a, b, epoch] of c.scores.get(dimension) ?? []) rows.push({ epoch, key, d: b - a });
  }
  rows.sort((x, y) => x.epoch - y.epoch || x.key - y.key);
  return rows.map((r) => r.d);
}

function challengerStream(cases: readonly CaseSummary[], seed: number): number[] {
  const rows: Array<{ epoch: number; key: number; v: number }> = [];
  for (const c of cases) {
    const key = hash32(`${seed}\u0000${c.caseId}`);
    for (const [, b, epoch] of c.scores.get(OVERALL) ?? []) rows.push({ epoch, key, v: b });
  }
  rows.sort((x, y) => x.epoch - y.epoch || x.key - y.key);
  return rows.map((r) => r.v);
}

/**
 * The sequential gate (`--until-decided`): called after every round with all observations so
 * far; anytime-valid, so looking after each round does not inflate false promotions.
 *
 * Each dimension's per-epoch differences (challenger − champion, in [−1, 1]) feed a betting
 * confidence sequence (`PairedConfidenceSequence`, Waudby-Smith & Ramdas 2023) at level
 * alpha / k for k dimensions (Bonferroni: Holm's step-down has no simple anytime form). The
 * sequence covers the mean of the per-case true differences over the epochs run, at every
 * look. The minimum-score check uses a sequence on the challenger's overall at level alpha.
 * The verdict rules are the fixed gate's (rules.ts) with these intervals; the reported
 * p-values are anytime-valid (the smallest level whose sequence has excluded 0), Bonferroni-
 * adjusted. `done` when the verdict is promote or block, or the last round is reached.
 *
 * Caveat: when later rounds rerun only some cases (`casesToRerun`), the sequence covers the
 * epoch-weighted mean over cases. Under "no change" (every case's difference is 0) that is
 * still 0, so false promotions stay controlled; the estimate then weights uncertain cases more.
 */
export function decideSequential(
  observations: Iterable<PairedObservation>,
  settings: GateSettings,
  options: SequentialOptions,
): SequentialVerdict {
  checkSettings(settings);
  const names = gatedDimensions(settings);
  const all = summarizeCases(observations, names);
  const cases = testedCases(all);
  const k = names.length;
  const noise = new Map((options.judgeNoise ?? []).map((j) => [j.dimension, j]));
  const perDimensionAlpha = settings.alpha / k;

  const dimensions: DimensionResult[] = names.map((dimension) => {
    const stream = differenceStream(cases, dimension, settings.seed);
    const cs = new PairedConfidenceSequence(perDimensionAlpha).add(stream);
    let champion = 0;
    let challenger = 0;
    let n = 0;
    for (const c of cases) {
      const pairs = c.scores.get(dimension) ?? [];
      if (pairs.length === 0) continue;
      n++;
      for (const [a, b] of pairs) {
        champion += a / pairs.length;
        challenger += b / pairs.length;
      }
    }
    const ci = cs.interval();
    const est = {
      champion: n ? champion / n : 0,
      challenger: n ? challenger / n : 0,
      delta: cs.mean(),
      ci: { lower: ci.lower, upper: ci.upper, level: 1 - settings.alpha },
    };
    const p = options.pValues === false ? (ci.lower > 0 || ci.upper < 0 ? 0 : 1) : cs.pValue(0);
    const judge = noise.get(dimension);
    const corrected = judge ? correctForJudge(est, judge) : est;
    const pAdjusted = Math.min(1, p * k);
    return {
      dimension,
      n,
      ...corrected,
      test: settings.test,
      pValue: p,
      pAdjusted,
      // The sequence at alpha/k already carries the adjustment; "beyond noise" is its interval.
      outcome: outcomeOf(
        corrected.ci.lower > 0 || corrected.ci.upper < 0 ? 0 : 1,
        corrected.ci,
        settings.alpha,
      ),
    };
  });

  const level = new PairedConfidenceSequence(settings.alpha, [0, 1]).add(
    challengerStream(cases, settings.seed),
  );
  const championMeans = caseMeans(cases, OVERALL).champion;
  const minimum = {
    challengerMean: level.mean(),
    upper: level.interval().upper,
    ...(championMeans.length > 0
      ? { championMean: championMeans.reduce((a, v) => a + v, 0) / championMeans.length }
      : {}),
  };
  const changes = caseChanges(all, options.history, SEQUENTIAL_CONFIRM_EPOCHS);
  const lastRound = options.round >= options.maxRounds;
  const verdict = verdictFrom(dimensions, minimum, changes, settings, () => ({
    ...(lastRound ? {} : { epochs: 1 }),
    why: lastRound
      ? `undecided after the last round (${options.maxRounds}); a larger --max-epochs or more cases`
      : `undecided after round ${options.round} of ${options.maxRounds}: one more round`,
  }));
  return { ...verdict, done: verdict.verdict !== "inconclusive" || lastRound };
}
