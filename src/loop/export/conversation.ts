import type { Attempt, Message, ToolCall } from "../../core/index.js";

export type ConversationResult = { ok: true; messages: Message[] } | { ok: false; reason: string };

/**
 * The attempt's transcript as a training conversation: system and case turns, each
 * assistant step with its tool calls, each tool result, and the final answer. Tool calls get
 * an id when they lack one, and tool messages are tied to the call they answer, so that every
 * vendor format can link them. A transcript that does not end in an answer (the step budget
 * ran out on a tool call, the agent said nothing) is no example of what to do.
 */
export function attemptMessages(attempt: Attempt): ConversationResult {
  const messages = [...attempt.messages];
  const lastUser = messages.findLastIndex((m) => m.role === "user");
  const answered = messages.slice(lastUser + 1).some((m) => m.role === "assistant");
  // External agents (http, exec) may record only the input: their answer is the output. An
  // agent loop that recorded its steps is taken as it is, never given an answer it did not
  // write after its last tool result.
  if (!answered && attempt.output.trim() !== "") {
    messages.push({ role: "assistant", content: attempt.output });
  }
  return linkToolCalls(messages);
}

/** Ids for calls without one, tool messages tied to their call; rejects dangling pieces. */
export function linkToolCalls(input: readonly Message[]): ConversationResult {
  const out: Message[] = [];
  let generated = 0;
  // Calls of the latest assistant turn still waiting for their result, in order.
  let open: ToolCall[] = [];
  for (const message of input) {
    if (message.role === "system" && message.content.trim() === "") continue;
    if (message.role === "tool") {
      const call =
        (message.tool_call_id !== undefined
          ? open.find((c) => c.id === message.tool_call_id)
          : undefined) ??
        (message.name !== undefined ? open.find((c) => c.name === message.name) : undefined) ??
        (message.tool_call_id === undefined ? open[0] : undefined);
      if (call === undefined) return { ok: false, reason: "tool result without its call" };
      open = open.filter((c) => c !== call);
      out.push({ role: "tool", content: message.content, tool_call_id: call.id, name: call.name });
      continue;
    }
    if (open.length > 0) return { ok: false, reason: "tool call without its result" };
    if (message.role === "assistant" && message.tool_calls?.length) {
      const calls = message.tool_calls.map((call) => ({
        id: call.id !== "" ? call.id : `call_${++generated}`,
        name: call.name,
        arguments: call.arguments ?? {},
      }));
      open = [...calls];
      out.push({ role: "assistant", content: message.content, tool_calls: calls });
      continue;
    }
    out.push({ role: message.role, content: message.content });
  }
  if (open.length > 0) return { ok: false, reason: "tool call without its result" };
  const last = out.at(-1);
  if (last?.role !== "assistant" || last.content.trim() === "") {
    return { ok: false, reason: "no final answer" };
  }
  if (!out.some((m) => m.role === "user")) return { ok: false, reason: "no user turn" };
  return { ok: true, messages: out };
}
