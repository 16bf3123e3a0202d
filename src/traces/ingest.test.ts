import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isInputError, type Span } from "../core/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { ingestFile } from "./index.js";

const TAUBENCH = fileURLToPath(
  new URL("../../../shared/data/taubench/airline-gpt4o.jsonl", import.meta.url),
);

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-ingest-"));
  store = await openSqliteStore(join(dir, "i.db"));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, lines: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n"));
  return path;
}

const parse = (v: Span["attributes"][string] | undefined) => JSON.parse(String(v));
const root = (spans: Span[]) => spans.find((s) => s.parent_span_id === undefined) as Span;

const refundTrace = {
  trace_id: "conv-1",
  timestamp: "2025-03-01T10:00:00Z",
  messages: [
    { role: "user", content: "Refund order 42 please" },
    {
      role: "assistant",
      content: "",
      tool_calls: [
        { id: "c1", type: "function", function: { name: "lookup", arguments: '{"order":42}' } },
      ],
    },
    { role: "tool", tool_call_id: "c1", content: '{"status":"delivered"}' },
    { role: "assistant", content: "Refunded." },
  ],
  outcome: "failure",
  feedback: { score: 0, text: "wrong amount", correction: "Refund only the shipping fee" },
  metadata: { agent: "support", model: "gpt-4o" },
};

describe("generic JSONL", () => {
  it("maps a conversation to GenAI spans with the trace contract on the root", async () => {
    const path = file("a.jsonl", [refundTrace]);
    const summary = await ingestFile(store.traces, path);
    expect(summary).toMatchObject({ format: "jsonl", records: 1, traces: 1, badLines: 0 });
    const got = await store.traces.getTrace("conv-1");
    const spans = got?.spans ?? [];
    const r = root(spans);
    expect(r.attributes["gen_ai.operation.name"]).toBe("invoke_agent");
    expect(r.attributes["ratchet.trace.outcome"]).toBe("failure");
    expect(r.attributes["ratchet.feedback.score"]).toBe(0);
    expect(r.attributes["ratchet.feedback.text"]).toBe("wrong amount");
    expect(r.attributes["ratchet.feedback.correction"]).toBe("Refund only the shipping fee");
    expect(r.attributes["ratchet.source.format"]).toBe("jsonl");
    expect(r.attributes["ratchet.agent.name"]).toBe("support");
    expect(parse(r.attributes["gen_ai.output.messages"])).toEqual([
      { role: "assistant", content: "Refunded." },
    ]);
    expect(parse(r.attributes["gen_ai.input.messages"])[0]).toEqual({
      role: "user",
      content: "Refund order 42 please",
    });
    expect(r.start_ms).toBe(Date.parse("2025-03-01T10:00:00Z"));
    const ops = spans.map((s) => s.attributes["gen_ai.operation.name"]);
    expect(ops.filter((o) => o === "chat")).toHaveLength(2);
    const tool = spans.find((s) => s.attributes["gen_ai.operation.name"] === "execute_tool");
    expect(tool?.attributes["gen_ai.tool.name"]).toBe("lookup");
    expect(parse(tool?.attributes["gen_ai.tool.call.arguments"])).toEqual({ order: 42 });
    expect(tool?.attributes["gen_ai.tool.call.result"]).toBe('{"status":"delivered"}');
    expect(got?.summary).toMatchObject({
      outcome: "failure",
      feedback_score: 0,
      agent: "support",
      source_format: "jsonl",
      span_count: spans.length,
    });
  });

  const mixed = () =>
    file("mixed.jsonl", [
      { ...refundTrace, trace_id: "t-1" },
      "{not json",
      "",
      { messages: [] },
      { ...refundTrace, trace_id: "t-2", outcome: "great" },
      { ...refundTrace, trace_id: "t-3", feedback: { score: true } },
    ]);

  it("skips bad lines by default and reports each by line number", async () => {
    const summary = await ingestFile(store.traces, mixed(), { format: "jsonl" });
    expect(summary.badLines).toBe(3);
    expect(summary.problems.map((p) => p.line)).toEqual([2, 4, 5]);
    expect(summary.problems[0]?.message).toMatch(/invalid JSON/);
    expect(summary.problems[1]?.message).toMatch(/`messages` is empty/);
    expect(summary.problems[2]?.message).toMatch(/outcome/);
    expect((await store.traces.listTraces()).map((t) => t.trace_id).sort()).toEqual(["t-1", "t-3"]);
    expect((await store.traces.getTrace("t-3"))?.summary.feedback_score).toBe(1);
  });

  it("reports a line over the length limit and still ingests the lines around it", async () => {
    const path = join(dir, "long.jsonl");
    const long = JSON.stringify({ ...refundTrace, trace_id: "t-long", pad: "x".repeat(5000) });
    writeFileSync(
      path,
      [JSON.stringify(refundTrace), long, JSON.stringify({ ...refundTrace, trace_id: "t-3" })].join(
        "\r\n",
      ),
    );
    const summary = await ingestFile(store.traces, path, { format: "jsonl", maxLineChars: 1000 });
    expect(summary.badLines).toBe(1);
    expect(summary.problems).toEqual([
      {
        line: 2,
        message: expect.stringMatching(/line of 5\.\d KiB is over the 1\.0 KiB limit; skipped/),
      },
    ]);
    expect((await store.traces.listTraces()).map((t) => t.trace_id).sort()).toEqual([
      "conv-1",
      "t-3",
    ]);
  });

  it("--strict fails naming the lines and stores nothing", async () => {
    const error = await ingestFile(store.traces, mixed(), { strict: true }).catch((e) => e);
    expect(isInputError(error)).toBe(true);
    expect(String(error.message)).toMatch(/mixed\.jsonl:2: invalid JSON/);
    expect(String(error.message)).toMatch(/mixed\.jsonl:5: /);
    expect(await store.traces.countTraces()).toBe(0);
  });

  it("stores in batches and re-importing adds nothing", async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({ ...refundTrace, trace_id: `b-${i}` }));
    const path = file("many.jsonl", lines);
    const first = await ingestFile(store.traces, path, { batchSize: 7 });
    expect(first.traces).toBe(60);
    expect(first.inserted).toBe(first.spans);
    const again = await ingestFile(store.traces, path, { batchSize: 7 });
    expect(again.inserted).toBe(0);
    expect(again.duplicates).toBe(first.spans);
    expect(await store.traces.countTraces()).toBe(60);
  });
});

