import { GENAI } from "../../core/index.js";
import { asText, collectIndexed, rename, toNumber } from "./messages.js";
import type { Dialect } from "./types.js";

/**
 * Older GenAI convention names (before `gen_ai.provider.name` and `input/output_tokens`)
 * and the indexed `gen_ai.prompt.N.*` / `gen_ai.completion.N.*` message attributes that some
 * instrumentations still emit.
 */
export const genAiLegacyDialect: Dialect = {
  name: "gen_ai-legacy",
  detect: (a) =>
    "gen_ai.system" in a ||
    "gen_ai.usage.prompt_tokens" in a ||
    "gen_ai.usage.completion_tokens" in a ||
    Object.keys(a).some(
      (k) => k.startsWith("gen_ai.prompt.") || k.startsWith("gen_ai.completion."),
    ),
  apply(span) {
    const a = span.attributes;
    rename(a, "gen_ai.system", GENAI.provider);
    rename(a, "gen_ai.usage.prompt_tokens", GENAI.inputTokens, toNumber);
    rename(a, "gen_ai.usage.completion_tokens", GENAI.outputTokens, toNumber);
    const read = (get: (f: string) => unknown) => ({
      role: asText(get("role") ?? "user"),
      content: asText(get("content")),
    });
    const input = collectIndexed(a, "gen_ai.prompt", read);
    if (input && a["gen_ai.input.messages"] === undefined)
      a["gen_ai.input.messages"] = JSON.stringify(input);
    const output = collectIndexed(a, "gen_ai.completion", (get) => ({
      ...read(get),
      role: asText(get("role") ?? "assistant"),
    }));
    if (output && a["gen_ai.output.messages"] === undefined)
      a["gen_ai.output.messages"] = JSON.stringify(output);
  },
};
