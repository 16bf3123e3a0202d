import { describe, expect, it } from "vitest";
import type { Attempt } from "../core/index.js";
import { attemptToFailure } from "./attempt-failure.js";

function attempt(caseId: string, trace: string): Attempt {
  return {
    id: `att-${caseId}-${trace}`,
    run_id: "run-1",
    case_id: caseId,
    epoch: 0,
    variant: "sim:support",
    status: "failed",
    output: "Sure! Here is the JSON",
    messages: [{ role: "user", content: "Where is ORD-1001?" }],
    tool_calls: [],
    side_effects: [],
    spans: [],
    scores: [
      { grader: "json-valid", dimension: "accuracy", score: 0, passed: false, reason: "not JSON" },
    ],
    dimension_scores: { accuracy: 0 },
    overall: 0,
    usage: { input_tokens: 1, output_tokens: 1 },
    cost_usd: 0,
    latency_ms: 1,
    retries: 0,
    started_at: "2026-12-01T00:00:00Z",
    finished_at: "2026-12-01T00:00:01Z",
    tags: [],
    severity: "blocking",
  };
}

const input = {
  detector: "eval",
  signal_type: "eval_failure" as const,
  severity: "high" as const,
  reason: "failed",
  context: {},
};

describe("an eval attempt as a failure", () => {
  it("two cases failing the same graders are two problems; the same case again is one", () => {
    // Ids with digits are masked by the fingerprint's normalization: they must still differ.
    const a = attemptToFailure(attempt("order-status-1a", "t1"), input).fingerprint;
    const b = attemptToFailure(attempt("order-status-2a", "t2"), input).fingerprint;
    const again = attemptToFailure(attempt("order-status-1a", "t3"), input).fingerprint;
    expect(a).not.toBe(b);
    expect(again).toBe(a);
  });

  it("keeps each failing grader's evidence with the dimension it judges, personal data masked", () => {
    const failed = attempt("pii-1", "t1");
    failed.scores = [
      { grader: "tool-called", dimension: "tool_use", score: 0, passed: false, reason: "no tools" },
      { grader: "equals", dimension: "accuracy", score: 1, passed: true, reason: "ok" },
      {
        grader: "no-pii",
        dimension: "safety",
        score: 0,
        passed: false,
        reason: "leaked jane.doe@example.com",
      },
    ];
    const { context } = attemptToFailure(failed, input);
    expect(context.evidence).toEqual([
      { grader: "tool-called", dimension: "tool_use", reason: "no tools" },
      { grader: "no-pii", dimension: "safety", reason: expect.not.stringContaining("jane.doe") },
    ]);
  });
});