function otlpRequest(traceId: string, spans: Array<Record<string, unknown>>) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "bot" } }] },
        scopeSpans: [{ spans: spans.map((s) => ({ traceId, ...s })) }],
      },
    ],
  };
}

describe("OTLP JSON files", () => {
  const spanA = {
    spanId: "1111111111111111",
    name: "agent",
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: "1700000001000000000",
    attributes: [
      { key: "gen_ai.operation.name", value: { stringValue: "invoke_agent" } },
      { key: "ratchet.trace.outcome", value: { stringValue: "success" } },
      { key: "ratchet.feedback.score", value: { doubleValue: 1 } },
    ],
  };
  const spanB = {
    spanId: "2222222222222222",
    parentSpanId: "1111111111111111",
    name: "chat",
    startTimeUnixNano: 1700000000100000000,
    endTimeUnixNano: "1700000000900000000",
    attributes: [{ key: "gen_ai.usage.input_tokens", value: { intValue: "30" } }],
  };

  it("reads one request per line, reporting partly rejected lines", async () => {
    const path = file("o.jsonl", [
      otlpRequest("a".repeat(32), [spanA, spanB]),
      otlpRequest("b".repeat(32), [spanA, { ...spanB, spanId: "zz" }]),
    ]);
    const summary = await ingestFile(store.traces, path);
    expect(summary.format).toBe("otlp-json");
    expect(summary.spans).toBe(3);
    expect(summary.problems).toEqual([{ line: 2, message: expect.stringMatching(/spanId/) }]);
    const got = await store.traces.getTrace("a".repeat(32));
    expect(got?.summary).toMatchObject({
      outcome: "success",
      feedback_score: 1,
      agent: "bot",
      source_format: "otlp",
      span_count: 2,
      started_ms: 1_700_000_000_000,
    });
    const chat = got?.spans.find((s) => s.name === "chat");
    expect(chat?.attributes["gen_ai.usage.input_tokens"]).toBe(30);
  });

  it("maps OpenInference attributes arriving over OTLP and marks the source", async () => {
    const path = file("oi-otlp.jsonl", [
      otlpRequest("e".repeat(32), [
        {
          spanId: "3333333333333333",
          name: "llm",
          startTimeUnixNano: "1700000000000000000",
          attributes: [
            { key: "openinference.span.kind", value: { stringValue: "LLM" } },
            { key: "llm.model_name", value: { stringValue: "claude" } },
            { key: "llm.token_count.prompt", value: { intValue: 9 } },
            { key: "input.value", value: { stringValue: "hello" } },
          ],
        },
      ]),
    ]);
    await ingestFile(store.traces, path);
    const span = (await store.traces.getTrace("e".repeat(32)))?.spans[0];
    expect(span?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "claude",
      "gen_ai.usage.input_tokens": 9,
      "ratchet.source.format": "openinference",
    });
    expect(parse(span?.attributes["gen_ai.input.messages"])).toEqual([
      { role: "user", content: "hello" },
    ]);
  });

  it("reads a whole pretty-printed file", async () => {
    const path = join(dir, "whole.json");
    writeFileSync(path, JSON.stringify(otlpRequest("c".repeat(32), [spanA, spanB]), null, 2));
    const summary = await ingestFile(store.traces, path);
    expect(summary).toMatchObject({ format: "otlp-json", spans: 2, badLines: 0 });
  });
});

