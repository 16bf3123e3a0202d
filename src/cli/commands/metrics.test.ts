import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDecision } from "../../live/metrics/test-support.js";
import { openSqliteStore } from "../../store/index.js";
import { runCli } from "../test-support.js";

let dir: string;
let config: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-cli-metrics-"));
  config = join(dir, "ratchet.yaml");
  writeFileSync(config, "store:\n  path: r.db\n");
  writeFileSync(join(dir, "empty.yaml"), "store:\n  path: empty.db\n");
  writeFileSync(
    join(dir, "bad.yaml"),
    "store:\n  path: r.db\nlive:\n  metrics:\n    window: banana\n",
  );
  const store = await openSqliteStore(join(dir, "r.db"));
  // A day ago: inside the default 30d window, outside a 1h one. 2 flaky of 10 cases = 20%.
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
  await addDecision(store, "gd_flaky", dayAgo, "block", 10, [
    { caseId: "refund-over-limit", flaky: true },
    { caseId: "order-prefix", flaky: true },
  ]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ratchet metrics", () => {
  it("exits 0 with every metric at no data on an empty store", async () => {
    const r = await runCli("metrics", "-c", join(dir, "empty.yaml"));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/metric\s+value\s+threshold\s+status/);
    expect(r.out.match(/no-data/g)).toHaveLength(7);
    const json = await runCli("metrics", "-c", join(dir, "empty.yaml"), "--json");
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { breaches: string[]; metrics: unknown[] };
    expect(parsed.breaches).toEqual([]);
    expect(parsed.metrics).toHaveLength(7);
  });

  it("exits 1 on a breach and says what to do about it", async () => {
    const r = await runCli("metrics", "-c", config);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/flaky-case rate\s+20\.0% \(2\/10\)\s+≤ 5\.0%\s+investigate/);
    expect(r.out).toMatch(/what to do: Give each flaky case an owner/);
    expect(r.out).toMatch(/gd_flaky: .*refund-over-limit, order-prefix/);

    const json = await runCli("metrics", "-c", config, "--json");
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.out) as {
      breaches: string[];
      metrics: Array<{ key: string; value?: number; numerator: number; denominator: number }>;
    };
    expect(parsed.breaches).toEqual(["flaky_rate"]);
    const flaky = parsed.metrics.find((m) => m.key === "flaky_rate");
    expect([flaky?.numerator, flaky?.denominator, flaky?.value]).toEqual([2, 10, 0.2]);
  });

  it("--window narrows what is measured", async () => {
    const r = await runCli("metrics", "-c", config, "--window", "1h");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Loop health over 1h/);
  });

  it("rejects a bad --window or config window with exit 2, naming it, and keeps the store", async () => {
    const r = await runCli("metrics", "-c", config, "--window", "banana");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--window must be a duration like .* got 'banana'/);
    expect(r.out).toBe("");
    const cfg = await runCli("metrics", "-c", join(dir, "bad.yaml"));
    expect(cfg.code).toBe(2);
    expect(cfg.err).toMatch(/live\.metrics\.window/);
    // Nothing stored was touched: the decision still breaches.
    expect((await runCli("metrics", "-c", config)).code).toBe(1);
  });
});
