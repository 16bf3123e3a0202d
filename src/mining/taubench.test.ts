import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Span } from "../core/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { buildDetectors, mineFailures } from "./index.js";
import { insertSpans } from "./test-support/traces.js";

const FILE = fileURLToPath(
  new URL("../../../shared/data/taubench/airline-gpt4o.jsonl", import.meta.url),
);

interface TauMessage {
  role: string;
  content: string | null;
  tool_calls?: Array<{ id: string; name: string; arguments: unknown }>;
}
interface TauRow {
  task_id: number;
  trial: number;
  reward: number;
  messages: TauMessage[];
}

/** A tau-bench row as the production contract describes a trace (the importer's job later). */
function toSpans(row: TauRow, index: number, t0: number): Span[] {
  const traceId = `${index.toString(16).padStart(8, "0")}${"ab".repeat(12)}`;
  const rootId = `${index.toString(16).padStart(8, "0")}00000000`;
  let n = 0;
  const spans: Span[] = [
    {
      trace_id: traceId,
      span_id: rootId,
      name: "invoke_agent airline",
      kind: "server",
      start_ms: t0,
      end_ms: t0 + 60_000,
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "ratchet.agent.name": "airline",
        "ratchet.trace.outcome": row.reward >= 1 ? "success" : "failure",
        "ratchet.feedback.score": row.reward,
        "ratchet.source.format": "taubench",
      },
      status: { code: "ok" },
      events: [],
    },
  ];
  const history: Array<{ role: string; content: string }> = [];
  const pending = new Map<number, { name: string; args: unknown }>();
  row.messages.forEach((m, i) => {
    const content = m.content ?? "";
    if (m.role === "assistant") {
      spans.push({
        trace_id: traceId,
        span_id: `${rootId.slice(0, 8)}${(++n).toString(16).padStart(8, "0")}`,
        parent_span_id: rootId,
        name: "chat gpt-4o",
        kind: "client",
        start_ms: t0 + i * 100,
        end_ms: t0 + i * 100 + 50,
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": "openai",
          "gen_ai.request.model": "gpt-4o",
          "gen_ai.input.messages": JSON.stringify(history),
          "gen_ai.output.messages": JSON.stringify([{ role: "assistant", content }]),
        },
        status: { code: "ok" },
        events: [],
      });
      for (const call of m.tool_calls ?? [])
        pending.set(i, { name: call.name, args: call.arguments });
    }
    if (m.role === "tool") {
      const call = [...pending.values()].at(-1);
      spans.push({
        trace_id: traceId,
        span_id: `${rootId.slice(0, 8)}${(++n).toString(16).padStart(8, "0")}`,
        parent_span_id: rootId,
        name: `execute_tool ${call?.name ?? "tool"}`,
        kind: "internal",
        start_ms: t0 + i * 100,
        end_ms: t0 + i * 100 + 10,
        attributes: {
          "gen_ai.operation.name": "execute_tool",
          "gen_ai.tool.name": call?.name ?? "tool",
          "gen_ai.tool.call.arguments": JSON.stringify(call?.args ?? {}),
          "gen_ai.tool.call.result": content,
        },
        status: { code: "ok" },
        events: [],
      });
    }
    if (m.role !== "system") history.push({ role: m.role, content });
  });
  return spans;
}

describe.skipIf(!existsSync(FILE))("tau-bench airline traces (gpt-4o, 200 conversations)", () => {
  let dir: string;
  let store: Store;
  let rows: TauRow[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-tau-"));
    const dbPath = join(dir, "ratchet.db");
    store = await openSqliteStore(dbPath);
    rows = readFileSync(FILE, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as TauRow);
    const t0 = Date.parse("2026-02-01T00:00:00Z");
    insertSpans(
      dbPath,
      rows.flatMap((row, i) => toSpans(row, i, t0 + i * 3_600_000)),
    );
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds exactly the failed tasks, the escalations and the tool errors", async () => {
    const counts = await mineFailures(store, { since: 0, detectors: buildDetectors() });
    expect(counts.traces).toBe(rows.length);
    const all = await store.failures.list({
      status: ["new", "accepted", "dismissed", "duplicate"],
    });
    const byDetector = (name: string) =>
      new Set(all.filter((f) => f.detector === name).map((f) => f.trace_id));

    const failed = rows.filter((r) => r.reward < 1).length;
    expect(byDetector("outcome-failure").size).toBe(failed);
    expect(byDetector("low-feedback-score").size).toBe(failed); // reward 0 < 0.5

    const escalated = rows.filter((r) =>
      r.messages.some((m) => m.tool_calls?.some((c) => c.name === "transfer_to_human_agents")),
    ).length;
    expect(escalated).toBeGreaterThan(0);
    expect(byDetector("escalation").size).toBe(escalated);

    const toolErrors = rows.filter((r) =>
      r.messages.some((m) => m.role === "tool" && /^\s*error\b/i.test(m.content ?? "")),
    ).length;
    expect(byDetector("tool-error").size).toBe(toolErrors);

    // Near-identical tool errors collapse: fewer originals than tool-error traces.
    const originals = all.filter((f) => f.detector === "tool-error" && f.duplicate_of === null);
    expect(originals.length).toBeLessThan(toolErrors);
    expect(originals.reduce((sum, f) => sum + f.count, 0)).toBe(
      all.filter((f) => f.detector === "tool-error").length,
    );

    // The top of the list is a validation failure (high × 1.0), above business metrics.
    const top = await store.failures.list({ limit: 5 });
    expect(top[0]?.signal_type).toBe("hard_error");
    expect(top[0]?.input.length).toBeGreaterThan(0);
  });
});
