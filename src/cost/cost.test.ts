import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Span } from "../core/index.js";
import { insertSpans } from "../mining/test-support/traces.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { sampleAttempt, sampleRun, sampleSpan } from "../store/test-support/samples.js";
import { type CostReport, costReport, rollUpReport } from "./index.js";

const DAY1 = Date.parse("2026-03-01T12:00:00Z");
const DAY2 = Date.parse("2026-03-02T12:00:00Z");

const span = sampleSpan;

const chat = (model: string, provider: string, extra: Span["attributes"]) => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.request.model": model,
  "gen_ai.provider.name": provider,
  ...extra,
});

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-cost-"));
  const db = join(dir, "r.db");
  store = await openSqliteStore(db);
  await store.createRun(
    sampleRun({ id: "run_eval", purpose: "evaluation", prompt_version: "pv_a" }),
  );
  await store.createRun(
    sampleRun({ id: "run_opt", purpose: "optimization", prompt_version: "pv_b" }),
  );
  // Evaluation: the root repeats the total (0.03); only the two chat calls may count.
  insertSpans(
    db,
    [
      span("e1", "r", undefined, "invoke_agent support", DAY1, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "support",
        "ratchet.cost.usd": 0.03,
        "gen_ai.usage.input_tokens": 3000,
      }),
      span(
        "e1",
        "c1",
        "r",
        "chat gpt-4o-mini",
        DAY1,
        chat("gpt-4o-mini", "openai", {
          "ratchet.cost.usd": 0.01,
          "gen_ai.usage.input_tokens": 1000,
        }),
      ),
      span(
        "e1",
        "c2",
        "r",
        "chat gpt-4o-mini",
        DAY1,
        chat("gpt-4o-mini", "openai", {
          "ratchet.cost.usd": 0.02,
          "gen_ai.usage.input_tokens": 2000,
        }),
      ),
      span("e1", "t1", "r", "execute_tool lookup_order", DAY1, {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "lookup_order",
      }),
    ],
    { source: "eval", runId: "run_eval" },
  );
  insertSpans(
    db,
    [
      span("o1", "r", undefined, "invoke_agent support", DAY1, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "support",
        "ratchet.cycle.id": "cyc_1",
      }),
      span(
        "o1",
        "c1",
        "r",
        "chat gpt-4o",
        DAY1,
        chat("gpt-4o", "openai", { "ratchet.cost.usd": 0.5 }),
      ),
    ],
    { source: "eval", runId: "run_opt" },
  );
  insertSpans(db, [
    // Priced from tokens: 1000 × $2.50/M + 200 × $10/M = $0.0045.
    span("p1", "r", undefined, "invoke_agent support", DAY1, {
      "gen_ai.operation.name": "invoke_agent",
      "ratchet.agent.name": "support",
      "ratchet.prompt.version": "pv_prod",
    }),
    span(
      "p1",
      "c1",
      "r",
      "chat gpt-4o",
      DAY1,
      chat("gpt-4o", "openai", {
        "gen_ai.usage.input_tokens": 1000,
        "gen_ai.usage.output_tokens": 200,
      }),
    ),
    // A paid tool call with its own recorded cost.
    span("p1", "t1", "r", "execute_tool lookup_weather", DAY1, {
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup_weather",
      "ratchet.cost.usd": 0.001,
    }),
    span("p2", "r", undefined, "invoke_agent billing", DAY2, {
      "gen_ai.operation.name": "invoke_agent",
      "ratchet.agent.name": "billing",
    }),
    span(
      "p2",
      "c1",
      "r",
      "chat claude-sonnet-4-5",
      DAY2,
      chat("claude-sonnet-4-5", "anthropic", {
        "ratchet.cost.usd": 0.2,
        "gen_ai.usage.input_tokens": 10,
      }),
    ),
    // No known price.
    span("p3", "r", undefined, "invoke_agent billing", DAY2, {
      "gen_ai.operation.name": "invoke_agent",
      "ratchet.agent.name": "billing",
    }),
    span(
      "p3",
      "c1",
      "r",
      "chat acme-llm",
      DAY2,
      chat("acme-llm", "acme", {
        "gen_ai.usage.input_tokens": 500,
        "gen_ai.usage.output_tokens": 500,
      }),
    ),
    // No chat spans: the agent span carries usage. 2000 × $0.15/M + 100 × $0.60/M = $0.00036.
    span("p4", "r", undefined, "invoke_agent legacy", DAY1, {
      "gen_ai.operation.name": "invoke_agent",
      "ratchet.agent.name": "legacy",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.provider.name": "openai",
      "gen_ai.usage.input_tokens": 2000,
      "gen_ai.usage.output_tokens": 100,
    }),
  ]);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function table(report: CostReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of report.rows)
    out[report.by.map((d) => r.key[d]).join("|")] = Number(r.cost_usd.toFixed(9));
  return out;
}

