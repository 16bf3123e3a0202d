import { createHash } from "node:crypto";
import type { MiningConfig } from "../config/index.js";
import type { Attempt, FailureSeverity, FailureSignalType } from "../core/index.js";
import type { NewFailure } from "../store/index.js";
import { fingerprint, maskPersonalData } from "./fingerprint.js";
import { baseScore } from "./ranking.js";

export interface AttemptFailureInput {
  detector: string;
  signal_type: FailureSignalType;
  severity: FailureSeverity;
  /** Why it is a failure, before the failing graders' reasons. */
  reason: string;
  context: NewFailure["context"];
  severityWeights?: MiningConfig["severity_weights"];
}

/**
 * A failed eval attempt as a failure record, so that it is ranked, clustered and drafted like
 * production failures. Keyed by the attempt's trace; the fingerprint is the case and the
 * graders that failed, so the same problem seen again is a duplicate, not a new failure.
 * `context.evidence` keeps each failing grader's reason with the dimension it judges, so that
 * clustering can tell a failed trajectory from the failed answers that follow from it.
 */
export function attemptToFailure(attempt: Attempt, input: AttemptFailureInput): NewFailure {
  const user = attempt.messages.find((m) => m.role === "user")?.content ?? "";
  const text = typeof user === "string" ? user : JSON.stringify(user);
  const failed = attempt.scores.filter((score) => !score.passed);
  const evidence = failed.map((s) => `${s.grader}: ${s.reason}`).join("; ");
  return {
    trace_id: attempt.spans[0]?.trace_id ?? attempt.id,
    detector: input.detector,
    signal_type: input.signal_type,
    severity: input.severity,
    weight: 1,
    base_score: baseScore(input.severity, 1, input.severityWeights),
    timestamp: attempt.finished_at,
    input: maskPersonalData(text),
    output: maskPersonalData(attempt.output),
    tool_calls: attempt.tool_calls.map((call) => ({
      name: call.name,
      arguments: maskPersonalData(JSON.stringify(call.arguments ?? {})),
    })),
    ...(attempt.error ? { error: maskPersonalData(attempt.error.message) } : {}),
    reason: maskPersonalData(evidence ? `${input.reason}: ${evidence}` : input.reason),
    context: {
      ...input.context,
      case_id: attempt.case_id,
      attempt_id: attempt.id,
      run_id: attempt.run_id,
      variant: attempt.variant,
      graders: failed.map((s) => s.grader),
      evidence: failed.map((s) => ({
        grader: s.grader,
        dimension: s.dimension,
        reason: maskPersonalData(s.reason),
      })),
    },
    redacted_text: maskPersonalData(`${text}\n${attempt.output}`),
    // The case id stays out of the normalization, which masks ids with digits: two cases
    // failing the same graders are two problems, the same case failing again is one.
    fingerprint: `${fingerprint(input.signal_type, input.detector, failed.map((s) => s.grader).join(","))}:${createHash("sha256").update(attempt.case_id).digest("hex").slice(0, 16)}`,
  };
}
