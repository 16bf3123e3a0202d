import type { MiningConfig } from "../config/index.js";
import { FAILING_STATUSES } from "../core/index.js";
import type { Store } from "../store/index.js";
import { attemptToFailure } from "./attempt-failure.js";

/**
 * A run's failed attempts recorded as `eval_failure` failures (one transaction), so that they
 * cluster beside production failures. Returns how many were new (not already recorded).
 */
export async function recordRunFailures(
  store: Store,
  runId: string,
  severityWeights?: MiningConfig["severity_weights"],
): Promise<number> {
  const batch = [];
  for await (const attempt of store.iterateAttempts(runId, { statuses: FAILING_STATUSES })) {
    batch.push(
      attemptToFailure(attempt, {
        detector: "eval",
        signal_type: "eval_failure",
        severity:
          attempt.severity === "blocking"
            ? "high"
            : attempt.severity === "warning"
              ? "medium"
              : "low",
        reason: `${attempt.severity} case ${attempt.case_id} ${attempt.status === "error" ? `errored (${attempt.error?.class})` : "failed"}`,
        context: { source: "eval" },
        ...(severityWeights ? { severityWeights } : {}),
      }),
    );
  }
  const outcomes = await store.failures.recordMany(batch);
  return outcomes.filter((o) => o !== "existing").length;
}
