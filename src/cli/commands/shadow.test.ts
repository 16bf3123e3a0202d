import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../test-support.js";

const EXAMPLE = new URL("../../../examples/support-agent", import.meta.url).pathname;

let dir: string;
let config: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-shadow-cli-"));
  cpSync(EXAMPLE, dir, { recursive: true });
  config = join(dir, "ratchet.yaml");
  writeFileSync(config, readFileSync(config, "utf8").replace("latency_ms: 5", "latency_ms: 0"));
  const added = await runCli(
    "prompts",
    "add",
    "support",
    join(dir, "prompts/system.md"),
    "--label",
    "candidate",
    "-c",
    config,
  );
  expect(added.code, added.err).toBe(0);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ratchet shadow", () => {
  it("refuses bad input with exit 2 and a message naming the problem", async () => {
    const none = await runCli("shadow", "-c", config);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--challenger/);

    const zero = await runCli(
      "shadow",
      "-c",
      config,
      "--challenger",
      "support@candidate",
      "--sample",
      "0",
    );
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/--sample must be an integer/);

    const label = await runCli("shadow", "-c", config, "--challenger", "support@nightly");
    expect(label.code).toBe(2);
    expect(label.err).toMatch(/nightly/);

    const since = await runCli(
      "shadow",
      "-c",
      config,
      "--challenger",
      "support@candidate",
      "--since",
      "soon",
    );
    expect(since.code).toBe(2);
    expect(since.err).toMatch(/--since/);

    const empty = await runCli("shadow", "-c", config, "--challenger", "support@candidate");
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/no production traces in the store/);

    const list = await runCli("shadow", "list", "-c", config);
    expect(list.out).toMatch(/no shadow runs yet/);
  }, 60_000);

  it("replays ingested traces, stores the record, shows and lists it", async () => {
    const ingested = await runCli("ingest", join(dir, "traces.jsonl"), "-c", config);
    expect(ingested.code, ingested.err).toBe(0);

    const run = await runCli("shadow", "-c", config, "--challenger", "support@candidate", "--json");
    expect(run.code, run.err).toBe(0);
    const row = JSON.parse(run.out) as {
      id: string;
      status: string;
      doc: {
        selection: { by: string; note: string };
        summary: { considered: number; replayed: number; skipped: Record<string, number> };
        inputs: Array<{ trace_id: string; outcome: string }>;
        problems: string[];
      };
    };
    expect(row.status).toBe("completed");
    // The example's traces carry no prompt tag: the agent's traces are taken, and it says so.
    expect(row.doc.selection.by).toBe("agent");
    expect(row.doc.selection.note).toMatch(/no trace is tagged with prompt support/);
    expect(row.doc.summary.considered).toBe(8);
    // prod-0004 ended on a tool error: no answer to compare with.
    expect(row.doc.summary.skipped.no_output).toBe(1);
    expect(row.doc.summary.replayed).toBe(7);
    expect(row.doc.inputs.every((i) => ["better", "worse", "tie"].includes(i.outcome))).toBe(true);

    const show = await runCli("shadow", "show", "latest", "-c", config);
    expect(show.code, show.err).toBe(0);
    expect(show.out).toContain(row.id);
    expect(show.out).toMatch(/win rate .*95% Wilson CI/);
    expect(show.out).toMatch(/skipped: 1 no output/);

    const byPrefix = await runCli("shadow", "show", row.id.slice(7, 18), "-c", config, "--json");
    expect((JSON.parse(byPrefix.out) as { id: string }).id).toBe(row.id);

    const missing = await runCli("shadow", "show", "zzzz", "-c", config);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no shadow run matches 'zzzz'/);

    const list = await runCli("shadow", "list", "-c", config, "--json");
    const rows = JSON.parse(list.out) as Array<{ id: string; doc: Record<string, unknown> }>;
    expect(rows.map((r) => r.id)).toEqual([row.id]);
    expect(rows[0]?.doc.inputs).toBeUndefined();
  }, 120_000);
});
