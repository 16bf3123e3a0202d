import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type Store } from "./index.js";
import { sampleAttempt, sampleRun } from "./test-support/samples.js";

describe("WebQueries.attempts", () => {
  let dir: string;
  let store: Store;
  const run = sampleRun({ id: "run_web000000000000001" });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-web-"));
    store = await openSqliteStore(join(dir, "s.db"));
    await store.createRun(run);
    // n % 7 === 3 fails; order ids A-10000 + n, so "A-1001" matches n = 10..19.
    for (let n = 0; n < 40; n++) {
      await store.saveAttempt(
        sampleAttempt(run.id, `case-${String(n).padStart(2, "0")}`, 0, "v", n),
      );
    }
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists failures first, lowest score first, with the total", () => {
    const page = store.web.attempts({ runId: run.id, limit: 8, offset: 0 });
    expect(page.total).toBe(40);
    const failed = [3, 10, 17, 24, 31, 38];
    expect(page.rows.slice(0, 6).map((r) => r.status)).toEqual(Array(6).fill("failed"));
    expect(
      page.rows
        .slice(0, 6)
        .map((r) => Number(r.case_id.slice(5)))
        .sort((a, b) => a - b),
    ).toEqual(failed);
    const scores = page.rows.slice(0, 6).map((r) => r.overall);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(page.rows[6]?.status).toBe("passed");
  });

  it("counts a search's matches, also on a page past them", () => {
    const first = store.web.attempts({ runId: run.id, search: "A-1001", limit: 4, offset: 0 });
    expect(first.total).toBe(10);
    expect(first.rows).toHaveLength(4);
    expect(first.rows[0]).not.toHaveProperty("total");
    const past = store.web.attempts({ runId: run.id, search: "A-1001", limit: 4, offset: 40 });
    expect(past).toEqual({ rows: [], total: 10 });
  });
});
