import type { ToolCall, Usage } from "../core/index.js";
import { AgentError, type AgentRunResult } from "./types.js";

/**
 * External agents (http, exec, module) report what they did in a loose shape; this turns
 * it into a result, rejecting what cannot be understood instead of guessing.
 */
export function normalizeExternalResult(
  raw: unknown,
  base: Pick<AgentRunResult, "spans" | "messages">,
): AgentRunResult {
  if (typeof raw === "string") return emptyResult(raw, base);
  if (!raw || typeof raw !== "object") {
    throw new AgentError(
      `agent returned ${raw === null ? "null" : typeof raw}, expected a string or an object with "output"`,
    );
  }
  const record = raw as Record<string, unknown>;
  const output = record.output;
  if (typeof output !== "string") {
    throw new AgentError(`agent result has no string "output" (got ${typeof output})`);
  }
  const result = emptyResult(output, base);
  if (Array.isArray(record.tool_calls)) result.tool_calls = record.tool_calls.map(toToolCall);
  if (record.usage && typeof record.usage === "object") {
    const usage = record.usage as Partial<Usage>;
    result.usage = {
      input_tokens: Number(usage.input_tokens ?? 0),
      output_tokens: Number(usage.output_tokens ?? 0),
    };
  }
  if (typeof record.cost_usd === "number") result.cost_usd = record.cost_usd;
  if (typeof record.steps === "number") result.steps = record.steps;
  return result;
}

function emptyResult(
  output: string,
  base: Pick<AgentRunResult, "spans" | "messages">,
): AgentRunResult {
  return {
    output,
    messages: [...base.messages, { role: "assistant", content: output }],
    tool_calls: [],
    side_effects: [],
    spans: base.spans,
    usage: { input_tokens: 0, output_tokens: 0 },
    cost_usd: 0,
    steps: 1,
    cached: false,
  };
}

function toToolCall(raw: unknown, index: number): ToolCall {
  const record = (raw ?? {}) as Record<string, unknown>;
  const name = record.name ?? (record.function as Record<string, unknown> | undefined)?.name;
  if (typeof name !== "string") throw new AgentError(`tool_calls[${index}] has no "name"`);
  let args =
    record.arguments ?? (record.function as Record<string, unknown> | undefined)?.arguments ?? {};
  if (typeof args === "string") {
    try {
      args = JSON.parse(args);
    } catch {
      throw new AgentError(`tool_calls[${index}].arguments is not valid JSON`);
    }
  }
  return {
    id: String(record.id ?? `call_${index}`),
    name,
    arguments: args as Record<string, unknown>,
  };
}
