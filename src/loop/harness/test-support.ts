import type { Failure } from "../../core/index.js";
import type { ClusterRecord } from "../../store/index.js";

let next = 0;

/** A stored failure with plain defaults; tests set what their rule reads. */
export function failure(fields: Partial<Failure> = {}): Failure {
  next++;
  const id = fields.id ?? `fail_${String(next).padStart(4, "0")}`;
  return {
    id,
    trace_id: `trace-${next}`,
    detector: "span-error",
    signal_type: "hard_error",
    severity: "high",
    weight: 1,
    base_score: 0.75,
    score: 0.75,
    timestamp: "2026-03-01T10:00:00.000Z",
    input: "",
    output: "",
    tool_calls: [],
    reason: "a span ended in error",
    context: {},
    redacted_text: "user: hello",
    fingerprint: `fp-${next}`,
    cluster_id: "clu_test",
    status: "new",
    duplicate_of: null,
    count: 1,
    first_seen: "2026-03-01T10:00:00.000Z",
    last_seen: "2026-03-01T10:00:00.000Z",
    ...fields,
  };
}

/** An eval attempt's failure: the case, its failing graders and their evidence. */
export function evalFailure(caseId: string, graders: string[], evidence: string): Failure {
  return failure({
    detector: "eval",
    signal_type: "eval_failure",
    reason: `blocking case ${caseId} failed: ${evidence}`,
    context: { source: "eval", case_id: caseId, run_id: "run_1", graders },
  });
}

/** A cluster record over these members (size counts their duplicates). */
export function clusterOf(members: readonly Failure[], fields: Partial<ClusterRecord> = {}) {
  const record: ClusterRecord = {
    id: "clu_test",
    status: "open",
    label: "test · cluster",
    keywords: [{ term: "test", weight: 1 }],
    size: members.reduce((sum, m) => sum + m.count, 0),
    first_seen: "2026-03-01T10:00:00.000Z",
    last_seen: "2026-03-02T10:00:00.000Z",
    stats: {
      severity: { high: members.length },
      signal_types: {},
      tools: {},
      agents: {},
      detectors: {},
      graders: {},
      per_day: [],
      trend: "steady",
    },
    representatives: members.slice(0, 3).map((m) => m.id),
    created_at: "2026-03-02T10:00:00.000Z",
    updated_at: "2026-03-02T10:00:00.000Z",
    build_id: "cbld_test",
    ...fields,
  };
  return record;
}
