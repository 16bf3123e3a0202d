import { GENAI } from "../../core/index.js";
import { asText, type ChatMessage, collectIndexed, rename, toNumber } from "./messages.js";
import type { Attributes, Dialect } from "./types.js";

/** The whole-conversation attributes of the first GenAI conventions. */
const PROMPT = "gen_ai.prompt";
const COMPLETION = "gen_ai.completion";

/**
 * A whole-conversation value: a JSON list of `{role, content}` messages, one such message,
 * or plain text (then it is one message in `role`).
 */
function messagesFrom(value: unknown, role: string): ChatMessage[] {
  if (value === undefined || value === null) return [];
  let parsed: unknown = value;
  if (typeof value === "string") {
    const text = value.trim();
    if (!text.startsWith("[") && !text.startsWith("{")) return [{ role, content: value }];
    try {
      parsed = JSON.parse(text);
    } catch {
      return [{ role, content: value }];
    }
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const out: ChatMessage[] = [];
  for (const item of list) {
    if (item && typeof item === "object" && !Array.isArray(item)) {
      const m = item as Record<string, unknown>;
      out.push({
        role: typeof m.role === "string" ? m.role : role,
        content: asText(m.content ?? m.text ?? m.message),
      });
    } else if (item !== undefined && item !== null) {
      out.push({ role, content: asText(item) });
    }
  }
  return out;
}

function setMessages(a: Attributes, key: string, messages: ChatMessage[] | undefined): void {
  if (messages && messages.length > 0 && a[key] === undefined) a[key] = JSON.stringify(messages);
}

/**
 * Older GenAI convention names (before `gen_ai.provider.name` and `input/output_tokens`),
 * and the conversation as the first conventions carried it: whole `gen_ai.prompt` /
 * `gen_ai.completion` values and the indexed
 * `gen_ai.prompt.N.*` / `gen_ai.completion.N.*` attributes some instrumentations still emit.
 */
export const genAiLegacyDialect: Dialect = {
  name: "gen_ai-legacy",
  detect: (a) =>
    "gen_ai.system" in a ||
    "gen_ai.usage.prompt_tokens" in a ||
    "gen_ai.usage.completion_tokens" in a ||
    PROMPT in a ||
    COMPLETION in a ||
    Object.keys(a).some((k) => k.startsWith(`${PROMPT}.`) || k.startsWith(`${COMPLETION}.`)),
  apply(span) {
    const a = span.attributes;
    rename(a, "gen_ai.system", GENAI.provider);
    rename(a, "gen_ai.usage.prompt_tokens", GENAI.inputTokens, toNumber);
    rename(a, "gen_ai.usage.completion_tokens", GENAI.outputTokens, toNumber);
    const read = (get: (f: string) => unknown) => ({
      role: asText(get("role") ?? "user"),
      content: asText(get("content")),
    });
    const indexedInput = collectIndexed(a, PROMPT, read);
    const indexedOutput = collectIndexed(a, COMPLETION, (get) => ({
      ...read(get),
      role: asText(get("role") ?? "assistant"),
    }));
    const wholeInput = messagesFrom(a[PROMPT], "user");
    const wholeOutput = messagesFrom(a[COMPLETION], "assistant");
    delete a[PROMPT];
    delete a[COMPLETION];
    setMessages(a, "gen_ai.input.messages", indexedInput ?? wholeInput);
    setMessages(a, "gen_ai.output.messages", indexedOutput ?? wholeOutput);
  },
};
