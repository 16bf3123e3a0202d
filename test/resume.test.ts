import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ratchet, spawnRatchet } from "./cli-helpers.js";

/** Waits (by polling the store, not by sleeping a fixed time) until `count()` reaches `min`. */
async function waitFor(count: () => number, min: number, limitMs: number): Promise<number> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = count();
    if (value >= min) return value;
    if (Date.now() > deadline)
      throw new Error(`only ${value} of ${min} attempts were stored in ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run is marked complete, and its totals cover the attempts of every session that ran it. */
function expectCompleted(db: Database.Database, runId: string, attempts: number): void {
  const run = db.prepare("SELECT status, totals FROM runs WHERE id = ?").get(runId) as {
    status: string;
    totals: string;
  };
  expect(run.status).toBe("completed");
  const passed = db
    .prepare("SELECT count(*) AS n FROM attempts WHERE run_id = ? AND status = 'passed'")
    .get(runId) as { n: number };
  const totals = JSON.parse(run.totals) as { attempts: number; passed: number };
  expect(totals.attempts).toBe(attempts);
  expect(totals.passed).toBe(passed.n);
}

/** A background `ratchet eval`: its exit, its stderr, and how many attempts its run stored. */
function startEval(project: string, args: string[]) {
  const child = spawnRatchet(["eval", ...args], { cwd: project });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => resolve(code)),
  );
  const dbPath = join(project, ".ratchet", "ratchet.db");
  const runId = () => /run (run_\w+): /.exec(stderr)?.[1];
  const stored = () => {
    const id = runId();
    if (!id) return 0;
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return (
        db.prepare("SELECT count(*) AS n FROM attempts WHERE run_id = ?").get(id) as { n: number }
      ).n;
    } finally {
      db.close();
    }
  };
  return { child, exited, stderr: () => stderr, runId, stored, dbPath };
}

describe("a run killed with SIGKILL and resumed", () => {
  let root: string;
  let project: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "ratchet-resume-"));
    expect((await ratchet(["init", "demo"], { cwd: root })).code).toBe(0);
    project = join(root, "demo");
    // Slow the sim down so the kill lands mid-run.
    const config = join(project, "ratchet.yaml");
    await writeFile(
      config,
      (await readFile(config, "utf8")).replace("latency_ms: 5", "latency_ms: 60"),
    );
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("finishes only what is missing, and every attempt exists exactly once", async () => {
    const child = spawnRatchet(["eval", "--repeat", "3", "--concurrency", "4"], { cwd: project });
    const exited = new Promise<number | null>((resolve) =>
      child.on("close", (_code, signal) => resolve(signal ? -1 : _code)),
    );
    const dbPath = join(project, ".ratchet", "ratchet.db");
    const stored = () => {
      try {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare("SELECT count(*) AS n FROM attempts").get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0; // the store is not created yet
      }
    };
    await waitFor(stored, 10, 240_000);
    child.kill("SIGKILL");
    expect(await exited).toBe(-1);
    const before = stored();
    expect(before).toBeGreaterThanOrEqual(10);
    expect(before).toBeLessThan(138);

    const list = JSON.parse(
      (await ratchet(["runs", "list", "--json"], { cwd: project })).stdout,
    ) as Array<{ id: string; status: string }>;
    expect(list).toHaveLength(1);
    const runId = list[0]?.id ?? "";
    expect(list[0]?.status).toBe("running"); // killed: nobody could mark it

    const resumed = await ratchet(["eval", "--resume", runId], { cwd: project });
    expect([0, 1]).toContain(resumed.code);

    const db = new Database(dbPath, { readonly: true });
    try {
      const rows = db
        .prepare(
          "SELECT case_id, epoch, count(*) AS n FROM attempts WHERE run_id = ? GROUP BY case_id, epoch",
        )
        .all(runId) as Array<{ case_id: string; epoch: number; n: number }>;
      expect(rows).toHaveLength(46 * 3);
      expect(rows.every((row) => row.n === 1)).toBe(true);
      expectCompleted(db, runId, 46 * 3);
    } finally {
      db.close();
    }
    const again = await ratchet(["eval", "--resume", runId], { cwd: project });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already complete/);
  });

  it("Ctrl-C stops scheduling, saves what finished and marks the run interrupted", async () => {
    const run = startEval(project, ["--repeat", "3", "--concurrency", "2"]);
    const { dbPath } = run;
    await waitFor(run.stored, 4, 240_000);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/ratchet eval --resume run_/);
    const db = new Database(dbPath, { readonly: true });
    try {
      const stored = db.prepare("SELECT status FROM runs WHERE id = ?").get(run.runId()) as {
        status: string;
      };
      expect(stored.status).toBe("interrupted");
      const n = (
        db.prepare("SELECT count(*) AS n FROM attempts WHERE run_id = ?").get(run.runId()) as {
          n: number;
        }
      ).n;
      expect(n).toBeGreaterThanOrEqual(4);
      expect(n).toBeLessThan(138);
    } finally {
      db.close();
    }
  });

  it("a resumed run keeps its own case selection and refuses flags that would change it", async () => {
    const run = startEval(project, [
      "--case",
      "order-status-1a",
      "order-status-1b",
      "pii-1",
      "--repeat",
      "3",
      "--concurrency",
      "1",
    ]);
    const { dbPath } = run;
    await waitFor(run.stored, 2, 240_000);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(1);
    const runId = run.runId() ?? "";
    expect(run.stored()).toBeLessThan(9);

    const refused = await ratchet(["eval", "--resume", runId, "--case", "pii-2"], { cwd: project });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/drop --case/);

    const resumed = await ratchet(["eval", "--resume", runId], { cwd: project });
    expect([0, 1]).toContain(resumed.code);
    const db = new Database(dbPath, { readonly: true });
    try {
      const cases = db
        .prepare(
          "SELECT case_id, count(*) AS n FROM attempts WHERE run_id = ? GROUP BY case_id ORDER BY case_id",
        )
        .all(runId) as Array<{ case_id: string; n: number }>;
      expect(cases).toEqual([
        { case_id: "order-status-1a", n: 3 },
        { case_id: "order-status-1b", n: 3 },
        { case_id: "pii-1", n: 3 },
      ]);
      expectCompleted(db, runId, 9);
    } finally {
      db.close();
    }
  });
});
