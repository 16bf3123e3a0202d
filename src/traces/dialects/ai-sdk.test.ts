import { describe, expect, it } from "vitest";
import type { Span } from "../../core/index.js";
import { normalizeSpan } from "./index.js";

function span(name: string, attributes: Span["attributes"], parent?: string): Span {
  return {
    trace_id: "a".repeat(32),
    span_id: "b".repeat(16),
    ...(parent ? { parent_span_id: parent } : {}),
    name,
    kind: "internal",
    start_ms: 1,
    end_ms: 2,
    attributes,
    status: { code: "unset" },
    events: [],
  };
}

// ai 4.x names, which the 6.x source still writes on the outer span for compatibility.
describe("AI SDK 4 telemetry names", () => {
  it("promptTokens / completionTokens and v4 tool-result parts", () => {
    const s = span(
      "ai.generateText.doGenerate",
      {
        "ai.operationId": "ai.generateText.doGenerate",
        "ai.model.id": "claude-3-5-haiku",
        "ai.model.provider": "anthropic.messages",
        "ai.usage.promptTokens": 120,
        "ai.usage.completionTokens": 30,
        "ai.prompt.messages": JSON.stringify([
          { role: "user", content: [{ type: "text", text: "weather in Oslo?" }] },
          {
            role: "assistant",
            content: [
              { type: "tool-call", toolCallId: "t1", toolName: "weather", args: { city: "Oslo" } },
            ],
          },
          {
            role: "tool",
            content: [
              { type: "tool-result", toolCallId: "t1", toolName: "weather", result: "-3C" },
            ],
          },
        ]),
        "ai.response.text": "It is -3C.",
      },
      "c".repeat(16),
    );
    expect(normalizeSpan(s, "otlp")).toEqual(["ai-sdk"]);
    expect(s.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-3-5-haiku",
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 30,
    });
    expect(JSON.parse(String(s.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "user", content: "weather in Oslo?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [{ name: "weather", id: "t1", arguments: '{"city":"Oslo"}' }],
      },
      { role: "tool", content: "-3C", tool_call_id: "t1" },
    ]);
    expect(JSON.parse(String(s.attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", content: "It is -3C." },
    ]);
    expect(s.attributes["ai.prompt.messages"]).toBeUndefined();
  });

  it("a tool span with a result; a streamText root names the agent from functionId", () => {
    const tool = span(
      "ai.toolCall",
      {
        "ai.operationId": "ai.toolCall",
        "ai.toolCall.name": "weather",
        "ai.toolCall.id": "t1",
        "ai.toolCall.args": '{"city":"Oslo"}',
        "ai.toolCall.result": '"-3C"',
      },
      "c".repeat(16),
    );
    normalizeSpan(tool, "otlp");
    expect(tool.name).toBe("execute_tool weather");
    expect(tool.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "weather",
      "gen_ai.tool.call.id": "t1",
      "gen_ai.tool.call.arguments": '{"city":"Oslo"}',
      "gen_ai.tool.call.result": '"-3C"',
    });
    const root = span("ai.streamText", {
      "ai.operationId": "ai.streamText",
      "ai.telemetry.functionId": "weather-bot",
      "ai.prompt": JSON.stringify({ prompt: "weather?" }),
      "ai.response.text": "cold",
    });
    normalizeSpan(root, "otlp");
    expect(root.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "weather-bot",
      "ratchet.agent.name": "weather-bot",
      "gen_ai.input.messages": JSON.stringify([{ role: "user", content: "weather?" }]),
    });
  });
});

describe("AI SDK embeddings", () => {
  it("only the doEmbed span is an embeddings call; the outer span's usage is not counted twice", () => {
    const outer = span("ai.embedMany", { "ai.operationId": "ai.embedMany", "ai.usage.tokens": 12 });
    const inner = span(
      "ai.embedMany.doEmbed",
      { "ai.operationId": "ai.embedMany.doEmbed", "ai.usage.tokens": 12 },
      "c".repeat(16),
    );
    normalizeSpan(outer, "otlp");
    normalizeSpan(inner, "otlp");
    expect(outer.attributes["gen_ai.operation.name"]).toBeUndefined();
    expect(inner.attributes).toMatchObject({
      "gen_ai.operation.name": "embeddings",
      "gen_ai.usage.input_tokens": 12,
    });
  });
});
