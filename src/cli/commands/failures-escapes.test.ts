import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrace, insertSpans, traceId } from "../../mining/test-support/traces.js";
import { openSqliteStore } from "../../store/index.js";
import { main } from "../main.js";
import type { Output } from "../output.js";

const CONTROLS = ["\u001b", "\u0007", "\r"];
let dir: string;
let config: string;

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const output: Output = {
    out: (t) => {
      out += `${t}\n`;
    },
    err: () => undefined,
    isTTY: false,
    color: false,
  };
  const code = await main([...args, "-c", config], output);
  return { code, out };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-cli-failures-esc-"));
  config = join(dir, "ratchet.yaml");
  writeFileSync(config, "store:\n  path: r.db\n");
  const db = join(dir, "r.db");
  (await openSqliteStore(db)).close();
  insertSpans(
    db,
    buildTrace({
      traceId: traceId("esc"),
      startMs: Date.now() - 60_000,
      outcome: "error",
      chatError: "boom \u001b[2J\u001b]0;owned\u0007 done\r\nfake line",
      messages: [{ role: "user", content: "hi \u001b[31mred" }],
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("failures print production text without terminal control characters", () => {
  it("list and show", async () => {
    expect((await run(["failures", "mine"])).code).toBe(0);
    const list = await run(["failures", "list"]);
    expect(list.out).toContain("boom");
    for (const c of CONTROLS) expect(list.out).not.toContain(c);
    const id = /fail_\w+/.exec(list.out)?.[0] ?? "";
    const show = await run(["failures", "show", id]);
    expect(show.code).toBe(0);
    expect(show.out).toContain("boom");
    for (const c of CONTROLS) expect(show.out).not.toContain(c);
  });
});
