import type { Message } from "../../core/index.js";
import type { Conversation } from "./types.js";

export type AnthropicBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string };

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: string | AnthropicBlock[];
}

export interface AnthropicRecord {
  system?: string;
  messages: AnthropicMessage[];
  tools?: Array<{ name: string; description?: string; input_schema: Record<string, unknown> }>;
}

const EMPTY_SCHEMA = { type: "object", properties: {} };

function blocksOf(message: Message): AnthropicBlock[] {
  if (message.role === "tool") {
    return [
      { type: "tool_result", tool_use_id: message.tool_call_id ?? "", content: message.content },
    ];
  }
  const blocks: AnthropicBlock[] = [];
  if (message.content !== "") blocks.push({ type: "text", text: message.content });
  for (const call of message.tool_calls ?? []) {
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: call.arguments });
  }
  return blocks;
}

/**
 * Anthropic's shape: the system prompt apart, turns alternating user / assistant, tool calls
 * as `tool_use` blocks and their results as `tool_result` blocks in the next user turn.
 * Consecutive turns of one side (tool results and the user's next words) become one turn.
 * Undefined when the conversation does not start with the user, which the API refuses.
 */
export function anthropicRecord(conversation: Conversation): AnthropicRecord | undefined {
  const system = conversation.messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n\n");
  const turns: Array<{ role: "user" | "assistant"; blocks: AnthropicBlock[] }> = [];
  for (const message of conversation.messages) {
    if (message.role === "system") continue;
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks = blocksOf(message);
    if (blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  }
  if (turns[0]?.role !== "user") return undefined;
  const messages = turns.map(({ role, blocks }) => {
    const only = blocks[0];
    // A turn that is one piece of text stays a string, the form most examples use.
    const content = blocks.length === 1 && only?.type === "text" ? only.text : blocks;
    return { role, content };
  });
  return {
    ...(system !== "" ? { system } : {}),
    messages,
    ...(conversation.tools?.length
      ? {
          tools: conversation.tools.map((tool) => ({
            name: tool.name,
            ...(tool.description ? { description: tool.description } : {}),
            input_schema: tool.parameters ?? EMPTY_SCHEMA,
          })),
        }
      : {}),
  };
}
