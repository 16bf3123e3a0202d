import type { ModelMessage } from "ai";
import type { Case, Message } from "../core/index.js";

/** The case's input as AI SDK messages (system messages in a case are kept as given). */
export function caseToModelMessages(input: Case["input"]): ModelMessage[] {
  if (typeof input === "string") return [{ role: "user", content: input }];
  const out: ModelMessage[] = [];
  for (const message of input) {
    if (message.role === "tool") {
      out.push({
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: message.tool_call_id ?? "unknown",
            toolName: message.name ?? "unknown",
            output: { type: "text", value: message.content },
          },
        ],
      });
    } else if (message.role === "assistant" && message.tool_calls?.length) {
      out.push({
        role: "assistant",
        content: [
          ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
          ...message.tool_calls.map((call) => ({
            type: "tool-call" as const,
            toolCallId: call.id,
            toolName: call.name,
            input: call.arguments,
          })),
        ],
      });
    } else {
      out.push({ role: message.role, content: message.content } as ModelMessage);
    }
  }
  return out;
}

/** The case's input as plain text, for templates and for the sim's reference. */
export function caseInputText(input: Case["input"]): string {
  if (typeof input === "string") return input;
  const users = input.filter((message) => message.role === "user");
  return users.at(-1)?.content ?? "";
}

export function caseInputMessages(input: Case["input"]): Message[] {
  return typeof input === "string" ? [{ role: "user", content: input }] : [...input];
}
