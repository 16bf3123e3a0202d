import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isInputError, type Span } from "../core/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { ingestFile } from "./index.js";

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-ingest-shapes-"));
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

const rootOf = (spans: Span[]) => spans.find((s) => s.parent_span_id === undefined) as Span;
const messages = (span: Span, key: string) =>
  JSON.parse(String(span.attributes[key])) as Array<{ role: string; content: string }>;

describe("generic JSONL keeps what follows the last assistant turn", () => {
  it("a final user correction stays in the root's messages, after the answer", async () => {
    const path = file("c.jsonl", [
      {
        trace_id: "corr",
        messages: [
          { role: "user", content: "Book the 9am flight" },
          { role: "assistant", content: "Booked the 9pm flight." },
          { role: "user", content: "No, I said 9am, not 9pm." },
        ],
      },
    ]);
    await ingestFile(store.traces, path);
    const root = rootOf((await store.traces.getTrace("corr"))?.spans ?? []);
    const conversation = [
      ...messages(root, "gen_ai.input.messages"),
      ...messages(root, "gen_ai.output.messages"),
    ];
    expect(conversation.map((m) => `${m.role}: ${m.content}`)).toEqual([
      "user: Book the 9am flight",
      "assistant: Booked the 9pm flight.",
      "user: No, I said 9am, not 9pm.",
    ]);
  });
});

describe("generic JSONL: simple rows of common exports", () => {
  it("{input, output} without an id: accepted, with an id from the content; re-ingest adds nothing", async () => {
    const path = file("rows.jsonl", [
      { input: "What is the capital of France?", output: "Paris." },
      { input: "2+2?", output: "4" },
    ]);
    const first = await ingestFile(store.traces, path);
    expect(first).toMatchObject({ format: "jsonl", records: 2, traces: 2, badLines: 0 });
    const ids = (await store.traces.listTraces()).map((t) => t.trace_id);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    const again = await ingestFile(store.traces, path);
    expect(again).toMatchObject({ records: 2, inserted: 0 });
    expect(await store.traces.countTraces()).toBe(2);
  });

  it("{id, input: {messages}, output: {content}, metadata, error, tools}: all kept", async () => {
    const path = file("export.jsonl", [
      {
        id: "run-7",
        input: { messages: [{ role: "user", content: "cancel order 9" }] },
        output: { content: "I could not cancel it." },
        metadata: { agent: "orders", model: "gpt-4o-mini" },
        error: { message: "OrderService timeout" },
        tools: [{ name: "cancel_order", arguments: { order: 9 }, error: "timeout after 30 s" }],
      },
    ]);
    await ingestFile(store.traces, path);
    const got = await store.traces.getTrace("run-7");
    expect(got?.summary).toMatchObject({ outcome: "error", agent: "orders" });
    const spans = got?.spans ?? [];
    const root = rootOf(spans);
    expect(root.status).toEqual({ code: "error", message: "OrderService timeout" });
    expect(messages(root, "gen_ai.input.messages")).toEqual([
      { role: "user", content: "cancel order 9" },
    ]);
    expect(messages(root, "gen_ai.output.messages")).toEqual([
      { role: "assistant", content: "I could not cancel it." },
    ]);
    const tool = spans.find((s) => s.attributes["gen_ai.operation.name"] === "execute_tool");
    expect(tool?.attributes).toMatchObject({
      "gen_ai.tool.name": "cancel_order",
      "gen_ai.tool.call.arguments": '{"order":9}',
    });
    expect(tool?.status).toEqual({ code: "error", message: "timeout after 30 s" });
  });

  it("LangSmith-style {inputs, outputs} objects become one user and one assistant turn", async () => {
    const path = file("ls.jsonl", [
      { trace_id: "ls-1", inputs: { question: "hi?" }, outputs: { answer: "hello" } },
    ]);
    await ingestFile(store.traces, path);
    const root = rootOf((await store.traces.getTrace("ls-1"))?.spans ?? []);
    expect(messages(root, "gen_ai.input.messages")).toEqual([{ role: "user", content: "hi?" }]);
    expect(messages(root, "gen_ai.output.messages")).toEqual([
      { role: "assistant", content: "hello" },
    ]);
  });
});

