import { describe, expect, it } from "vitest";
import type { Span } from "../../core/index.js";
import { conversationToSpans } from "../../traces/index.js";
import { traceMessages } from "./trace-conversation.js";

function span(id: string, start: number, attributes: Span["attributes"], parent = "root"): Span {
  return {
    trace_id: "t1",
    span_id: id,
    ...(id === "root" ? {} : { parent_span_id: parent }),
    name: id,
    kind: "internal",
    start_ms: start,
    end_ms: start + 1,
    attributes,
    status: { code: "unset" },
    events: [],
  };
}

describe("traceMessages", () => {
  it("rebuilds an imported conversation, tool results taken from execute_tool spans", () => {
    const spans = conversationToSpans({
      traceId: "t1",
      format: "jsonl",
      startMs: 1000,
      messages: [
        { role: "user", content: "Where is my order ORD-1001?" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            {
              id: "c1",
              name: "lookup_order",
              arguments: { order_id: "ORD-1001" },
              result: { status: "shipped" },
            },
          ],
        },
        { role: "assistant", content: "It is shipped." },
      ],
    });
    const result = traceMessages(spans);
    expect(result).toEqual({
      ok: true,
      messages: [
        { role: "user", content: "Where is my order ORD-1001?" },
        {
          role: "assistant",
          content: "",
          tool_calls: [{ id: "c1", name: "lookup_order", arguments: { order_id: "ORD-1001" } }],
        },
        { role: "tool", content: '{"status":"shipped"}', tool_call_id: "c1", name: "lookup_order" },
        { role: "assistant", content: "It is shipped." },
      ],
    });
  });

  it("takes chat spans that repeat the whole history once (AI SDK style)", () => {
    const system = { role: "system", content: "Be brief." };
    const user = { role: "user", content: "Where is ORD-7?" };
    const call = {
      role: "assistant",
      content: "",
      tool_calls: [{ id: "x1", name: "lookup_order", arguments: '{"order_id":"ORD-7"}' }],
    };
    const result = { role: "tool", content: "delayed", tool_call_id: "x1" };
    const spans = [
      span("root", 0, { "gen_ai.operation.name": "invoke_agent" }),
      span("chat1", 1, {
        "gen_ai.operation.name": "chat",
        "gen_ai.input.messages": JSON.stringify([system, user]),
        "gen_ai.output.messages": JSON.stringify([call]),
      }),
      span("chat2", 3, {
        "gen_ai.operation.name": "chat",
        "gen_ai.input.messages": JSON.stringify([system, user, call, result]),
        "gen_ai.output.messages": JSON.stringify([{ role: "assistant", content: "Delayed." }]),
      }),
    ];
    const messages = traceMessages(spans);
    expect(messages.ok && messages.messages.map((m) => [m.role, m.content])).toEqual([
      ["system", "Be brief."],
      ["user", "Where is ORD-7?"],
      ["assistant", ""],
      ["tool", "delayed"],
      ["assistant", "Delayed."],
    ]);
  });

  it("reads the conventions' parts and says why a trace cannot be used", () => {
    const parts = span("chat", 1, {
      "gen_ai.operation.name": "chat",
      "gen_ai.input.messages": JSON.stringify([
        { role: "user", parts: [{ type: "text", content: "Weather in Oslo?" }] },
        {
          role: "assistant",
          parts: [{ type: "tool_call", id: "w1", name: "weather", arguments: { city: "Oslo" } }],
        },
        { role: "tool", parts: [{ type: "tool_call_response", id: "w1", response: "3°C" }] },
      ]),
      "gen_ai.output.messages": JSON.stringify([
        { role: "assistant", parts: [{ type: "text", content: "3°C in Oslo." }] },
      ]),
    });
    const ok = traceMessages([span("root", 0, {}), parts]);
    expect(ok.ok && ok.messages.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);

    const dangling = span("chat", 1, {
      "gen_ai.operation.name": "chat",
      "gen_ai.input.messages": JSON.stringify([{ role: "user", content: "Hi" }]),
      "gen_ai.output.messages": JSON.stringify([
        { role: "assistant", content: "", tool_calls: [{ id: "z", name: "nope", arguments: {} }] },
      ]),
    });
    expect(traceMessages([span("root", 0, {}), dangling])).toEqual({
      ok: false,
      reason: "tool call without its result",
    });
    expect(traceMessages([span("root", 0, {})])).toEqual({
      ok: false,
      reason: "trace has no conversation",
    });
  });
});