describe("cost rollups", () => {
  it("keeps evaluation, optimization and production apart and never counts a total twice", async () => {
    const report = await costReport(store, { by: ["purpose"] });
    expect(table(report)).toEqual({
      evaluation: 0.03,
      optimization: 0.5,
      production: Number((0.0045 + 0.001 + 0.2 + 0.00036).toFixed(9)),
    });
    expect(report.total.unpriced_calls).toBe(1);
  });

  it("by model (purpose always first), pricing token-only calls from the model", async () => {
    expect(table(await costReport(store, { by: ["model"] }))).toEqual({
      "evaluation|gpt-4o-mini": 0.03,
      "optimization|gpt-4o": 0.5,
      "production|claude-sonnet-4-5": 0.2,
      "production|gpt-4o": 0.0045,
      "production|-": 0.001,
      "production|gpt-4o-mini": 0.00036,
      "production|acme-llm": 0,
    });
  });

  it("config prices win and fill unknown models", async () => {
    const report = await costReport(store, {
      by: ["model"],
      purpose: "production",
      pricing: { token_pricing: { "acme-llm": { input_per_million: 1, output_per_million: 2 } } },
    });
    expect(table(report)["acme-llm"]).toBe(0.0015);
    expect(report.total.unpriced_calls).toBe(0);
  });

  it("by agent, day, tool, span, run, prompt version and cycle", async () => {
    expect(table(await costReport(store, { by: ["agent"] }))).toEqual({
      "evaluation|support": 0.03,
      "optimization|support": 0.5,
      "production|support": 0.0055,
      "production|billing": 0.2,
      "production|legacy": 0.00036,
    });
    expect(table(await costReport(store, { by: ["day"], purpose: "production" }))).toEqual({
      "2026-03-01": Number((0.0045 + 0.001 + 0.00036).toFixed(9)),
      "2026-03-02": 0.2,
    });
    const tools = table(await costReport(store, { by: ["tool"], purpose: "production" }));
    expect(tools.lookup_weather).toBe(0.001);
    const spans = table(await costReport(store, { by: ["span"], purpose: "evaluation" }));
    expect(spans).toEqual({ "chat gpt-4o-mini": 0.03 });
    expect(table(await costReport(store, { by: ["run"] }))).toMatchObject({
      "evaluation|run_eval": 0.03,
      "optimization|run_opt": 0.5,
    });
    expect(table(await costReport(store, { by: ["prompt_version"] }))).toMatchObject({
      "evaluation|pv_a": 0.03,
      "optimization|pv_b": 0.5,
      "production|pv_prod": 0.0055,
    });
    expect(table(await costReport(store, { by: ["cycle"] }))).toMatchObject({
      "optimization|cyc_1": 0.5,
    });
  });

  it("a fine report rolled up to one dimension equals the report asked by it", async () => {
    const fine = await costReport(store, { by: ["purpose", "model", "agent", "day"] });
    for (const by of [
      ["purpose"],
      ["purpose", "model"],
      ["purpose", "agent"],
      ["purpose", "day"],
    ] as const) {
      expect(rollUpReport(fine, [...by]), by.join()).toEqual(
        await costReport(store, { by: [...by] }),
      );
    }
    expect(() => rollUpReport(fine, ["tool"])).toThrow(/cannot roll up to tool/);
  });

  it("--since drops older spans", async () => {
    const report = await costReport(store, { by: ["purpose"], sinceMs: DAY2 - 1000 });
    expect(table(report)).toEqual({ production: 0.2 });
  });
});

describe("cost by agent in a multi-agent trace", () => {
  let multiDir: string;
  let multi: Store;
  beforeAll(async () => {
    multiDir = mkdtempSync(join(tmpdir(), "ratchet-cost-agents-"));
    const db = join(multiDir, "r.db");
    multi = await openSqliteStore(db);
    const cost = (usd: number, extra: Span["attributes"] = {}) =>
      chat("gpt-4o", "openai", { "ratchet.cost.usd": usd, ...extra });
    insertSpans(db, [
      span("m1", "root", undefined, "invoke_agent triage", DAY1, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "triage",
        "ratchet.agent.name": "triage",
      }),
      span("m1", "c0", "root", "chat gpt-4o", DAY1, cost(0.01)),
      span("m1", "bill", "root", "invoke_agent billing", DAY1, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "billing",
      }),
      // Two levels under billing, through a span that names no agent.
      span("m1", "step", "bill", "plan refund", DAY1, {}),
      span("m1", "c1", "step", "chat gpt-4o", DAY1, cost(0.05)),
      // A call that names its own agent wins over its ancestors'.
      span("m1", "c2", "bill", "chat gpt-4o", DAY1, cost(0.02, { "gen_ai.agent.name": "refunds" })),
      // Its parent never arrived: the trace's agent.
      span("m1", "c3", "lost", "chat gpt-4o", DAY1, cost(0.004)),
    ]);
  });
  afterAll(async () => {
    await multi.close();
    rmSync(multiDir, { recursive: true, force: true });
  });

  it("charges each LLM call to its own agent, else the nearest ancestor's", async () => {
    expect(table(await costReport(multi, { by: ["agent"] }))).toEqual({
      "production|triage": 0.014,
      "production|billing": 0.05,
      "production|refunds": 0.02,
    });
  });
});

