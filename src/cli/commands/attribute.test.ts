import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO } from "../../../test/cli-helpers.js";
import { openSqliteStore } from "../../store/index.js";
import { sampleAttempt, sampleRun } from "../../store/test-support/samples.js";
import { main } from "../main.js";
import type { Output } from "../output.js";

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    isTTY: false,
    color: false,
  };
}

const SAMPLE = join(REPO, "examples", "support-agent", "multi-agent.whowhen.jsonl");

describe("ratchet attribute", () => {
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-attribute-"));
    db = join(dir, "s.db");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function traceIdOf(rowId: string): Promise<string> {
    const store = await openSqliteStore(db);
    try {
      const traces = await store.traces.listTraces();
      const hit = traces.find((t) => t.root_name === `whowhen ${rowId}`);
      if (!hit)
        throw new Error(`no trace for ${rowId}: ${traces.map((t) => t.root_name).join(", ")}`);
      return hit.trace_id;
    } finally {
      await store.close();
    }
  }

  it("names the agent and step of an ingested Who&When row, as text and JSON", async () => {
    const ingest = capture();
    expect(
      await main(["ingest", SAMPLE, "--db", db, "--format", "whowhen", "--no-mine"], ingest),
    ).toBe(0);
    expect(ingest.stdout.join("\n")).toMatch(/2 records, 2 traces, 13 spans stored/);
    const id = await traceIdOf("support-order-2");
    const text = capture();
    expect(await main(["attribute", id, "--db", db], text)).toBe(0);
    const out = text.stdout.join("\n");
    expect(out).toMatch(/^agent: +OrderLookup$/m);
    expect(out).toMatch(/^step: +3 \(OrderLookup\): Order ORD-1024/m);
    expect(out).toMatch(/corrected: step 4 \(Orchestrator\) says/);
    expect(out).toMatch(/^strategy: heuristic$/m);
    expect(out).toMatch(/^labelled: OrderLookup at step 3/m);
    const json = capture();
    expect(await main(["attribute", id, "--db", db, "--json"], json)).toBe(0);
    const parsed = JSON.parse(json.stdout.join("")) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      id,
      source: "trace",
      steps: 7,
      strategy: "heuristic",
      agent: "OrderLookup",
      step: { index: 3, agent: "OrderLookup" },
      label: { agent: "OrderLookup", step: 3 },
    });
  });

  it("a judge strategy with the sim judge (no reasoner) says it fell back", async () => {
    expect(await main(["ingest", SAMPLE, "--db", db, "--no-mine"], capture())).toBe(0);
    const id = await traceIdOf("support-refund-1");
    const out = capture();
    expect(
      await main(
        ["attribute", id, "--db", db, "--strategy", "all-at-once", "--model", "sim:judge"],
        out,
      ),
    ).toBe(0);
    expect(out.stdout.join("\n")).toMatch(
      /strategy: all-at-once \(sim:judge, 1 calls, 1 unparsed\); fell back to the heuristic/,
    );
    expect(out.stdout.join("\n")).toMatch(/agent: +Billing_Expert/);
  });

  it("attributes an evaluation attempt from its messages", async () => {
    const store = await openSqliteStore(db);
    const run = sampleRun();
    await store.createRun(run);
    const attempt = {
      ...sampleAttempt(run.id, "c1", 0),
      spans: [],
      messages: [
        { role: "user" as const, content: "refund for order 7?" },
        { role: "assistant" as const, name: "Triage", content: "routing to billing" },
        {
          role: "assistant" as const,
          name: "Billing",
          content: "let's assume the order was paid by card",
        },
        { role: "assistant" as const, name: "Triage", content: "done" },
      ],
    };
    await store.saveAttempt(attempt);
    await store.close();
    const out = capture();
    expect(await main(["attribute", attempt.id, "--db", db, "--json"], out)).toBe(0);
    expect(JSON.parse(out.stdout.join(""))).toMatchObject({
      source: "attempt",
      agent: "Billing",
      step: { index: 2 },
    });
  });

  it("bad input exits 2 with a clear message", async () => {
    expect(await main(["ingest", SAMPLE, "--db", db, "--no-mine"], capture())).toBe(0);
    const unknown = capture();
    expect(await main(["attribute", "feedface", "--db", db], unknown)).toBe(2);
    expect(unknown.stderr.join("\n")).toMatch(/no stored trace or attempt has id 'feedface'/);
    const id = await traceIdOf("support-order-2");
    const noModel = capture();
    expect(await main(["attribute", id, "--db", db, "--strategy", "step-by-step"], noModel)).toBe(
      2,
    );
    expect(noModel.stderr.join("\n")).toMatch(/needs a judge model/);
    const badStrategy = capture();
    expect(await main(["attribute", id, "--db", db, "--strategy", "vote"], badStrategy)).toBe(2);
    expect(badStrategy.stderr.join("\n")).toMatch(/--strategy must be heuristic, all-at-once/);
  });

  it("a malformed Who&When line exits 2 naming the line", async () => {
    const file = join(dir, "bad.jsonl");
    const good = JSON.stringify({
      id: "r1",
      history: [{ role: "human", content: "q" }],
      mistake_agent: "x",
    });
    writeFileSync(
      file,
      `${good}\n${JSON.stringify({ id: "r2", history: [{ content: "no role" }] })}\n{oops\n`,
    );
    const strict = capture();
    expect(
      await main(["ingest", file, "--db", db, "--format", "whowhen", "--strict"], strict),
    ).toBe(2);
    const err = strict.stderr.join("\n");
    expect(err).toMatch(/bad\.jsonl:2: history\[0\]\.role must be a non-empty string/);
    expect(err).toMatch(/bad\.jsonl:3: invalid JSON/);
    const onlyBad = join(dir, "only-bad.jsonl");
    writeFileSync(onlyBad, `${JSON.stringify({ id: "r3", history: "none" })}\n`);
    const all = capture();
    expect(await main(["ingest", onlyBad, "--db", db, "--format", "whowhen"], all)).toBe(2);
    expect(all.stderr.join("\n")).toMatch(/only-bad\.jsonl:1: `history` must be an array/);
  });
});
