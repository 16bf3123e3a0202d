import type { RatchetConfig } from "../config/index.js";
import { type Attempt, FAILING_STATUSES } from "../core/index.js";
import { baseScore, fingerprint, maskPersonalData } from "../mining/index.js";
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
  const input = attempt.messages.find((m) => m.role === "user")?.content ?? "";
  const failed = attempt.scores.filter((score) => !score.passed);
  const reason = `passed ${pct(regression.championPassRate)} for the champion, ${pct(regression.challengerPassRate)} for the challenger (${regression.severity} case ${regression.caseId}${regression.flaky ? ", flaky" : ""}): ${failed.map((s) => `${s.grader}: ${s.reason}`).join("; ")}`;
  return {
    trace_id: attempt.spans[0]?.trace_id ?? attempt.id,
    detector: REGRESSION_DETECTOR,
    signal_type: "regression",
    severity,
    weight: 1,
    base_score: baseScore(severity, 1, config.mining.severity_weights),
    timestamp: attempt.finished_at,
    input: maskPersonalData(typeof input === "string" ? input : JSON.stringify(input)),
    output: maskPersonalData(attempt.output),
    tool_calls: attempt.tool_calls.map((call) => ({
      name: call.name,
      arguments: maskPersonalData(JSON.stringify(call.arguments ?? {})),
    })),
    ...(attempt.error ? { error: maskPersonalData(attempt.error.message) } : {}),
    reason: maskPersonalData(reason),
    context: {
      source: "gate",
      decision: decisionId,
      case_id: attempt.case_id,
      attempt_id: attempt.id,
      run_id: attempt.run_id,
      variant: attempt.variant,
    },
    redacted_text: maskPersonalData(`${input}\n${attempt.output}`),
    // Same case, same graders failing: the same problem, however many gates see it.
    fingerprint: fingerprint(
      "regression",
      REGRESSION_DETECTOR,
      `${attempt.case_id} ${failed.map((s) => s.grader).join(",")}`,
    ),
  };
}

const pct = (value: number): string => `${Math.round(value * 100)}%`;