describe("OpenInference", () => {
  it("maps Phoenix-style span lines (nested and flat attributes) to GenAI names", async () => {
    const trace = `0x${"d".repeat(32)}`;
    const path = file("oi.jsonl", [
      {
        name: "agent",
        context: { trace_id: trace, span_id: `0x${"1".repeat(16)}` },
        parent_id: null,
        span_kind: "AGENT",
        start_time: "2025-01-01T00:00:00.000Z",
        end_time: "2025-01-01T00:00:02.000Z",
        status_code: "OK",
        attributes: { input: { value: "Where is my order?" }, output: { value: "It shipped." } },
      },
      {
        name: "llm",
        context: { trace_id: trace, span_id: `0x${"2".repeat(16)}` },
        parent_id: `0x${"1".repeat(16)}`,
        span_kind: "LLM",
        start_time: "2025-01-01T00:00:00.100Z",
        end_time: "2025-01-01T00:00:01.000Z",
        attributes: {
          "llm.model_name": "gpt-4o",
          "llm.provider": "openai",
          "llm.token_count.prompt": 21,
          "llm.token_count.completion": 5,
          llm: {
            input_messages: [{ message: { role: "user", content: "Where is my order?" } }],
            output_messages: [
              {
                message: {
                  role: "assistant",
                  tool_calls: [
                    { tool_call: { function: { name: "lookup", arguments: '{"id":1}' } } },
                  ],
                },
              },
            ],
          },
        },
      },
      {
        name: "lookup",
        context: { trace_id: trace, span_id: `0x${"3".repeat(16)}` },
        parent_id: `0x${"1".repeat(16)}`,
        span_kind: "TOOL",
        start_time: "2025-01-01T00:00:01.000Z",
        end_time: "2025-01-01T00:00:01.500Z",
        attributes: { "tool.name": "lookup", "input.value": '{"id":1}', "output.value": "shipped" },
      },
    ]);
    const summary = await ingestFile(store.traces, path);
    expect(summary.format).toBe("openinference");
    const got = await store.traces.getTrace("d".repeat(32));
    const byName = new Map(got?.spans.map((s) => [s.name, s]));
    const agent = byName.get("agent") as Span;
    expect(agent.attributes["gen_ai.operation.name"]).toBe("invoke_agent");
    expect(parse(agent.attributes["gen_ai.input.messages"])).toEqual([
      { role: "user", content: "Where is my order?" },
    ]);
    expect(agent.attributes["input.value"]).toBeUndefined();
    expect(agent.attributes["ratchet.source.format"]).toBe("openinference");
    const llm = byName.get("llm") as Span;
    expect(llm.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.provider.name": "openai",
      "gen_ai.usage.input_tokens": 21,
      "gen_ai.usage.output_tokens": 5,
    });
    expect(parse(llm.attributes["gen_ai.output.messages"])[0].tool_calls[0]).toEqual({
      name: "lookup",
      arguments: '{"id":1}',
    });
    expect(Object.keys(llm.attributes).some((k) => k.startsWith("llm."))).toBe(false);
    const tool = byName.get("lookup") as Span;
    expect(tool.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.arguments": '{"id":1}',
      "gen_ai.tool.call.result": "shipped",
    });
  });
});

