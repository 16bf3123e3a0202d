import { GENAI } from "../../core/index.js";
import { asText, type ChatMessage, rename, toNumber } from "./messages.js";
import type { Attributes, Dialect } from "./types.js";

/**
 * The Vercel AI SDK's own telemetry (`experimental_telemetry: { isEnabled: true }`), as its
 * source writes it (ai 4 to 6): an outer span per call (`ai.generateText`, `ai.streamText`,
 * `ai.generateObject`, …) with `ai.prompt` and the final `ai.response.*`; one inner span per
 * model call (`….doGenerate` / `….doStream`) with `ai.prompt.messages`, `ai.response.text`,
 * `ai.response.toolCalls` and `ai.usage.*`; one `ai.toolCall` span per executed tool with
 * `ai.toolCall.name/id/args/result` (a failing tool leaves an error status and an exception
 * event, no result). The inner spans also carry some `gen_ai.*` names; those win.
 */

type Operation = "invoke_agent" | "chat" | "execute_tool" | "embeddings";

function operationOf(id: string): Operation | undefined {
  if (id === "ai.toolCall") return "execute_tool";
  if (/^ai\.(embed|embedMany)\.doEmbed$/.test(id)) return "embeddings";
  if (/^ai\.\w+\.do(Generate|Stream)$/.test(id)) return "chat";
  if (/^ai\.(generateText|streamText|generateObject|streamObject)$/.test(id)) return "invoke_agent";
  // The outer `ai.embed` / `ai.embedMany` stays without an operation: its usage repeats its
  // `doEmbed` children's, and the cost rollup counts only the LLM-call spans of a trace.
  return undefined;
}

function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Tool arguments: the model's JSON text (`LanguageModelV3` prompts) or an object (ModelMessage). */
const argumentsText = (input: unknown): string =>
  typeof input === "string" ? input : JSON.stringify(input ?? {});

/** A tool result part's value: `output: {type: "text" | "json" | "error-text" | …, value}` or v4's `result`. */
function toolResultText(part: Record<string, unknown>): { text: string; error: boolean } {
  const output = part.output;
  if (isRecord(output) && typeof output.type === "string") {
    const error = output.type.startsWith("error");
    const value = output.value ?? output.reason;
    return { text: typeof value === "string" ? value : JSON.stringify(value ?? null), error };
  }
  const result = output ?? part.result;
  return {
    text: typeof result === "string" ? result : JSON.stringify(result ?? null),
    error: part.isError === true,
  };
}

/**
 * AI SDK messages (the model-level prompt or the caller's ModelMessages) → chat messages: text
 * parts joined, tool-call parts as `tool_calls`, and each tool-result part its own `tool` turn.
 */
export function aiSdkMessages(list: unknown): ChatMessage[] {
  if (!Array.isArray(list)) return [];
  const out: ChatMessage[] = [];
  for (const m of list) {
    if (!isRecord(m) || typeof m.role !== "string") continue;
    const role = m.role;
    if (typeof m.content === "string") {
      out.push({ role, content: m.content });
      continue;
    }
    if (!Array.isArray(m.content)) {
      out.push({ role, content: asText(m.content) });
      continue;
    }
    const texts: string[] = [];
    const calls: NonNullable<ChatMessage["tool_calls"]> = [];
    for (const part of m.content) {
      if (!isRecord(part)) continue;
      if (part.type === "text" || part.type === "reasoning") {
        if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
      } else if (part.type === "tool-call") {
        calls.push({
          name: asText(part.toolName),
          ...(typeof part.toolCallId === "string" ? { id: part.toolCallId } : {}),
          arguments: argumentsText(part.input ?? part.args),
        });
      } else if (part.type === "tool-result") {
        const { text } = toolResultText(part);
        out.push({
          role: "tool",
          content: text,
          ...(typeof part.toolCallId === "string" ? { tool_call_id: part.toolCallId } : {}),
        } as ChatMessage);
      } else if (part.type === "image" || part.type === "file") {
        texts.push(
          `[${part.type}${typeof part.mediaType === "string" ? ` ${part.mediaType}` : ""}]`,
        );
      }
    }
    if (role === "tool" && texts.length === 0 && calls.length === 0) continue;
    out.push({
      role,
      content: texts.join(""),
      ...(calls.length ? { tool_calls: calls } : {}),
    });
  }
  return out;
}

