/** One turn of a multi-agent trajectory, in the order it happened. */
export interface Step {
  /** 0-based position in the trajectory (Who&When's `step`). */
  index: number;
  /** The agent that produced the step, normalized (`Orchestrator (thought)` → `Orchestrator`). */
  agent: string;
  /** The raw speaker label when it says more than the agent (`Orchestrator (-> WebSurfer)`). */
  role: string;
  content: string;
  toolCalls?: StepToolCall[];
  /** Errors the step recorded itself: an error status, an exception event, a failed tool. */
  errors?: string[];
}

export interface StepToolCall {
  name: string;
  arguments?: string;
  result?: string;
  error?: string;
}

export interface Trajectory {
  /** The trace or attempt id, or the Who&When row id. */
  id: string;
  /** The task the agents were given, when known. */
  question?: string;
  steps: Step[];
}

export const STRATEGIES = ["heuristic", "all-at-once", "step-by-step", "binary-search"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface Attribution {
  strategy: Strategy;
  /** The responsible agent. */
  agent: string;
  /** The decisive step. */
  step: Step;
  /** Why: quoted text and the signals (or the judge's reason) that point there. */
  evidence: string[];
  /** Judge strategies: the model spec, calls made, answers that could not be parsed. */
  model?: string;
  calls?: number;
  unparsed?: number;
  /** Set when a judge strategy gave no usable answer and the heuristic's was taken instead. */
  fallback?: "heuristic";
}