describe("tau-bench", () => {
  it("imports the 200 real airline trajectories with reward as outcome and score", async () => {
    const summary = await ingestFile(store.traces, TAUBENCH);
    expect(summary).toMatchObject({ format: "taubench", records: 200, traces: 200, badLines: 0 });
    const all = await store.traces.listTraces();
    expect(all).toHaveLength(200);
    expect(all.filter((t) => t.outcome === "success")).toHaveLength(84);
    expect(all.filter((t) => t.outcome === "failure")).toHaveLength(116);
    expect(all.every((t) => t.feedback_score === (t.outcome === "success" ? 1 : 0))).toBe(true);
    expect(all.every((t) => t.source_format === "taubench")).toBe(true);
    const first = all[0] as (typeof all)[number];
    const trace = await store.traces.getTrace(first.trace_id);
    const spans = trace?.spans ?? [];
    const r = root(spans);
    expect(r.attributes["ratchet.taubench.task_id"]).toMatch(/^\d+$/);
    const tools = spans.filter((s) => s.attributes["gen_ai.operation.name"] === "execute_tool");
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((t) => typeof t.attributes["gen_ai.tool.call.result"] === "string")).toBe(
      true,
    );
    const chats = spans.filter((s) => s.attributes["gen_ai.operation.name"] === "chat");
    expect(chats.length).toBeGreaterThan(0);
    const again = await ingestFile(store.traces, TAUBENCH);
    expect(again.inserted).toBe(0);
  });
});

describe("bad lines do not leak what they hold", () => {
  const key = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";
  const lines = () =>
    file("leaky.jsonl", [
      `{"trace_id": "a", "messages": ${key} }`,
      { ...refundTrace, trace_id: "b", timestamp: `token ${key}` },
      { ...refundTrace, trace_id: "c" },
    ]);
  it("reports neither a cut-off secret from a JSON error nor a secret in a quoted value", async () => {
    const summary = await ingestFile(store.traces, lines(), { format: "jsonl" });
    expect(summary.badLines).toBe(2);
    const text = summary.problems.map((p) => p.message).join("\n");
    expect(text).toMatch(/invalid JSON/);
    expect(text).toMatch(/timestamp/);
    expect(text).not.toContain("sk-proj");
  });
  it("the same with --strict", async () => {
    const error = await ingestFile(store.traces, lines(), { strict: true, format: "jsonl" }).catch(
      (e) => e,
    );
    expect(isInputError(error)).toBe(true);
    expect(String(error.message)).not.toContain("sk-proj");
  });
});
