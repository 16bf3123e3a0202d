import { GENAI } from "../../core/index.js";
import { asText, type ChatMessage, collectIndexed, rename, toNumber } from "./messages.js";
import type { Attributes, Dialect } from "./types.js";

/** OpenInference span kinds → GenAI operation names (kinds without one keep only the tag). */
const OPERATIONS: Record<string, string> = {
  LLM: "chat",
  TOOL: "execute_tool",
  AGENT: "invoke_agent",
  EMBEDDING: "embeddings",
};

function readMessage(get: (field: string) => unknown): ChatMessage | undefined {
  const role = get("message.role");
  const content = get("message.content");
  const calls: NonNullable<ChatMessage["tool_calls"]> = [];
  for (let i = 0; ; i++) {
    const name = get(`message.tool_calls.${i}.tool_call.function.name`);
    if (name === undefined) break;
    const id = get(`message.tool_calls.${i}.tool_call.id`);
    const args = get(`message.tool_calls.${i}.tool_call.function.arguments`);
    calls.push({
      name: asText(name),
      ...(id !== undefined ? { id: asText(id) } : {}),
      ...(args !== undefined ? { arguments: asText(args) } : {}),
    });
  }
  if (role === undefined && content === undefined && calls.length === 0) return undefined;
  return {
    role: asText(role ?? "user"),
    content: asText(content),
    ...(calls.length ? { tool_calls: calls } : {}),
  };
}

function setIfAbsent(a: Attributes, key: string, value: string | number | undefined): void {
  if (value !== undefined && a[key] === undefined) a[key] = value;
}

/** Arize OpenInference (`openinference.span.kind`, `llm.*`, `input.value`, `tool.*`). */
export const openInferenceDialect: Dialect = {
  name: "openinference",
  detect: (a) =>
    "openinference.span.kind" in a ||
    "llm.model_name" in a ||
    "input.value" in a ||
    "llm.token_count.prompt" in a,
  apply(span, isRoot) {
    const a = span.attributes;
    const kind = asText(a["openinference.span.kind"]).toUpperCase();
    const operation = OPERATIONS[kind] ?? (kind === "CHAIN" && isRoot ? "invoke_agent" : undefined);
    setIfAbsent(a, GENAI.operation, operation);
    rename(a, "llm.model_name", GENAI.requestModel);
    rename(a, "llm.provider", GENAI.provider);
    rename(a, "llm.system", GENAI.provider);
    rename(a, "llm.token_count.prompt", GENAI.inputTokens, toNumber);
    rename(a, "llm.token_count.completion", GENAI.outputTokens, toNumber);
    rename(a, "tool.name", GENAI.toolName);
    rename(a, "tool_call.id", GENAI.toolCallId);
    rename(a, "session.id", GENAI.conversationId);
    rename(a, "agent.name", GENAI.agentName);

    const input = collectIndexed(a, "llm.input_messages", readMessage);
    if (input) setIfAbsent(a, "gen_ai.input.messages", JSON.stringify(input));
    const output = collectIndexed(a, "llm.output_messages", readMessage);
    if (output) setIfAbsent(a, "gen_ai.output.messages", JSON.stringify(output));

    const inValue = a["input.value"];
    const outValue = a["output.value"];
    if (operation === "execute_tool") {
      rename(a, "input.value", GENAI.toolArguments, asText);
      rename(a, "output.value", GENAI.toolResult, asText);
    } else if (operation === "chat" || operation === "invoke_agent" || isRoot) {
      // A plain value is the user's turn in and the assistant's turn out.
      if (inValue !== undefined) {
        setIfAbsent(
          a,
          "gen_ai.input.messages",
          JSON.stringify([{ role: "user", content: asText(inValue) }]),
        );
        delete a["input.value"];
        delete a["input.mime_type"];
      }
      if (outValue !== undefined) {
        setIfAbsent(
          a,
          "gen_ai.output.messages",
          JSON.stringify([{ role: "assistant", content: asText(outValue) }]),
        );
        delete a["output.value"];
        delete a["output.mime_type"];
      }
    }
  },
};
