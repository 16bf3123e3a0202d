/**
 * The optimizer's records. A proposal is one patch to one parent prompt, aimed at one failure
 * cluster, carried through the validation stages (target → training → validation) and accepted
 * or rejected with the reason. The sealed split never appears here: only the gate sees it.
 */

/** One minimal edit: add, replace or remove one instruction (a line of the prompt). */
export interface Patch {
  operation: "add" | "replace" | "remove";
  /** The new instruction (add, replace). */
  instruction?: string;
  /** The existing instruction to replace or remove, as quoted from the prompt. */
  target?: string;
  /** Where an added instruction goes (default: the end). */
  position?: "start" | "end";
  rationale: string;
}

export const PROPOSER_KINDS = ["rule", "reflective", "merge"] as const;
export type ProposerKind = (typeof PROPOSER_KINDS)[number];

/** What a failing check said, as the graders wrote it. */
export interface FailedCheck {
  /** Assertion type (`json-valid`, `tool-args-match`…). */
  type: string;
  /** The assertion's own name when it has one. */
  name?: string;
  dimension: string;
  reason: string;
}

/** One failing case as a proposer sees it: the case, what came out, what the graders said. */
export interface FailureEvidence {
  caseId: string;
  input: string;
  output: string;
  toolCalls: Array<{ name: string; arguments: unknown }>;
  expectedToolCalls?: Array<{ name: string; arguments?: unknown }>;
  /** The case's expected output, when it has one (never shown verbatim in a patch). */
  expectedOutput?: string;
  severity: "blocking" | "warning" | "exploratory";
  failed: FailedCheck[];
}

/** Per-split scores of one candidate (means over cases; epochs averaged within a case). */
export interface SplitScore {
  cases: number;
  mean: number;
  passRate: number;
  /** Candidate − parent on the same cases and epochs. */
  delta?: number;
  pValue?: number;
  /** Target cases the parent failed and the candidate passes (majority of epochs). */
  fixed?: number;
  /** The parent's failing checks (case × check × epoch) and how many of them pass now. */
  checks?: { failing: number; fixed: number };
  /** Cases the parent passed in every epoch and the candidate failed in every epoch. */
  regressions?: Array<{ caseId: string; severity: string }>;
}

export type ProposalVerdict =
  | "accepted"
  | "rejected"
  | "invalid"
  | "over_budget"
  | "overfit"
  | "duplicate"
  | "stopped";

export interface ProposalRecord {
  id: string;
  optimization_id: string;
  seq: number;
  created_at: string;
  cluster_id: string | null;
  proposer: ProposerKind;
  parent_version: string;
  /** `name@hash` of the patched prompt (absent when the patch never became a prompt). */
  candidate_version?: string;
  patch?: Patch;
  /** Raw proposer answer when it could not be read (truncated, not JSON). */
  raw?: string;
  /** Case ids whose evidence the proposer saw. */
  evidence_cases: string[];
  prompt_tokens?: number;
  stages: { target?: SplitScore; train?: SplitScore; validation?: SplitScore };
  verdict: ProposalVerdict;
  reason: string;
  /** Agent calls (rollouts) this proposal's validation ran, reused attempts not counted. */
  rollouts: number;
  cost_usd: number;
}

export type OptimizationStatus = "running" | "finished" | "stopped" | "budget_exhausted" | "failed";

export interface OptimizationBudget {
  /** Agent rollouts + proposer calls. */
  calls?: number;
  usd?: number;
  seconds?: number;
}

export interface OptimizationSpend {
  rollouts: number;
  proposer_calls: number;
  usd: number;
  seconds: number;
}

export interface OptimizationTarget {
  cluster_id: string;
  label: string;
  /** Failing cases in the training split (what the proposer sees and stage 1 runs). */
  train_failing: string[];
  /** Failing cases in the validation split (held out: a generalization check). */
  validation_failing: string[];
  /** Best accepted candidate for this target, if any. */
  best_version?: string;
  status: "open" | "fixed" | "partly_fixed" | "not_fixed" | "skipped";
  note?: string;
}

export interface OptimizationRecord {
  id: string;
  created_at: string;
  updated_at: string;
  status: OptimizationStatus;
  prompt_name: string;
  base_version: string;
  /** The candidate the optimization recommends (accepted and best), if any. */
  best_version?: string;
  cycle_id?: string;
  settings: {
    epochs: number;
    seed: number;
    proposer: ProposerKind | "auto";
    proposer_model?: string;
    max_rounds: number;
    patience: number;
    fix_share: number;
    regression_tolerance: number;
    max_prompt_tokens: number;
    validation_scenarios: "failing_only" | "cluster" | "all";
    validation_share: number;
  };
  splits: { train: number; validation: number; sealed: number };
  targets: OptimizationTarget[];
  budget: OptimizationBudget;
  /** What the budget buys, said before the first proposal. */
  plan: string;
  spend: OptimizationSpend;
  /** Prompt length (tokens) of the base and of each accepted candidate, in order. */
  prompt_tokens: Array<{ version: string; tokens: number }>;
  reason?: string;
}
