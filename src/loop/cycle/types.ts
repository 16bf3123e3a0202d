import type { Preset } from "../presets.js";

export const CYCLE_PHASES = [
  "evaluate",
  "mine",
  "cluster",
  "draft",
  "optimize",
  "gate",
  "done",
] as const;
export type CyclePhase = (typeof CYCLE_PHASES)[number];

export type CycleStatus = "running" | "finished" | "stopped" | "failed";

export interface CycleCluster {
  id: string;
  label: string;
  size: number;
  track: string;
  confidence: number;
  why: string;
  /** Chosen for the optimizer this cycle. */
  targeted: boolean;
  /** Some member came from an eval case (the cluster already has cases: no drafts needed). */
  from_eval: boolean;
  /** A harness ticket written for it (path). */
  ticket?: string;
}

/** One `ratchet improve` cycle, written at every phase so that it can resume. */
export interface CycleRecord {
  id: string;
  started_at: string;
  finished_at?: string;
  status: CycleStatus;
  /** The next phase to run (`done` when finished). */
  phase: CyclePhase;
  preset: Preset;
  mode: "review" | "auto";
  prompt_name: string;
  /** `name@hash` and the label the champion was read from. */
  champion_before: string;
  champion_label: string;
  champion_after?: string;
  seed: number;
  evaluation?: {
    runs: string[];
    cases: number;
    epochs: number;
    mean: number;
    pass_rate: number;
    failing_cases: number;
    /** Ids of the failing cases (most epochs failed). */
    failing_ids?: string[];
    /** Ids of the cases that passed every epoch: their earlier eval failures are resolved. */
    passing_ids?: string[];
    rollouts: number;
    usd: number;
  };
  mined?: { eval_failures: number; production_signals: number; resolved: number };
  clusters?: CycleCluster[];
  /** Failing cases no cluster holds (too few alike to cluster): optimized as one more target. */
  unclustered_cases?: string[];
  drafts?: { created: number; queued: number; exploratory: number; notes: string[] };
  /** The held candidate this cycle's optimization built on, instead of the champion. */
  carried_from?: { version: string; cycle: string };
  optimization?: {
    id: string;
    status: string;
    best_version?: string;
    fixed: Array<{ cluster: string; label: string; status: string }>;
    rollouts: number;
    proposer_calls: number;
    usd: number;
  };
  gate?: {
    decision_id: string;
    verdict: string;
    reasons: string[];
    promoted: boolean;
    label: string;
  };
  /** Every decision of the cycle in plain words, in order. */
  decisions: string[];
  /** The cycle in one sentence. */
  outcome: string;
  /** Rollouts of the evaluation, the optimizer and the gate (reused attempts not counted). */
  spend: {
    evaluation_usd: number;
    optimization_usd: number;
    gate_usd?: number;
    rollouts: number;
    seconds: number;
  };
  error?: string;
}
