import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockToolbox } from "../../agents/index.js";
import { type LoadedConfig, loadConfig } from "../../config/index.js";
import { GENAI, type Span } from "../../core/index.js";
import { addPrompt } from "../../prompts/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import {
  problemsOf,
  replayTools,
  runShadow,
  type ShadowDoc,
  type ShadowInputResult,
  summarize,
} from "./index.js";

const EXAMPLE = new URL("../../../examples/support-agent", import.meta.url).pathname;
/** A result no mock in the example gives: seeing it in an answer means the record answered. */
const RECORDED_ETA = "2031-01-17";

let dir: string;
let loaded: LoadedConfig;
let store: Store;
let candidate: string;

function span(
  traceId: string,
  id: string,
  attributes: Span["attributes"],
  extra: Partial<Span> = {},
): Span {
  return {
    trace_id: traceId,
    span_id: id,
    name: String(attributes[GENAI.operation] ?? "span"),
    kind: "internal",
    start_ms: Date.now() - 60_000,
    end_ms: Date.now() - 59_000,
    attributes,
    status: { code: "ok" },
    events: [],
    ...extra,
  };
}

/** A production conversation as the application's spans carry it. */
function trace(
  traceId: string,
  messages: Array<{ role: string; content: string }>,
  output: string | undefined,
  tool?: { args: Record<string, unknown>; result: unknown },
): Span[] {
  const root = span(traceId, `${traceId}-root`, {
    [GENAI.operation]: "invoke_agent",
    "ratchet.agent.name": "support",
    "ratchet.prompt.name": "support",
    "ratchet.prompt.version": "support@0000000000000000",
    "gen_ai.input.messages": JSON.stringify(messages),
    ...(output !== undefined
      ? { "gen_ai.output.messages": JSON.stringify([{ role: "assistant", content: output }]) }
      : {}),
  });
  const spans = [root];
  if (tool) {
    spans.push(
      span(
        traceId,
        `${traceId}-tool`,
        {
          [GENAI.operation]: "execute_tool",
          [GENAI.toolName]: "lookup_order",
          [GENAI.toolArguments]: JSON.stringify(tool.args),
          [GENAI.toolResult]: JSON.stringify(tool.result),
        },
        { parent_span_id: root.span_id },
      ),
    );
  }
  return spans;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-shadow-"));
  cpSync(EXAMPLE, dir, { recursive: true });
  const config = join(dir, "ratchet.yaml");
  writeFileSync(config, readFileSync(config, "utf8").replace("latency_ms: 5", "latency_ms: 0"));
  loaded = await loadConfig(config);
  store = await openSqliteStore(join(dir, "shadow.db"));
  const prompt = readFileSync(join(dir, "prompts/system.md"), "utf8");
  await addPrompt(store, { name: "support", content: prompt, label: "production", actor: "t" });
  const added = await addPrompt(store, {
    name: "support",
    content: `${prompt}\nNever guess: always use the tools before answering, and pass order ids exactly as written, with their ORD- prefix.\n`,
    label: "candidate",
    actor: "t",
  });
  candidate = added.version.hash;
  const ask = (content: string) => [{ role: "user", content }];
  const spans = [
    ...trace("t-order", ask("Where is my order ORD-1001?"), "ORD-1001 has shipped.", {
      args: { order_id: "ORD-1001" },
      result: { order_id: "ORD-1001", status: "shipped", eta: RECORDED_ETA },
    }),
    ...trace("t-policy", ask("What is your return policy?"), "30 days with a receipt."),
    ...trace(
      "t-thanks",
      [
        ...ask("Has ORD-1002 shipped?"),
        { role: "assistant", content: "It is processing." },
        ...ask("ok"),
      ],
      undefined,
    ),
    ...trace("t-silent", [{ role: "system", content: "be nice" }], "Hello!"),
    ...trace("t-unanswered", ask("Hello, anyone there?"), undefined),
  ];
  await store.traces.insertSpans(spans);
}, 60_000);

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("runShadow", () => {
  it("replays production inputs through the challenger with tools answered from the record, and stores the outcome", async () => {
    const doc = await runShadow({ store, loaded, challenger: "support@candidate", sample: 50 });
    expect(doc.selection.by).toBe("prompt");
    expect(doc.summary.considered).toBe(5);
    // t-thanks replays its answered turn ("Has ORD-1002 shipped?"); two traces have nothing to compare.
    expect(doc.summary.replayed).toBe(3);
    expect(doc.summary.skipped).toMatchObject({ no_input: 1, no_output: 1 });
    expect(doc.skips.map((s) => s.trace_id).sort()).toEqual(["t-silent", "t-unanswered"]);

    const order = doc.inputs.find((i) => i.trace_id === "t-order");
    expect(order?.tools.recorded).toBeGreaterThan(0);
    expect(order?.challenger_output).toContain(RECORDED_ETA);
    expect(doc.summary.agent_calls).toBeGreaterThanOrEqual(doc.summary.replayed);
    expect(
      doc.summary.better + doc.summary.worse + doc.summary.ties + doc.summary.judge_errors,
    ).toBe(3);
    expect(doc.champion).toBe("support@0000000000000000");

    const row = await store.shadows.get<ShadowDoc>(doc.id);
    expect(row).toMatchObject({
      status: "completed",
      prompt_name: "support",
      challenger_hash: candidate,
      champion_hash: "0000000000000000",
    });
    expect(row?.finished_at).not.toBeNull();
    expect(row?.doc.inputs).toHaveLength(3);
    expect(await store.shadows.resolveId("latest")).toBe(doc.id);
    expect(await store.shadows.resolveId(doc.id.slice("shadow_".length, 20))).toBe(doc.id);
  }, 60_000);

  it("refuses bad input before storing anything", async () => {
    const before = (await store.shadows.list()).length;
    await expect(
      runShadow({ store, loaded, challenger: "support@nope", sample: 5 }),
    ).rejects.toThrow(/nope/);
    await expect(
      runShadow({ store, loaded, challenger: "support@candidate", sample: 0 }),
    ).rejects.toThrow(/--sample must be a positive integer/);
    await expect(
      runShadow({ store, loaded, challenger: "support@candidate", judgeModel: "nowhere:judge" }),
    ).rejects.toThrow(/--judge|nowhere/);
    expect(await store.shadows.list()).toHaveLength(before);
  }, 30_000);
});

