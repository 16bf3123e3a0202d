import type { Case, Message, SideEffect, Span, ToolCall, Usage } from "../core/index.js";

export interface AgentRunInput {
  case: Case;
  epoch: number;
  seed: number;
  runId: string;
  /** Aborted on timeout or Ctrl-C; agents must stop promptly and throw. */
  signal: AbortSignal;
}

export interface AgentRunResult {
  output: string;
  messages: Message[];
  /** What the agent asked for (intent), in order. */
  tool_calls: ToolCall[];
  /** What the mocked world recorded as done (effects). */
  side_effects: SideEffect[];
  spans: Span[];
  usage: Usage;
  cost_usd: number;
  steps: number;
  /** True when every model call in the attempt was served from the response cache. */
  cached: boolean;
}

export interface Agent {
  readonly kind: "prompt" | "http" | "exec" | "module";
  /** Human-readable identity for reports, e.g. `prompt:sim:support`. */
  readonly label: string;
  /** Key for per-provider concurrency limits (`openai`, `sim`, `http:host`). */
  readonly concurrencyKey: string;
  run(input: AgentRunInput): Promise<AgentRunResult>;
  /**
   * One-time warm-up the runner awaits before the first attempt (a tokenizer to load), so
   * that it is not counted in the latency of the attempts that happen to run first.
   */
  prepare?(): Promise<void>;
}

/** Raised by agents for failures of the system under test (bad response, crash). */
export class AgentError extends Error {
  override name = "AgentError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
