import { correctedDifference, roganGladen, youdenJ } from "../../stats/index.js";
import type { DimensionResult, JudgeNoise } from "../types.js";

/** Below this Youden J (Se + Sp − 1) the rescaling by 1/J amplifies noise more than it corrects. */
export const MIN_YOUDEN = 0.1;

type Estimate = Pick<DimensionResult, "champion" | "challenger" | "delta" | "ci">;

/**
 * A dimension scored pass/fail by a judge with known error rates: the true-rate difference is
 * the observed one / (Se + Sp − 1) (Rogan–Gladen; the judge's errors hit both arms alike), the
 * interval widens for the uncertainty of Se and Sp (delta method over their Beta posteriors),
 * and the p-value is left alone (a difference of 0 is 0 before and after). Refused, with the
 * reason in the note, when J ≤ 0.1.
 */
export function correctForJudge(
  estimate: Estimate,
  noise: JudgeNoise,
): Estimate & { judgeCorrection: NonNullable<DimensionResult["judgeCorrection"]> } {
  const base = {
    judge: noise.judge,
    sensitivity: noise.sensitivity,
    specificity: noise.specificity,
    observedDelta: estimate.delta,
  };
  const j = youdenJ(noise.sensitivity, noise.specificity);
  if (!(j > MIN_YOUDEN) || !(noise.positives >= 1 && noise.negatives >= 1)) {
    const why =
      j > MIN_YOUDEN
        ? "no human labels of both classes behind the rates"
        : `Se + Sp − 1 = ${j.toFixed(3)} ≤ ${MIN_YOUDEN}: the judge is too close to chance to rescale`;
    return {
      ...estimate,
      judgeCorrection: {
        ...base,
        note: `not corrected (${why}); the judge's raw verdicts are used`,
      },
    };
  }
  const c = correctedDifference(
    { estimate: estimate.delta, ci: estimate.ci },
    {
      sensitivity: noise.sensitivity,
      specificity: noise.specificity,
      positives: noise.positives,
      negatives: noise.negatives,
    },
  );
  return {
    champion: roganGladen(estimate.champion, noise.sensitivity, noise.specificity),
    challenger: roganGladen(estimate.challenger, noise.sensitivity, noise.specificity),
    delta: c.estimate,
    ci: c.ci,
    judgeCorrection: {
      ...base,
      note:
        `corrected for judge ${noise.judge} (Se ${noise.sensitivity.toFixed(3)}, Sp ` +
        `${noise.specificity.toFixed(3)}, from ${noise.positives}+${noise.negatives} human labels): ` +
        `Δ = observed ${estimate.delta.toFixed(4)} / J ${j.toFixed(3)}; interval widened for sd(J) ` +
        `${c.youdenSd.toFixed(3)}`,
    },
  };
}
