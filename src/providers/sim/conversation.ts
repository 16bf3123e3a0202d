import type { LanguageModelV3CallOptions, LanguageModelV3Prompt } from "@ai-sdk/provider";

export interface ToolCallSeen {
  name: string;
  input: unknown;
}

export interface ToolResultSeen {
  name: string;
  value: unknown;
}

/** What the sim "reads" from a prompt: the same things a real model sees. */
export interface ConversationView {
  system: string;
  userTexts: string[];
  lastUserText: string;
  toolCalls: ToolCallSeen[];
  toolResults: ToolResultSeen[];
  /** Assistant turns so far; numbers the step for ids and randomness. */
  assistantTurns: number;
  offeredTools: string[];
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function toolOutputValue(output: unknown): unknown {
  if (!output || typeof output !== "object") return output;
  const typed = output as { type?: string; value?: unknown };
  switch (typed.type) {
    case "json":
    case "error-json":
      return typed.value;
    case "text":
    case "error-text":
      return parseMaybeJson(typed.value);
    case "content":
      return typed.value;
    default:
      return typed.value ?? output;
  }
}

export function readConversation(
  prompt: LanguageModelV3Prompt,
  tools: LanguageModelV3CallOptions["tools"],
): ConversationView {
  const system: string[] = [];
  const userTexts: string[] = [];
  const toolCalls: ToolCallSeen[] = [];
  const toolResults: ToolResultSeen[] = [];
  let assistantTurns = 0;
  for (const message of prompt) {
    switch (message.role) {
      case "system":
        system.push(message.content);
        break;
      case "user":
        for (const part of message.content) if (part.type === "text") userTexts.push(part.text);
        break;
      case "assistant":
        assistantTurns += 1;
        for (const part of message.content) {
          if (part.type === "tool-call") {
            toolCalls.push({ name: part.toolName, input: parseMaybeJson(part.input) });
          } else if (part.type === "tool-result") {
            toolResults.push({ name: part.toolName, value: toolOutputValue(part.output) });
          }
        }
        break;
      case "tool":
        for (const part of message.content) {
          if (part.type === "tool-result") {
            toolResults.push({ name: part.toolName, value: toolOutputValue(part.output) });
          }
        }
        break;
    }
  }
  return {
    system: system.join("\n"),
    userTexts,
    lastUserText: userTexts[userTexts.length - 1] ?? "",
    toolCalls,
    toolResults,
    assistantTurns,
    offeredTools: (tools ?? []).filter((t) => t.type === "function").map((t) => t.name),
  };
}

/** Text of the whole prompt as a model would receive it, for token counting. */
export function promptTexts(
  prompt: LanguageModelV3Prompt,
  tools: LanguageModelV3CallOptions["tools"],
): string[] {
  const texts: string[] = [];
  for (const message of prompt) {
    if (message.role === "system") {
      texts.push(message.content);
      continue;
    }
    const parts: string[] = [];
    for (const part of message.content) {
      if (part.type === "text" || part.type === "reasoning") parts.push(part.text);
      else if (part.type === "tool-call") {
        parts.push(
          `${part.toolName}(${typeof part.input === "string" ? part.input : JSON.stringify(part.input)})`,
        );
      } else if (part.type === "tool-result") {
        const value = toolOutputValue(part.output);
        parts.push(typeof value === "string" ? value : JSON.stringify(value));
      }
    }
    texts.push(parts.join("\n"));
  }
  for (const tool of tools ?? []) {
    if (tool.type === "function") {
      texts.push(
        JSON.stringify({
          name: tool.name,
          description: tool.description,
          parameters: tool.inputSchema,
        }),
      );
    }
  }
  return texts;
}