describe("replayTools", () => {
  it("answers from the recorded call, then from mocks, else with a mock error; nothing real runs", () => {
    const fixture = {
      name: "issue_refund",
      description: "",
      parameters: { type: "object", properties: {} },
      responses: [],
      side_effect: true,
    };
    const tools = replayTools(
      "t-9",
      [fixture],
      [{ name: "issue_refund", arguments: { order_id: "ORD-7" }, result: { refund_id: "RF-REC" } }],
    );
    expect(tools.sourceOf("issue_refund", { order_id: "ORD-7" })).toBe("recorded");
    expect(tools.sourceOf("issue_refund", { order_id: "ORD-8" })).toBe("unanswered");
    expect(tools.sourceOf("send_email", {})).toBe("unanswered");
    const box = new MockToolbox(tools.fixtures);
    expect(box.call("1", "issue_refund", { order_id: "ORD-7" })).toMatchObject({
      result: { refund_id: "RF-REC" },
      isError: false,
    });
    const missing = box.call("2", "issue_refund", { order_id: "ORD-8" });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.result)).toMatch(/trace t-9 recorded no result of issue_refund/);
  });
});

describe("summarize", () => {
  const input = (outcome: ShadowInputResult["outcome"], i: number): ShadowInputResult => ({
    trace_id: `t${i}`,
    input: "q",
    champion_output: "a",
    challenger_output: "b",
    outcome,
    flip: false,
    graders: [{ grader: "no-pii", champion: true, challenger: outcome !== "worse" }],
    tools: { recorded: 1, mock: 0, unanswered: 0 },
    agent_calls: 2,
    cost_usd: 0.001,
    latency_ms: 5,
  });
  const doc = (outcomes: ShadowInputResult["outcome"][]) => ({
    inputs: outcomes.map(input),
    skips: [{ trace_id: "x", reason: "no_input" as const }],
    graders: ["no-pii"],
  });

  it("calls a challenger worse only beyond noise, and that is a problem", () => {
    const worse = summarize(doc(Array(12).fill("worse")), 20, 13, 100);
    expect(worse.verdict).toBe("worse");
    expect(worse.win_rate).toBe(0);
    expect(worse.win_rate_ci?.upper).toBeLessThan(0.5);
    expect(worse.skipped.no_input).toBe(1);
    expect(worse.agent_calls).toBe(24);
    const problems = problemsOf(worse);
    expect(problems.some((p) => /worse than the recorded champion beyond noise/.test(p))).toBe(
      true,
    );
    expect(
      problems.some((p) =>
        /^no-pii: the challenger failed 12 inputs the recorded champion passed/.test(p),
      ),
    ).toBe(true);

    const close = summarize(doc(["worse", "better", "worse", "tie", "better"]), 20, 6, 100);
    expect(close.verdict).toBe("no_difference");
    expect(close.win_rate).toBeCloseTo(0.5);
    expect(problemsOf(close)).toEqual([]);

    const ties = summarize(doc(["tie", "tie"]), 20, 3, 100);
    expect(ties.win_rate).toBeUndefined();
    expect(ties.verdict).toBe("no_difference");
  });
});
