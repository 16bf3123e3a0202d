import type { Message } from "../../core/index.js";
import type { Conversation, ToolDefinition } from "./types.js";

/** A chat message as OpenAI's fine-tuning files write it. */
export type OpenAiMessage =
  | { role: "system" | "user"; content: string }
  | {
      role: "assistant";
      content?: string;
      tool_calls?: Array<{
        id: string;
        type: "function";
        function: { name: string; arguments: string };
      }>;
    }
  | { role: "tool"; tool_call_id: string; content: string };

export interface OpenAiTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

const EMPTY_PARAMETERS = { type: "object", properties: {} };

export function openAiMessage(message: Message): OpenAiMessage {
  switch (message.role) {
    case "system":
    case "user":
      return { role: message.role, content: message.content };
    case "tool":
      return { role: "tool", tool_call_id: message.tool_call_id ?? "", content: message.content };
    case "assistant": {
      const calls = message.tool_calls ?? [];
      if (calls.length === 0) return { role: "assistant", content: message.content };
      return {
        role: "assistant",
        // A step that only calls tools has no text: the field is left out, as in OpenAI's examples.
        ...(message.content !== "" ? { content: message.content } : {}),
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: "function" as const,
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      };
    }
  }
}

export function openAiTools(tools: readonly ToolDefinition[]): OpenAiTool[] {
  return tools.map((tool) => ({
    type: "function",
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.parameters ?? EMPTY_PARAMETERS,
    },
  }));
}

/** `{"messages": [...], "tools"?: [...]}`: one line of a supervised fine-tuning file. */
export function openAiChatRecord(conversation: Conversation): {
  messages: OpenAiMessage[];
  tools?: OpenAiTool[];
} {
  return {
    messages: conversation.messages.map(openAiMessage),
    ...(conversation.tools?.length ? { tools: openAiTools(conversation.tools) } : {}),
  };
}
