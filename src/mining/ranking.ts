import type { MiningConfig } from "../config/index.js";
import type { FailureSeverity } from "../core/index.js";
import { failureScore, recurrenceFactor } from "../store/index.js";

export { failureScore, recurrenceFactor };

export const DEFAULT_SEVERITY_WEIGHTS: Readonly<Record<FailureSeverity, number>> = {
  critical: 1,
  high: 0.75,
  medium: 0.5,
  low: 0.25,
};

/** severity weight × detector weight; the store multiplies in recurrence. */
export function baseScore(
  severity: FailureSeverity,
  weight: number,
  severityWeights: MiningConfig["severity_weights"] = DEFAULT_SEVERITY_WEIGHTS,
): number {
  return Math.round(severityWeights[severity] * weight * 1e6) / 1e6;
}

export const RANKING_FORMULA =
  "score = severity weight × detector weight × recurrence factor, recurrence factor = 1 + log2(count)";

/** The "why it ranks here" lines of `failures show`. */
export function explainScore(
  f: {
    severity: FailureSeverity;
    weight: number;
    base_score: number;
    count: number;
    score: number;
  },
  severityWeights: MiningConfig["severity_weights"] = DEFAULT_SEVERITY_WEIGHTS,
  recurrenceThreshold = 3,
): string[] {
  const factor = recurrenceFactor(f.count);
  const lines = [
    RANKING_FORMULA,
    `  severity ${f.severity} → ${severityWeights[f.severity]}`,
    `  detector weight → ${f.weight}`,
    `  seen ${f.count} time${f.count === 1 ? "" : "s"} → recurrence factor ${factor.toFixed(3)}`,
    `  = ${severityWeights[f.severity]} × ${f.weight} × ${factor.toFixed(3)} = ${f.score.toFixed(4)}`,
  ];
  if (f.count >= recurrenceThreshold) {
    lines.push(`  recurs ${f.count} times (≥ ${recurrenceThreshold}): write an eval case for it`);
  }
  return lines;
}
