import type { RatchetConfig } from "../config/index.js";
import { type Attempt, FAILING_STATUSES } from "../core/index.js";
import { attemptToFailure } from "../mining/index.js";
import type { NewFailure, Store } from "../store/index.js";
import type { CaseRegression } from "./types.js";

export const REGRESSION_DETECTOR = "gate-regression";

/**
 * A gate's regressions become failures, so that they are ranked, triaged and drafted into
 * eval cases like production failures. One per regressed case: its first failing challenger
 * attempt, keyed by that attempt's trace so a second gate on the same attempts adds nothing.
 * Exploratory cases are left out: they never count against a version.
 */
export async function recordRegressions(
  store: Store,
  config: RatchetConfig,
  decisionId: string,
  regressions: readonly CaseRegression[],
  challengerRuns: readonly string[],
): Promise<number> {
  const wanted = new Map(
    regressions.filter((r) => r.severity !== "exploratory").map((r) => [r.caseId, r]),
  );
  if (wanted.size === 0) return 0;
  const failures: NewFailure[] = [];
  for (const runId of challengerRuns) {
    for await (const attempt of store.iterateAttempts(runId, { statuses: FAILING_STATUSES })) {
      const regression = wanted.get(attempt.case_id);
      if (!regression) continue;
      wanted.delete(attempt.case_id);
      failures.push(toFailure(attempt, regression, decisionId, config));
    }
    if (wanted.size === 0) break;
  }
  const outcomes = await store.failures.recordMany(failures);
  return outcomes.filter((outcome) => outcome === "new" || outcome === "duplicate").length;
}

function toFailure(
  attempt: Attempt,
  regression: CaseRegression,
  decisionId: string,
  config: RatchetConfig,
): NewFailure {
  const severity =
    regression.severity === "blocking" ? (regression.flaky ? "medium" : "high") : "low";
  return attemptToFailure(attempt, {
    detector: REGRESSION_DETECTOR,
    signal_type: "regression",
    severity,
    reason: `passed ${pct(regression.championPassRate)} for the champion, ${pct(regression.challengerPassRate)} for the challenger (${regression.severity} case ${regression.caseId}${regression.flaky ? ", flaky" : ""})`,
    context: { source: "gate", decision: decisionId },
    severityWeights: config.mining.severity_weights,
  });
}

const pct = (value: number): string => `${Math.round(value * 100)}%`;
