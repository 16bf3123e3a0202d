import type { Message, ToolCall } from "../../core/index.js";
import type { Interval } from "../../stats/index.js";

/** Why a trace was not replayed. */
export const SKIP_REASONS = ["no_input", "no_output", "unreadable", "challenger_error"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Where a tool call of the challenger got its answer; never from a real tool. */
export type ToolSource = "recorded" | "mock" | "unanswered";

/** The pairwise judge's view of one input: the challenger against the champion's recorded output. */
export type PairOutcome = "better" | "worse" | "tie" | "judge_error";

/** A recorded tool call of a production trace, with its full (unclipped) result. */
export interface RecordedToolCall {
  name: string;
  arguments: Record<string, unknown> | undefined;
  /** The result as the application recorded it (parsed when it was JSON). */
  result?: unknown;
  error?: string;
}

/** One production input ready to replay. */
export interface ReplayInput {
  trace_id: string;
  /** The conversation up to the last user turn; the challenger's own system prompt replaces any. */
  input: Message[];
  /** The champion's recorded answer to that last user turn. */
  champion_output: string;
  champion_messages: Message[];
  champion_tool_calls: ToolCall[];
  recorded_tools: RecordedToolCall[];
  prompt_version?: string;
}

export interface GraderOutcome {
  /** `type` or `type:name` of the assertion. */
  grader: string;
  champion: boolean;
  challenger: boolean;
}

/** One replayed input. */
export interface ShadowInputResult {
  trace_id: string;
  input: string;
  champion_output: string;
  challenger_output: string;
  outcome: PairOutcome;
  /** The judge's two orders disagreed (position bias): counted as a tie. */
  flip: boolean;
  reasoning?: string;
  graders: GraderOutcome[];
  tools: Record<ToolSource, number>;
  /** Model calls of the challenger (judge calls are counted apart). */
  agent_calls: number;
  cost_usd: number;
  latency_ms: number;
}

export interface ShadowSkip {
  trace_id: string;
  reason: SkipReason;
  detail?: string;
}

export type ShadowVerdict = "better" | "worse" | "no_difference" | "insufficient";

export interface ShadowSummary {
  requested: number;
  /** Traces that were candidates (after the prompt / agent filter), up to the sample. */
  considered: number;
  replayed: number;
  skipped: Record<SkipReason, number>;
  better: number;
  worse: number;
  ties: number;
  flips: number;
  judge_errors: number;
  /** better / (better + worse): ties say nothing about direction. */
  win_rate?: number;
  win_rate_ci?: Interval;
  verdict: ShadowVerdict;
  /** Per grader: how many inputs each side passed, and the discordant pairs. */
  graders: Array<{
    grader: string;
    champion_passed: number;
    challenger_passed: number;
    n: number;
    /** Inputs the recorded champion passed and the challenger failed. */
    broken: number;
    /** Inputs the challenger passed and the recorded champion failed. */
    fixed: number;
  }>;
  tools: Record<ToolSource, number>;
  agent_calls: number;
  judge_calls: number;
  agent_cost_usd: number;
  judge_cost_usd: number;
  wall_ms: number;
}

/** The stored document of a shadow run (`store.shadows`, its `doc`). */
export interface ShadowDoc {
  id: string;
  prompt_name: string;
  challenger: string;
  challenger_ref: string;
  /** `name@hash` of the version the traces were served by, when they all say the same. */
  champion?: string;
  model: string;
  judge_model: string;
  /** How the traces were chosen: tagged with the prompt, or the configured agent's. */
  selection: { by: "prompt" | "agent"; note: string; since?: string };
  graders: string[];
  summary: ShadowSummary;
  /** What stops this shadow from being a model change's evidence (empty: none). */
  problems: string[];
  inputs: ShadowInputResult[];
  skips: ShadowSkip[];
  error?: string;
}