describe("tau-bench demonstration and few-shot shapes", () => {
  const demo = {
    task_id: null,
    reward: null,
    messages: [
      { role: "user", content: "change my flight" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { arguments: '{"user_id":"u1"}' } },
        ],
      },
      { role: "tool", name: "get_user_details", tool_call_id: "call_1", content: '{"name":"Ann"}' },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_2", function: { arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "call_2", content: "ok" },
      { role: "assistant", content: "Done." },
    ],
  };

  it("null task_id and reward and unnamed tool calls are accepted as they are", async () => {
    const path = file("few_shot.jsonl", [demo, { ...demo, messages: demo.messages.slice(0, 3) }]);
    const summary = await ingestFile(store.traces, path);
    expect(summary).toMatchObject({ format: "taubench", records: 2, badLines: 0 });
    const traces = await store.traces.listTraces();
    expect(traces).toHaveLength(2);
    expect(traces.every((t) => t.outcome === undefined && t.feedback_score === undefined)).toBe(
      true,
    );
    const full = await Promise.all(traces.map((t) => store.traces.getTrace(t.trace_id)));
    const tools = full
      .flatMap((t) => t?.spans ?? [])
      .filter((s) => s.attributes["gen_ai.operation.name"] === "execute_tool")
      .map((s) => `${s.attributes["gen_ai.tool.name"]} ${s.attributes["gen_ai.tool.call.result"]}`)
      .sort();
    expect(tools).toEqual([
      'get_user_details {"name":"Ann"}',
      'get_user_details {"name":"Ann"}',
      "unnamed_tool ok",
    ]);
    expect(summary.problems.map((p) => p.message)).toEqual([
      "1 tool call without a name kept as unnamed_tool",
    ]);
    expect((await ingestFile(store.traces, path)).inserted).toBe(0);
  });

  it("tau-bench's raw file shape: a JSON array of {task_id, reward, traj}", async () => {
    const path = join(dir, "raw.json");
    const row = (task: number, reward: number) => ({
      task_id: task,
      reward,
      trial: 0,
      info: { task: { user_id: "mia_li_3668" } },
      traj: demo.messages.slice(0, 3).map((m) =>
        m.tool_calls
          ? {
              ...m,
              tool_calls: [
                { ...m.tool_calls[0], function: { name: "get_user_details", arguments: "{}" } },
              ],
            }
          : m,
      ),
    });
    writeFileSync(path, JSON.stringify([row(0, 1), row(1, 0)], null, 2));
    const summary = await ingestFile(store.traces, path);
    expect(summary).toMatchObject({ format: "taubench", records: 2, traces: 2, badLines: 0 });
    const outcomes = (await store.traces.listTraces()).map((t) => t.outcome).sort();
    expect(outcomes).toEqual(["failure", "success"]);
  });
});

describe("a file whose every line is rejected", () => {
  it("is bad input: an error naming file:line and the accepted formats, nothing stored", async () => {
    const path = file("wrong.jsonl", [
      { trace_id: "a", messages: "not a list" },
      { trace_id: "b", messages: [{ content: "no role" }] },
    ]);
    const error = await ingestFile(store.traces, path, { format: "jsonl" }).catch((e) => e);
    expect(isInputError(error)).toBe(true);
    const text = String(error.message);
    expect(text).toMatch(/wrong\.jsonl:1: `messages` must be an array/);
    expect(text).toMatch(/wrong\.jsonl:2: messages\[0\]\.role is missing/);
    expect(text).toMatch(/accepted formats/);
    expect(text).toMatch(/taubench/);
    expect(await store.traces.countTraces()).toBe(0);
  });

  it("an unknown shape names its keys and the accepted formats", async () => {
    const path = file("odd.jsonl", [{ prompt_text: "x", completion_text: "y" }]);
    const error = await ingestFile(store.traces, path).catch((e) => e);
    expect(isInputError(error)).toBe(true);
    expect(String(error.message)).toMatch(/keys: prompt_text, completion_text/);
    expect(String(error.message)).toMatch(/accepted formats/);
  });
});

describe("docs/traces-jsonl.md", () => {
  it("every example line in it is accepted", async () => {
    const doc = readFileSync(
      fileURLToPath(new URL("../../docs/traces-jsonl.md", import.meta.url)),
      "utf8",
    );
    const examples = doc.split("\n").filter((l) => l.startsWith('{"'));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    const summary = await ingestFile(store.traces, file("doc.jsonl", examples));
    expect(summary).toMatchObject({ records: examples.length, badLines: 0 });
  });
});
