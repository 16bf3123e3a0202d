/**
 * Conversions between Ratchet's records and the AI SDK's provider-level (LanguageModelV3)
 * shapes, for the prompt agent's own tool loop: case input → prompt, fixtures → tool
 * definitions, model content → transcript messages.
 */
import type {
  JSONSchema7,
  JSONValue,
  LanguageModelV3Content,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import type { ToolFixture } from "../config/index.js";
import type { Case, Message, ToolCall, Usage } from "../core/index.js";

const EMPTY_OBJECT_SCHEMA: JSONSchema7 = { type: "object", properties: {} };

/** The system prompt and the case's input as a provider prompt (case system messages kept). */
export function caseToPrompt(systemPrompt: string, input: Case["input"]): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [{ role: "system", content: systemPrompt }];
  if (typeof input === "string") {
    prompt.push({ role: "user", content: [{ type: "text", text: input }] });
    return prompt;
  }
  for (const message of input) prompt.push(messageToProvider(message));
  return prompt;
}

function messageToProvider(message: Message): LanguageModelV3Message {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content };
    case "user":
      return { role: "user", content: [{ type: "text", text: message.content }] };
    case "assistant":
      return {
        role: "assistant",
        content: [
          ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
          ...(message.tool_calls ?? []).map((call) => ({
            type: "tool-call" as const,
            toolCallId: call.id,
            toolName: call.name,
            input: call.arguments,
          })),
        ],
      };
    case "tool":
      return {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: message.tool_call_id ?? "unknown",
            toolName: message.name ?? "unknown",
            output: { type: "text", value: message.content },
          },
        ],
      };
  }
}

export function toolDefinitions(fixtures: readonly ToolFixture[]): LanguageModelV3FunctionTool[] {
  return fixtures.map((fixture) => ({
    type: "function",
    name: fixture.name,
    description: fixture.description ?? fixture.name,
    inputSchema: (fixture.parameters as JSONSchema7 | undefined) ?? EMPTY_OBJECT_SCHEMA,
  }));
}

/**
 * A tool's result as the model will see it: strings as text (as error text when the call
 * failed), everything else as JSON.
 */
export function toolResultOutput(
  result: unknown,
  isError: boolean,
): Extract<LanguageModelV3ToolResultOutput, { type: "text" | "error-text" | "json" }> {
  if (typeof result === "string") return { type: isError ? "error-text" : "text", value: result };
  return { type: "json", value: (result ?? null) as JSONValue };
}

/** Tool-call arguments as the model sent them: a JSON object, or why they are not one. */
export function parseToolInput(
  input: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (input.trim() === "") return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(input);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> };
    }
    return { ok: false, error: "tool arguments must be a JSON object" };
  } catch {
    return { ok: false, error: "tool arguments are not valid JSON" };
  }
}

/** The text parts of one response, concatenated. */
export function contentText(content: readonly LanguageModelV3Content[]): string {
  let text = "";
  for (const part of content) if (part.type === "text") text += part.text;
  return text;
}

export function usageFromProvider(usage: LanguageModelV3Usage): Usage {
  return {
    input_tokens: usage.inputTokens.total ?? 0,
    output_tokens: usage.outputTokens.total ?? 0,
    cached_input_tokens: usage.inputTokens.cacheRead ?? 0,
  };
}

/** One assistant turn in Ratchet's transcript shape. */
export function assistantMessage(text: string, calls: readonly ToolCall[]): Message {
  return { role: "assistant", content: text, ...(calls.length ? { tool_calls: [...calls] } : {}) };
}
