import type { DimensionResult, GateSettings, GateVerdict } from "../types.js";
import type { CaseChanges } from "./regressions.js";

/** The challenger's mean overall score and the upper bound of its interval. */
export interface MinimumScoreCheck {
  challengerMean: number;
  upper: number;
  /** The champion's mean overall, for `ratchetBelowMinimum`. */
  championMean?: number;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}`;
const pts = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)} pts`;
const ival = (d: DimensionResult) => `[${pts(d.ci.lower)}, ${pts(d.ci.upper)}]`;

/** "Better" / "worse": the Holm-adjusted p under alpha AND the interval clear of 0. */
export function outcomeOf(
  pAdjusted: number,
  ci: { lower: number; upper: number },
  alpha: number,
): DimensionResult["outcome"] {
  if (pAdjusted < alpha && ci.lower > 0) return "better";
  if (pAdjusted < alpha && ci.upper < 0) return "worse";
  return "no_difference";
}

/** Worse beyond noise by more than the tolerance: significant, and the whole interval below −tol. */
export function regressesBeyondTolerance(d: DimensionResult, tolerance: number): boolean {
  return d.outcome === "worse" && d.ci.upper < -tolerance;
}

/**
 * The verdict rules (see README.md), shared by the fixed and the sequential gate:
 *
 * BLOCK when any of
 *  - a blocking case regressed and is confirmed (champion passed every epoch, challenger
 *    failed every epoch, history not flaky);
 *  - a dimension (overall included) is worse beyond noise by more than the tolerance;
 *  - the challenger's overall is surely under the minimum (its interval's upper bound is).
 * PROMOTE when none of those and all of
 *  - overall better beyond noise (Holm-adjusted p < alpha and interval above 0);
 *  - challenger mean overall ≥ minimum score;
 *  - no gated dimension's estimate below −tolerance (not even unproven);
 *  - no blocking case regressed, flaky or not (a flaky one asks for epochs, never passes).
 * INCONCLUSIVE otherwise, with what would decide it.
 */
export function verdictFrom(
  dimensions: DimensionResult[],
  minimum: MinimumScoreCheck,
  changes: CaseChanges,
  settings: GateSettings,
  needed: () => GateVerdict["needed"],
): GateVerdict {
  const tol = settings.regressionTolerance;
  const overall = dimensions[0]!;
  const blockers: string[] = [];
  const missing: string[] = [];
  const notes: string[] = [];

  const blocking = changes.regressions.filter((r) => r.severity === "blocking");
  const confirmed = blocking.filter((r) => !r.flaky);
  const flaky = blocking.filter((r) => r.flaky);
  for (const r of confirmed)
    blockers.push(
      `blocking case ${r.caseId} regressed: passed ${r.epochs}/${r.epochs} epochs for the ` +
        `champion, 0/${r.epochs} for the challenger`,
    );
  for (const d of dimensions)
    if (regressesBeyondTolerance(d, tol))
      blockers.push(
        `${d.dimension} is worse beyond noise: Δ ${pts(d.delta)}, interval ${ival(d)} entirely ` +
          `below −${pts(tol).slice(1)} tolerance (p_adj ${d.pAdjusted.toPrecision(3)})`,
      );
  // Ratchet: when the champion itself is under the minimum, a proven improvement replaces it
  // (the bar still holds for a champion that meets it).
  const ratchet =
    settings.ratchetBelowMinimum === true &&
    minimum.championMean !== undefined &&
    minimum.championMean < settings.minimumScore;
  if (ratchet)
    notes.push(
      `champion ${pct(minimum.championMean ?? 0)} and challenger ${pct(minimum.challengerMean)} are ` +
        `under the minimum ${pct(settings.minimumScore)}; ratchet mode lets a proven improvement ` +
        "replace a champion that is itself under it",
    );
  if (!ratchet && minimum.upper < settings.minimumScore)
    blockers.push(
      `challenger overall ${pct(minimum.challengerMean)} is surely below the minimum ` +
        `${pct(settings.minimumScore)} (upper bound ${pct(minimum.upper)})`,
    );

  if (overall.outcome !== "better")
    missing.push(
      `overall not better beyond noise: Δ ${pts(overall.delta)}, interval ${ival(overall)}, ` +
        `p_adj ${overall.pAdjusted.toPrecision(3)} (needs p_adj < ${settings.alpha} and interval above 0)`,
    );
  if (
    !ratchet &&
    minimum.challengerMean < settings.minimumScore &&
    minimum.upper >= settings.minimumScore
  )
    missing.push(
      `challenger overall ${pct(minimum.challengerMean)} is under the minimum ` +
        `${pct(settings.minimumScore)} (not surely: upper bound ${pct(minimum.upper)})`,
    );
  for (const d of dimensions.slice(1))
    if (!regressesBeyondTolerance(d, tol) && d.delta < -tol)
      missing.push(
        `${d.dimension} may have dropped more than the tolerance: Δ ${pts(d.delta)}, ` +
          `interval ${ival(d)} (not yet beyond noise)`,
      );
  for (const r of flaky)
    missing.push(
      `blocking case ${r.caseId} regressed but unstably (champion ${pct(r.championPassRate)}%, ` +
        `challenger ${pct(r.challengerPassRate)}% over ${r.epochs} epochs, or a flaky history): ` +
        "more epochs needed, never a silent pass",
    );

  for (const d of dimensions.slice(1))
    if (d.outcome === "worse" && !regressesBeyondTolerance(d, tol))
      notes.push(
        `${d.dimension} is worse (Δ ${pts(d.delta)}) but within the tolerance ${pts(tol)}`,
      );
  const warnings = changes.regressions.filter((r) => r.severity === "warning");
  if (warnings.length > 0)
    notes.push(
      `${warnings.length} warning case(s) regressed: ${warnings
        .slice(0, 5)
        .map((r) => r.caseId)
        .join(", ")}${warnings.length > 5 ? ", …" : ""}`,
    );
  const exploratory = changes.regressions.filter((r) => r.severity === "exploratory");
  if (exploratory.length > 0)
    notes.push(`${exploratory.length} exploratory case(s) regressed (never block, not tested)`);
  for (const d of dimensions)
    if (d.judgeCorrection) notes.push(`${d.dimension}: ${d.judgeCorrection.note}`);

  const base = {
    dimensions,
    regressions: changes.regressions,
    fixes: changes.fixes,
  };
  if (blockers.length > 0) return { verdict: "block", reasons: [...blockers, ...notes], ...base };
  if (missing.length === 0)
    return {
      verdict: "promote",
      reasons: [
        `overall better beyond noise: Δ ${pts(overall.delta)}, interval ${ival(overall)}, ` +
          `p_adj ${overall.pAdjusted.toPrecision(3)}; challenger ${pct(minimum.challengerMean)} ` +
          (ratchet
            ? `above the champion (ratchet under the minimum ${pct(settings.minimumScore)})`
            : `≥ minimum ${pct(settings.minimumScore)}`) +
          "; no blocking regression",
        ...notes,
      ],
      ...base,
    };
  const n = needed();
  return {
    verdict: "inconclusive",
    reasons: [...missing, ...notes],
    ...base,
    ...(n ? { needed: n } : {}),
  };
}
