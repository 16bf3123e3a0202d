import type { Failure } from "../core/index.js";

export const DRAFT_SEVERITIES = ["blocking", "warning", "exploratory"] as const;
export type DraftSeverity = (typeof DRAFT_SEVERITIES)[number];

export const DRAFT_STATUSES = ["draft", "approved", "rejected", "discarded"] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

/** The change types a blocking regression case holds back (seed 004's release gate). */
export const RELEASE_GATE_CHANGES = ["prompt", "policy", "model", "tool"] as const;

/** An assertion as a suite file writes it: `{type, ...params}`. */
export type AssertionSpec = { type: string } & Record<string, unknown>;

/**
 * One drafted case exactly as it will be appended to a suite's `cases:` (the suite case
 * schema's fields only, so it validates and runs as written).
 */
export interface SuiteCase {
  id: string;
  input: string;
  context?: Record<string, unknown>;
  expected?: { tool_calls?: Array<{ name: string; arguments?: Record<string, unknown> }> };
  assertions: AssertionSpec[];
  tags: string[];
  severity: DraftSeverity;
  owner?: string;
  source: { kind: "cluster"; cluster_id: string } | { kind: "incident"; incident_id: string };
  expires_at: string;
}

/** The incident fixture around a case: what the suite schema has no field for. */
export interface DraftFixture {
  /** Pass criteria in words; also the case's judge rubric. */
  expected_behaviour: string;
  /** What went wrong, from the failure's evidence. */
  failure_mode: string;
  expected_tools: string[];
  forbidden_tools: string[];
  /** Change types this case blocks while it fails (empty below `blocking`). */
  release_gate: string[];
  /** `allow` / `refuse` for the two halves of a policy-boundary pair. */
  boundary?: "allow" | "refuse";
  /** Why a reviewer should look closer (a synthetic twin input, filled placeholders…). */
  notes: string[];
  /** `evidence` (rules over the failure) or the model spec that wrote it. */
  drafted_by: string;
  /** Approved cases this draft contradicts (same input, opposite expectation). */
  conflicts?: string[];
}

export interface CaseDraft {
  case: SuiteCase;
  fixture: DraftFixture;
  failure_ids: string[];
  cluster_id?: string;
}

/** How a confirmation run went: how many epochs the champion failed the draft's own checks. */
export interface ConfirmResult {
  epochs: number;
  failed_epochs: number;
  /** Errors (agent crashed, timed out) counted apart from failed checks. */
  error_epochs: number;
  run_id: string;
  prompt?: string;
  /** Each failing epoch's first failed check, for `evals show`. */
  evidence: string[];
  /** `checks`: the draft's program checks decided; `judge`: it had only its judge. */
  decided_by: "checks" | "judge";
  confirmed: boolean;
}

export interface EvalDraftRecord {
  id: string;
  created_at: string;
  cluster_id: string | null;
  failure_ids: string[];
  case: SuiteCase;
  fixture: DraftFixture;
  status: DraftStatus;
  reason: string | null;
  reviewer: string | null;
  reviewed_at: string | null;
  target_suite: string | null;
  confirm: ConfirmResult | null;
  /** Suite files (project-relative) and their sha256 when the draft was made; null = absent. */
  suite_snapshots?: Record<string, string | null> | null;
}

export type FailureEvidence = Pick<
  Failure,
  | "id"
  | "signal_type"
  | "severity"
  | "input"
  | "output"
  | "tool_calls"
  | "error"
  | "reason"
  | "context"
  | "detector"
  | "agent"
>;
