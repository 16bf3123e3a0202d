import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrace, insertSpans, traceId } from "../../mining/test-support/traces.js";
import { openSqliteStore } from "../../store/index.js";
import { type CliRun, runCli } from "../test-support.js";

let dir: string;
let config: string;

function run(args: string[]): Promise<CliRun> {
  return runCli(...args, "-c", config);
}

const now = Date.now();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-cli-failures-"));
  config = join(dir, "ratchet.yaml");
  writeFileSync(
    config,
    "store:\n  path: r.db\nmining:\n  disable: [low-feedback-score]\n  recurrence_threshold: 2\n",
  );
  const db = join(dir, "r.db");
  (await openSqliteStore(db)).close();
  const base = {
    messages: [
      { role: "user", content: "Where is order 8812?" },
      { role: "assistant", content: "Sorry, I'm unable to look that up." },
    ],
  };
  for (const [i, order] of ["8812", "1204", "77"].entries()) {
    insertSpans(
      db,
      buildTrace({
        ...base,
        traceId: traceId(`o${i}`),
        startMs: now - (i + 1) * 3_600_000,
        outcome: "success",
        costUsd: 0.01,
        tools: [
          { name: "get_order", args: { id: order }, result: `Error: order ${order} not found` },
        ],
      }),
    );
  }
  insertSpans(
    db,
    buildTrace({
      ...base,
      traceId: traceId("fix"),
      startMs: now - 60_000,
      outcome: "error",
      chatError: "provider returned 500",
      correction: "It was order 8821",
      inputTokens: 1000,
      outputTokens: 200,
    }),
  );
  // Old: outside --since 7d.
  insertSpans(
    db,
    buildTrace({
      ...base,
      traceId: traceId("old"),
      startMs: now - 30 * 86_400_000,
      outcome: "abandoned",
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ratchet failures / cost", () => {
  it("mine, list, show, triage end to end", async () => {
    const bad = await run(["failures", "mine", "--since", "last week"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--since/);

    const mined = await run(["failures", "mine", "--since", "7d", "--json"]);
    expect(mined.code).toBe(0);
    const counts = JSON.parse(mined.out) as { traces: number; new: number; duplicates: number };
    expect(counts.traces).toBe(4);
    expect(counts.duplicates).toBe(2);

    const list = await run(["failures", "list", "--since", "7d", "--top", "50", "--json"]);
    const rows = list.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; detector: string; count: number; score: number });
    // Recurrence lifts the medium tool error seen 3 times (0.5 × 1 × (1 + log2 3) ≈ 1.29) above
    // the single critical error outcome (1 × 1 × 1).
    expect(rows[0]?.detector).toBe("tool-error");
    expect(rows[1]?.detector).toBe("outcome-error");
    const toolError = rows.find((r) => r.detector === "tool-error");
    expect(toolError?.count).toBe(3);
    expect(rows.map((r) => r.detector)).not.toContain("low-feedback-score");
    expect(rows.map((r) => r.detector)).not.toContain("abandoned");
    const scores = rows.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const table = await run(["failures", "list"]);
    expect(table.out).toMatch(/write an eval case/);

    const show = await run(["failures", "show", toolError?.id ?? ""]);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/why it ranks here/);
    expect(show.out).toMatch(/seen 3 times/);
    expect(show.out).toMatch(/duplicates \(2\)/);

    const triaged = await run([
      "failures",
      "triage",
      toolError?.id ?? "",
      "accepted",
      "--by",
      "alice",
      "--note",
      "real",
    ]);
    expect(triaged.code).toBe(0);
    await run(["failures", "triage", toolError?.id ?? "", "dismissed", "--by", "bob"]);
    const after = await run(["failures", "show", toolError?.id ?? ""]);
    expect(after.out).toMatch(/accepted by alice — real[\s\S]*dismissed by bob/);
    const wrong = await run(["failures", "triage", toolError?.id ?? "", "fixed", "--by", "alice"]);
    expect(wrong.code).toBe(2);
    const missing = await run(["failures", "show", "fail_nothere"]);
    expect(missing.code).toBe(2);
  });

  it("--db points mine, list, show and triage at another store", async () => {
    const other = join(dir, "other.db");
    (await openSqliteStore(other)).close();
    const only = traceId("elsewhere");
    insertSpans(
      other,
      buildTrace({
        traceId: only,
        startMs: now - 60_000,
        outcome: "failure",
        messages: [
          { role: "user", content: "Book seat 4A." },
          { role: "assistant", content: "Seat 4A is booked." },
        ],
      }),
    );
    const mined = await run(["failures", "mine", "--db", other, "--json"]);
    expect(mined.err).toBe("");
    expect(mined.code).toBe(0);
    expect((JSON.parse(mined.out) as { traces: number }).traces).toBe(1);
    const list = await run(["failures", "list", "--db", other, "--json"]);
    expect(list.code).toBe(0);
    const rows = list.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; trace_id: string });
    expect(rows.map((r) => r.trace_id)).toEqual([only]);
    const id = rows[0]?.id ?? "";
    const show = await run(["failures", "show", id, "--db", other]);
    expect(show.code).toBe(0);
    expect(show.out).toContain(only);
    const triaged = await run(["failures", "triage", id, "dismissed", "--by", "al", "--db", other]);
    expect(triaged.code).toBe(0);
    // The config's own store never saw that failure.
    expect((await run(["failures", "show", id])).code).toBe(2);
  });

  it("cost by model, agent and day in every format", async () => {
    const json = await run([
      "cost",
      "--by",
      "model,agent,day",
      "--since",
      "7d",
      "--format",
      "json",
    ]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as { by: string[]; total: { cost_usd: number } };
    expect(report.by).toEqual(["purpose", "model", "agent", "day"]);
    // Three recorded $0.01 calls + 1000 × $2.50/M + 200 × $10/M for the unrecorded one.
    expect(report.total.cost_usd).toBeCloseTo(0.03 + 0.0045, 9);
    const csv = await run(["cost", "--by", "model", "--format", "csv", "--purpose", "production"]);
    expect(csv.out.split("\n")[0]).toBe(
      "model,cost_usd,recorded_usd,input_tokens,output_tokens,calls,unpriced_calls",
    );
    const tableOut = await run(["cost", "--by", "agent"]);
    expect(tableOut.out).toMatch(/production\s+support/);
    const bad = await run(["cost", "--by", "modle"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--by/);
    const badSince = await run(["cost", "--since", "forever"]);
    expect(badSince.code).toBe(2);
  });
});