/** `ai.prompt` on an outer span: `{system?, prompt?, messages?}` as the caller passed them. */
function promptMessages(value: unknown): ChatMessage[] {
  const prompt = parseJson(value);
  if (!isRecord(prompt)) return [];
  const out: ChatMessage[] = [];
  if (typeof prompt.system === "string" && prompt.system !== "")
    out.push({ role: "system", content: prompt.system });
  if (typeof prompt.prompt === "string") out.push({ role: "user", content: prompt.prompt });
  else if (Array.isArray(prompt.prompt)) out.push(...aiSdkMessages(prompt.prompt));
  if (Array.isArray(prompt.messages)) out.push(...aiSdkMessages(prompt.messages));
  return out;
}

/** `ai.response.toolCalls`: `[{toolCallId, toolName, input | args}]` as JSON text. */
function responseToolCalls(value: unknown): NonNullable<ChatMessage["tool_calls"]> {
  const list = parseJson(value);
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((c) => ({
    name: asText(c.toolName),
    ...(typeof c.toolCallId === "string" ? { id: c.toolCallId } : {}),
    arguments: argumentsText(c.input ?? c.args),
  }));
}

function setIfAbsent(a: Attributes, key: string, value: Attributes[string] | undefined): void {
  if (value !== undefined && a[key] === undefined) a[key] = value;
}

/** `openai.chat` → `openai`, `anthropic.messages` → `anthropic`: the provider, not its API. */
const providerName = (v: Attributes[string] | undefined) =>
  typeof v === "string" && v !== "" ? (v.split(".")[0] as string) : undefined;

export const aiSdkDialect: Dialect = {
  name: "ai-sdk",
  detect: (a) => "ai.operationId" in a || "ai.model.id" in a || "ai.toolCall.name" in a,
  apply(span) {
    const a = span.attributes;
    const id = asText(a["ai.operationId"] ?? span.name);
    const operation =
      operationOf(id) ??
      operationOf(span.name) ??
      ("ai.toolCall.name" in a ? "execute_tool" : undefined);
    setIfAbsent(a, GENAI.operation, operation);

    // The SDK's gen_ai.system is its provider id (`openai.chat`); take the provider from it
    // before the legacy dialect would copy it as it is.
    const provider = providerName(a["ai.model.provider"] ?? a["gen_ai.system"]);
    if (provider !== undefined && a[GENAI.provider] === undefined) a[GENAI.provider] = provider;
    delete a["gen_ai.system"];
    rename(a, "ai.model.id", GENAI.requestModel);
    rename(a, "ai.response.model", GENAI.responseModel);
    rename(a, "ai.usage.inputTokens", GENAI.inputTokens, toNumber);
    rename(a, "ai.usage.promptTokens", GENAI.inputTokens, toNumber);
    rename(a, "ai.usage.tokens", GENAI.inputTokens, toNumber);
    rename(a, "ai.usage.outputTokens", GENAI.outputTokens, toNumber);
    rename(a, "ai.usage.completionTokens", GENAI.outputTokens, toNumber);
    rename(a, "ai.usage.cachedInputTokens", "gen_ai.usage.cache_read.input_tokens", toNumber);
    const finish = a["ai.response.finishReason"];
    if (typeof finish === "string") setIfAbsent(a, GENAI.finishReasons, [finish]);
    const functionId = a["ai.telemetry.functionId"];
    if (operation === "invoke_agent" && typeof functionId === "string" && functionId !== "")
      setIfAbsent(a, GENAI.agentName, functionId);

    if (operation === "execute_tool") {
      rename(a, "ai.toolCall.name", GENAI.toolName);
      rename(a, "ai.toolCall.id", GENAI.toolCallId);
      rename(a, "ai.toolCall.args", GENAI.toolArguments, asText);
      rename(a, "ai.toolCall.result", GENAI.toolResult, asText);
      if (span.status.code === "error") setIfAbsent(a, GENAI.errorType, "tool_error");
      const tool = a[GENAI.toolName];
      if (span.name === "ai.toolCall" && typeof tool === "string")
        span.name = `execute_tool ${tool}`;
      return;
    }

    const input =
      a["ai.prompt.messages"] !== undefined
        ? aiSdkMessages(parseJson(a["ai.prompt.messages"]))
        : promptMessages(a["ai.prompt"]);
    if (input.length) {
      setIfAbsent(a, "gen_ai.input.messages", JSON.stringify(input));
      delete a["ai.prompt"];
      delete a["ai.prompt.messages"];
    }
    const text = a["ai.response.text"] ?? a["ai.response.object"];
    const calls = responseToolCalls(a["ai.response.toolCalls"]);
    if (text !== undefined || calls.length) {
      const message = {
        role: "assistant",
        content: asText(text),
        ...(calls.length ? { tool_calls: calls } : {}),
      };
      setIfAbsent(a, "gen_ai.output.messages", JSON.stringify([message]));
      delete a["ai.response.text"];
      delete a["ai.response.object"];
      delete a["ai.response.toolCalls"];
    }
  },
};
