import type {
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { hash32 } from "../../core/index.js";
import { getTokenizer } from "./tokenizer.js";

/** The system and user text of a call (what a role model reads). */
export function promptText(options: LanguageModelV3CallOptions): { system: string; user: string } {
  const system: string[] = [];
  const user: string[] = [];
  for (const message of options.prompt) {
    if (message.role === "system") system.push(message.content);
    else if (message.role === "user") {
      for (const part of message.content) if (part.type === "text") user.push(part.text);
    }
  }
  return { system: system.join("\n"), user: user.join("\n") };
}

/**
 * A text-only answer of a sim role model (judge, reflector) as the AI SDK expects it: usage
 * counted with the o200k tokenizer, a response id from the prompt's hash.
 */
export async function textResult(
  text: string,
  prompt: { system: string; user: string },
  ids: { prefix: string; modelId: string },
): Promise<LanguageModelV3GenerateResult> {
  const tokenizer = await getTokenizer("o200k_base");
  const input = tokenizer.count(prompt.system) + tokenizer.count(prompt.user) + 6;
  const output = tokenizer.count(text);
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: {
      inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: output, text: output, reasoning: 0 },
    },
    response: {
      id: `${ids.prefix}-${hash32(prompt.user).toString(36)}`,
      modelId: `sim:${ids.modelId}`,
      timestamp: new Date(0),
    },
    warnings: [],
  };
}

/** The same answer as a stream of one text delta. */
export function streamOf(result: LanguageModelV3GenerateResult): LanguageModelV3StreamResult {
  const text = result.content[0]?.type === "text" ? result.content[0].text : "";
  const parts: LanguageModelV3StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "0" },
    { type: "text-delta", id: "0", delta: text },
    { type: "text-end", id: "0" },
    { type: "finish", usage: result.usage, finishReason: result.finishReason },
  ];
  return {
    stream: new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    }),
  };
}