// costGroups walks up to an agent once per distinct parent (shared by siblings), keyed by
// source, trace, attempt and parent span: these cases would catch a walk that mixed them up.
describe("cost by agent: shared parents, attempts, sources and windows kept apart", () => {
  let keyDir: string;
  let keyed: Store;
  const DAY0 = DAY1 - 86_400_000;
  beforeAll(async () => {
    keyDir = mkdtempSync(join(tmpdir(), "ratchet-cost-keys-"));
    const db = join(keyDir, "r.db");
    keyed = await openSqliteStore(db);
    await keyed.createRun(sampleRun({ id: "run_k", purpose: "evaluation" }));
    const cost = (usd: number, extra: Span["attributes"] = {}) =>
      chat("gpt-4o", "openai", { "ratchet.cost.usd": usd, ...extra });
    // Two attempts replaying the same trace and span ids, under differently named agents.
    for (const [n, agent, usd] of [
      [0, "alpha", 0.1],
      [1, "beta", 0.2],
    ] as const) {
      const attempt = { ...sampleAttempt("run_k", `case-${n}`, 0, "m", n), spans: [] };
      await keyed.saveAttempt(attempt);
      insertSpans(
        db,
        [
          span("same", "root", undefined, "invoke_agent", DAY1, {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": "root",
          }),
          span("same", "sub", "root", "invoke_agent", DAY1, {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": agent,
          }),
          span("same", "c1", "sub", "chat gpt-4o", DAY1, cost(usd)),
          // A sibling naming its own agent: its parent is walked for c1 only.
          span("same", "c2", "sub", "chat gpt-4o", DAY1, cost(usd, { "gen_ai.agent.name": "own" })),
        ],
        { source: "eval", runId: "run_k", attemptId: attempt.id },
      );
    }
    // The same ids in an evaluation span with no attempt (as production spans have none).
    insertSpans(
      db,
      [
        span("same", "sub", undefined, "invoke_agent", DAY1, {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "eval-sub",
        }),
        span("same", "c1", "sub", "chat gpt-4o", DAY1, cost(0.05)),
      ],
      { source: "eval", runId: "run_k" },
    );
    insertSpans(db, [
      // The same ids in production, under yet another agent.
      span("same", "root", undefined, "invoke_agent", DAY1, {
        "gen_ai.operation.name": "invoke_agent",
        "ratchet.agent.name": "prod-root",
      }),
      span("same", "sub", "root", "invoke_agent", DAY1, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "prod-sub",
      }),
      span("same", "c1", "sub", "chat gpt-4o", DAY1, cost(0.4)),
      span("same", "c2", "sub", "chat gpt-4o", DAY1, cost(0.8)),
      // Ancestors a day older than the calls: outside a window that starts at DAY1, and still
      // the calls' agents.
      span("old", "root", undefined, "invoke_agent", DAY0, {
        "gen_ai.operation.name": "invoke_agent",
        "ratchet.agent.name": "old-root",
      }),
      span("old", "sub", "root", "invoke_agent", DAY0, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "old-sub",
      }),
      span("old", "c1", "sub", "chat gpt-4o", DAY1, cost(1.6)),
      span("old", "c2", "root", "chat gpt-4o", DAY1, cost(3.2)),
      // No LLM call spans: the topmost spans with usage count, and a tool's recorded cost
      // counts on its own; the agent comes from the nearest named ancestor.
      span("nollm", "root", undefined, "invoke_agent", DAY1, {
        "gen_ai.operation.name": "invoke_agent",
        "ratchet.agent.name": "outer",
      }),
      span("nollm", "a", "root", "invoke_agent inner", DAY1, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "inner",
      }),
      span("nollm", "w", "a", "work", DAY1, { "ratchet.cost.usd": 6.4 }),
      span("nollm", "w2", "w", "work part", DAY1, { "ratchet.cost.usd": 6.4 }),
      span("nollm", "t", "w", "execute_tool search", DAY1, {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "search",
        "ratchet.cost.usd": 12.8,
      }),
    ]);
  });
  afterAll(async () => {
    await keyed.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it("finds each call's agent in its own attempt and source", async () => {
    expect(table(await costReport(keyed, { by: ["agent"] }))).toEqual({
      "evaluation|alpha": 0.1,
      "evaluation|beta": 0.2,
      "evaluation|own": 0.3,
      "evaluation|eval-sub": 0.05,
      "production|prod-sub": 1.2,
      "production|old-sub": 1.6,
      "production|old-root": 3.2,
      "production|inner": 19.2,
    });
  });

  it("walks to ancestors outside the window", async () => {
    const report = await costReport(keyed, { by: ["agent"], sinceMs: DAY1 - 1000 });
    expect(table(report)).toMatchObject({
      "production|old-sub": 1.6,
      "production|old-root": 3.2,
    });
  });
});
