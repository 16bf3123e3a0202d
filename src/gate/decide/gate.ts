import { holm, oneSampleTTest, StatsInputError } from "../../stats/index.js";
import type {
  CaseHistory,
  DimensionResult,
  GateSettings,
  GateVerdict,
  JudgeNoise,
  PairedObservation,
} from "../types.js";
import { type CaseSummary, caseMeans, casePasses, OVERALL, summarizeCases } from "./cases.js";
import { testDimension } from "./dimension-test.js";
import { correctForJudge } from "./judge.js";
import { evidenceNeeded } from "./needed.js";
import { caseChanges } from "./regressions.js";
import { type MinimumScoreCheck, outcomeOf, verdictFrom } from "./rules.js";
import { checkSettings } from "./settings.js";
import { varianceParts } from "./variance.js";

export interface GateExtras {
  /** Champion history per case id, to tell a flaky case from a broken one. */
  history?: ReadonlyMap<string, CaseHistory>;
  /** Judges with known error rates, per dimension they score. */
  judgeNoise?: readonly JudgeNoise[];
}

/** The dimensions in the family: `overall` first, then the gated ones (no duplicates). */
export function gatedDimensions(settings: GateSettings): string[] {
  return [OVERALL, ...new Set(settings.dimensions.filter((d) => d !== OVERALL))];
}

/** Cases the tests see: exploratory cases never block and are left out of the statistics. */
export function testedCases(cases: readonly CaseSummary[]): CaseSummary[] {
  return cases.filter((c) => c.severity !== "exploratory");
}

/** The challenger's mean overall and the upper bound of its (1 − alpha) t interval. */
export function minimumScoreCheck(cases: readonly CaseSummary[], alpha: number): MinimumScoreCheck {
  const { challenger, champion } = caseMeans(cases, OVERALL);
  if (challenger.length === 0) return { challengerMean: 0, upper: 1 };
  const mean = (xs: readonly number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
  const m = mean(challenger);
  const championMean = champion.length > 0 ? mean(champion) : undefined;
  const base = { challengerMean: m, ...(championMean !== undefined ? { championMean } : {}) };
  if (challenger.length < 2) return { ...base, upper: 1 };
  try {
    return { ...base, upper: oneSampleTTest(challenger, { confLevel: 1 - alpha }).ci.upper };
  } catch (e) {
    if (!(e instanceof StatsInputError)) throw e;
    return { ...base, upper: m }; // every case scored the same
  }
}

/**
 * The fixed-design promotion gate: per-case means (epochs averaged within a case first), the
 * configured paired test per dimension, Holm across `overall` + gated dimensions, judge-noise
 * correction where a judge's error rates are known, case regressions, and the verdict rules
 * in rules.ts. Pure: the same observations and settings give the same verdict.
 */
export function decideGate(
  observations: Iterable<PairedObservation>,
  settings: GateSettings,
  extras: GateExtras = {},
): GateVerdict {
  checkSettings(settings);
  const names = gatedDimensions(settings);
  const all = summarizeCases(observations, names);
  const cases = testedCases(all);
  const noise = new Map((extras.judgeNoise ?? []).map((j) => [j.dimension, j]));

  const raw = names.map((dimension) => {
    const means = caseMeans(cases, dimension);
    const passes = casePasses(cases, dimension);
    const est = testDimension(
      {
        champion: means.champion,
        challenger: means.challenger,
        championPasses: passes.champion,
        challengerPasses: passes.challenger,
      },
      settings.test,
      { alpha: settings.alpha, seed: settings.seed, resamples: settings.resamples, key: dimension },
    );
    const judge = noise.get(dimension);
    return { dimension, ...est, ...(judge ? correctForJudge(est, judge) : {}) };
  });
  const adjusted = holm(raw.map((r) => r.pValue));
  const dimensions: DimensionResult[] = raw.map((r, i) => ({
    ...r,
    test: settings.test,
    pAdjusted: adjusted[i]!,
    outcome: outcomeOf(adjusted[i]!, r.ci, settings.alpha),
  }));

  const changes = caseChanges(all, extras.history);
  return verdictFrom(dimensions, minimumScoreCheck(cases, settings.alpha), changes, settings, () =>
    evidenceNeeded(
      varianceParts(cases, OVERALL),
      settings.alpha / names.length,
      changes.regressions.filter((r) => r.severity === "blocking" && r.flaky),
    ),
  );
}
