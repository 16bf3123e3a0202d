/**
 * Attribute and operation names from the OpenTelemetry GenAI semantic conventions.
 * Spelled out here once so that every producer and importer maps to the same shape.
 */
export const GENAI = {
  operation: "gen_ai.operation.name",
  provider: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  requestTemperature: "gen_ai.request.temperature",
  requestMaxTokens: "gen_ai.request.max_tokens",
  finishReasons: "gen_ai.response.finish_reasons",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  agentName: "gen_ai.agent.name",
  agentId: "gen_ai.agent.id",
  conversationId: "gen_ai.conversation.id",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  toolArguments: "gen_ai.tool.call.arguments",
  toolResult: "gen_ai.tool.call.result",
  toolType: "gen_ai.tool.type",
  errorType: "error.type",
} as const;

/** Ratchet's own attributes, namespaced so they never collide with the conventions. */
export const RATCHET = {
  runId: "ratchet.run.id",
  caseId: "ratchet.case.id",
  epoch: "ratchet.epoch",
  costUsd: "ratchet.cost.usd",
  cached: "ratchet.cache.hit",
  sideEffects: "ratchet.tool.side_effects",
  /** Warnings a provider returned for a call (unsupported settings and the like), as JSON. */
  providerWarnings: "ratchet.provider.warnings",
  /**
   * The `sim` model's habits that shaped this answer: ground truth for benchmarks of failure
   * clustering. Nothing in Ratchet reads it (a real model has no such label).
   */
  simHabits: "ratchet.sim.habits",
  /** Set by `ratchet/client` on an application's spans: the prompt version it served. */
  promptName: "ratchet.prompt.name",
  promptVersion: "ratchet.prompt.version",
  promptLabel: "ratchet.prompt.label",
  /** The canary that routed this request, when one did. */
  canaryId: "ratchet.canary.id",
} as const;

export type GenAiOperation =
  | "invoke_agent"
  | "chat"
  | "execute_tool"
  | "text_completion"
  | "embeddings"
  | "generate_content";
