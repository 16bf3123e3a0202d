import { describe, expect, it } from "vitest";
import { anthropicRecord } from "./anthropic.js";
import { attemptMessages, linkToolCalls } from "./conversation.js";
import { openAiChatRecord } from "./openai.js";
import { attempt, SYSTEM, toolConversation } from "./test-support.js";
import type { Conversation, ToolDefinition } from "./types.js";

const TOOLS: ToolDefinition[] = [
  {
    name: "lookup_order",
    description: "Look up an order.",
    parameters: { type: "object", properties: { order_id: { type: "string" } } },
  },
];

function conversationOf(messages = toolConversation()): Conversation {
  const result = attemptMessages(attempt({ id: "a", case_id: "c", messages }));
  if (!result.ok) throw new Error(result.reason);
  return { messages: result.messages, tools: TOOLS };
}

describe("attempt → conversation", () => {
  it("keeps every step and ties tool results to their calls", () => {
    const result = attemptMessages(attempt({ id: "a", case_id: "c" }));
    expect(result.ok && result.messages.map((m) => m.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
  });

  it("appends the output when the transcript stops at the input (external agents)", () => {
    const result = attemptMessages(
      attempt({
        id: "a",
        case_id: "c",
        messages: [{ role: "user", content: "Hi" }],
        output: "Hello! How can I help?",
      }),
    );
    expect(result.ok && result.messages.at(-1)).toEqual({
      role: "assistant",
      content: "Hello! How can I help?",
    });
  });

  it("refuses a transcript that ends on a tool call or says nothing", () => {
    const cut = toolConversation().slice(0, 3);
    expect(attemptMessages(attempt({ id: "a", case_id: "c", messages: cut, output: "" }))).toEqual({
      ok: false,
      reason: "tool call without its result",
    });
    // The step budget ran out after a tool result: the step's text is no final answer.
    const spent = toolConversation().slice(0, 4);
    expect(
      attemptMessages(attempt({ id: "a", case_id: "c", messages: spent, output: "Let me check." })),
    ).toEqual({ ok: false, reason: "no final answer" });
    const silent = attempt({
      id: "a",
      case_id: "c",
      messages: [{ role: "user", content: "Hi" }],
      output: "  ",
    });
    expect(attemptMessages(silent)).toEqual({ ok: false, reason: "no final answer" });
  });

  it("gives calls without an id one, and ties an unnamed result to the open call", () => {
    const result = linkToolCalls([
      { role: "user", content: "Where is ORD-1?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [{ id: "", name: "lookup_order", arguments: { order_id: "ORD-1" } }],
      },
      { role: "tool", content: "shipped" },
      { role: "assistant", content: "Shipped." },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const id = result.messages[1]?.tool_calls?.[0]?.id;
    expect(id).toMatch(/^call_\d+$/);
    expect(result.messages[2]).toMatchObject({ role: "tool", tool_call_id: id });
  });
});

describe("openai-chat", () => {
  it("writes tool calls in OpenAI's shape and the tools the agent had", () => {
    const record = openAiChatRecord(conversationOf());
    expect(record.messages).toEqual([
      { role: "system", content: SYSTEM },
      { role: "user", content: "Where is ORD-1001?" },
      {
        role: "assistant",
        tool_calls: [
          {
            id: "call_a1",
            type: "function",
            function: { name: "lookup_order", arguments: '{"order_id":"ORD-1001"}' },
          },
        ],
      },
      {
        role: "tool",
        tool_call_id: "call_a1",
        content: '{"status":"shipped","eta":"2026-11-30"}',
      },
      { role: "assistant", content: "ORD-1001 is shipped; expected 2026-11-30." },
    ]);
    expect(record.tools).toEqual([
      {
        type: "function",
        function: {
          name: "lookup_order",
          description: "Look up an order.",
          parameters: { type: "object", properties: { order_id: { type: "string" } } },
        },
      },
    ]);
    // Arguments are a JSON string that parses back to the call's arguments.
    const call = record.messages[2];
    expect(
      call?.role === "assistant" && JSON.parse(call.tool_calls?.[0]?.function.arguments ?? ""),
    ).toEqual({
      order_id: "ORD-1001",
    });
  });

  it("leaves tools out when the agent had none", () => {
    const record = openAiChatRecord({
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
      ],
    });
    expect(record).toEqual({
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
      ],
    });
  });
});

describe("anthropic", () => {
  it("puts the system prompt apart and tool calls in tool_use / tool_result blocks", () => {
    const record = anthropicRecord(conversationOf());
    expect(record).toEqual({
      system: SYSTEM,
      messages: [
        { role: "user", content: "Where is ORD-1001?" },
        {
          role: "assistant",
          content: [
            {
              type: "tool_use",
              id: "call_a1",
              name: "lookup_order",
              input: { order_id: "ORD-1001" },
            },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "call_a1",
              content: '{"status":"shipped","eta":"2026-11-30"}',
            },
          ],
        },
        { role: "assistant", content: "ORD-1001 is shipped; expected 2026-11-30." },
      ],
      tools: [
        {
          name: "lookup_order",
          description: "Look up an order.",
          input_schema: { type: "object", properties: { order_id: { type: "string" } } },
        },
      ],
    });
  });

  it("merges results of parallel calls and the user's next words into one user turn", () => {
    const record = anthropicRecord({
      messages: [
        { role: "user", content: "Compare ORD-1 and ORD-2" },
        {
          role: "assistant",
          content: "Looking both up.",
          tool_calls: [
            { id: "c1", name: "lookup_order", arguments: { order_id: "ORD-1" } },
            { id: "c2", name: "lookup_order", arguments: { order_id: "ORD-2" } },
          ],
        },
        { role: "tool", content: "shipped", tool_call_id: "c1" },
        { role: "tool", content: "processing", tool_call_id: "c2" },
        { role: "user", content: "And the first one's carrier?" },
        { role: "assistant", content: "UPS." },
      ],
    });
    expect(record?.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(record?.messages[1]?.content).toEqual([
      { type: "text", text: "Looking both up." },
      { type: "tool_use", id: "c1", name: "lookup_order", input: { order_id: "ORD-1" } },
      { type: "tool_use", id: "c2", name: "lookup_order", input: { order_id: "ORD-2" } },
    ]);
    expect(record?.messages[2]?.content).toEqual([
      { type: "tool_result", tool_use_id: "c1", content: "shipped" },
      { type: "tool_result", tool_use_id: "c2", content: "processing" },
      { type: "text", text: "And the first one's carrier?" },
    ]);
    expect(record && "system" in record).toBe(false);
  });

  it("refuses a conversation that starts with the assistant", () => {
    expect(
      anthropicRecord({
        messages: [
          { role: "assistant", content: "Welcome!" },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello" },
        ],
      }),
    ).toBeUndefined();
  });
});
