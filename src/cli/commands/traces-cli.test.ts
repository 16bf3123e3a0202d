import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startServer } from "../../server/index.js";
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

describe("ratchet ingest / export otlp", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-cli-traces-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("ingest reports bad lines and exits 0; --strict exits 2 and stores nothing", async () => {
    const file = join(dir, "t.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify({ trace_id: "a", messages: [{ role: "user", content: "hi" }] })}\n{oops\n`,
    );
    const db = join(dir, "s.db");
    const strict = capture();
    expect(await main(["ingest", file, "--db", db, "--strict"], strict)).toBe(2);
    expect(strict.stderr.join("\n")).toMatch(/t\.jsonl:2: invalid JSON/);
    const lenient = capture();
    expect(await main(["ingest", file, "--db", db], lenient)).toBe(0);
    expect(lenient.stdout.join("\n")).toMatch(/1 traces/);
    expect(lenient.stderr.join("\n")).toMatch(/t\.jsonl:2:/);
    const store = await openSqliteStore(db);
    expect((await store.traces.listTraces()).map((t) => t.trace_id)).toEqual(["a"]);
    await store.close();
    expect(await main(["ingest", file, "--db", db, "--format", "nope"], capture())).toBe(2);
  });

  it("ingest whose every line is rejected exits 2 and says what was expected", async () => {
    const file = join(dir, "rows.jsonl");
    writeFileSync(file, `${JSON.stringify({ trace_id: "x", messages: {} })}\n{oops\n`);
    const out = capture();
    expect(await main(["ingest", file, "--db", join(dir, "s.db"), "--format", "jsonl"], out)).toBe(
      2,
    );
    const text = out.stderr.join("\n");
    expect(text).toMatch(/rows\.jsonl:1: `messages` must be an array/);
    expect(text).toMatch(/rows\.jsonl:2: invalid JSON/);
    expect(text).toMatch(/accepted formats/);
  });

  it("traces show prints the span tree with its resource, scope and links", async () => {
    const file = join(dir, "otlp.json");
    const id = (c: string, n: number) => c.repeat(n);
    writeFileSync(
      file,
      JSON.stringify({
        resourceSpans: [
          {
            resource: {
              attributes: [
                { key: "service.name", value: { stringValue: "billing" } },
                { key: "k8s.pod.name", value: { stringValue: "billing-5d9f" } },
              ],
            },
            scopeSpans: [
              {
                scope: { name: "billing-instr", version: "1.3.0" },
                spans: [
                  {
                    traceId: id("7a", 16),
                    spanId: id("7b", 8),
                    name: "invoke_agent billing",
                    startTimeUnixNano: "1763924000000000000",
                    endTimeUnixNano: "1763924001000000000",
                    links: [{ traceId: id("7c", 16), spanId: id("7d", 8) }],
                  },
                  {
                    traceId: id("7a", 16),
                    spanId: id("7e", 8),
                    parentSpanId: id("7b", 8),
                    name: "chat",
                    startTimeUnixNano: "1763924000100000000",
                    endTimeUnixNano: "1763924000600000000",
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const db = join(dir, "s.db");
    expect(await main(["ingest", file, "--db", db, "--no-mine"], capture())).toBe(0);
    const list = capture();
    expect(await main(["traces", "list", "--db", db], list)).toBe(0);
    expect(list.stdout.join("\n")).toContain(id("7a", 16));
    const show = capture();
    expect(await main(["traces", "show", id("7a", 16), "--db", db], show)).toBe(0);
    const text = show.stdout.join("\n");
    expect(text).toMatch(/resource {2}service\.name=billing k8s\.pod\.name=billing-5d9f/);
    expect(text).toMatch(/invoke_agent billing {2}internal 1000 ms/);
    expect(text).toContain("scope  billing-instr 1.3.0");
    expect(text).toContain(`link   ${id("7c", 16)}/${id("7d", 8)}`);
    expect(text).toMatch(/\n {2}chat {2}internal 500 ms/);
    expect(await main(["traces", "show", "nope", "--db", db], capture())).toBe(2);
  });

  it("ingest --max-line-mb: a longer line is reported and skipped; the default takes it", async () => {
    const file = join(dir, "big.jsonl");
    const big = {
      trace_id: "big",
      messages: [{ role: "user", content: "x".repeat(1.5 * 1024 * 1024) }],
    };
    writeFileSync(file, `${JSON.stringify(big)}\n`);
    const cappedDb = join(dir, "capped.db");
    const unknown = capture();
    expect(await main(["ingest", file, "--db", cappedDb, "--max-line-mb", "1"], unknown)).toBe(2);
    expect(unknown.stderr.join("\n")).toMatch(
      /no JSON records \(first problem: .*big\.jsonl:1: line of/,
    );
    const capped = capture();
    const args = ["ingest", file, "--db", cappedDb, "--format", "jsonl", "--max-line-mb", "1"];
    // Every line was rejected: bad input, exit 2.
    expect(await main(args, capped)).toBe(2);
    expect(capped.stderr.join("\n")).toMatch(/big\.jsonl:1: line of 1\.5 MiB is over the 1\.0 MiB/);
    expect(await main(["ingest", file, "--db", cappedDb, "--max-line-mb", "0"], capture())).toBe(2);
    const roomy = capture();
    expect(await main(["ingest", file, "--db", join(dir, "roomy.db")], roomy)).toBe(0);
    expect(roomy.stdout.join("\n")).toMatch(/1 traces/);
  });

  it("ingest does not call a stored line with rejected spans a skipped bad line", async () => {
    const file = join(dir, "otlp.jsonl");
    const span = (traceId: string) => ({
      traceId,
      spanId: "7102030405060708",
      startTimeUnixNano: "1763924000000000000",
    });
    const request = {
      resourceSpans: [{ scopeSpans: [{ spans: [span("71".repeat(16)), span("00")] }] }],
    };
    writeFileSync(file, `${JSON.stringify(request)}\n`);
    const out = capture();
    expect(await main(["ingest", file, "--db", join(dir, "s.db"), "--no-mine"], out)).toBe(0);
    expect(out.stdout.join("\n")).toMatch(/1 spans stored/);
    const err = out.stderr.join("\n");
    expect(err).toMatch(/otlp\.jsonl:1: rejected 1 span/);
    expect(err).not.toMatch(/0 bad lines/);
  });

  it("export otlp sends a run to a receiver", async () => {
    const db = join(dir, "eval.db");
    const store = await openSqliteStore(db);
    const run = sampleRun();
    await store.createRun(run);
    await store.saveAttempt(sampleAttempt(run.id, "c1", 0, "m", 0));
    await store.close();
    const collector = await openSqliteStore(join(dir, "collector.db"));
    const server = await startServer({ traces: collector.traces, token: "t".repeat(20), port: 0 });
    process.env.RATCHET_TEST_EXPORT_TOKEN = "t".repeat(20);
    try {
      const out = capture();
      const code = await main(
        [
          "export",
          "otlp",
          "latest",
          "--db",
          db,
          "--endpoint",
          server.url,
          "--token-env",
          "RATCHET_TEST_EXPORT_TOKEN",
        ],
        out,
      );
      expect(out.stderr).toEqual([]);
      expect(code).toBe(0);
      expect(out.stdout.join("\n")).toMatch(/1 attempts, 3 spans/);
      // Ratchet's own serve accepts the spans but does not store them as production traces.
      expect(await collector.traces.countTraces()).toBe(0);
    } finally {
      delete process.env.RATCHET_TEST_EXPORT_TOKEN;
      await server.close();
      await collector.close();
    }
  });
});
