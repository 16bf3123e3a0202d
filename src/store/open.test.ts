import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../core/index.js";
import { LATEST_SCHEMA_VERSION, openSqliteStore, openStore } from "./index.js";
import { MIGRATIONS, migrate } from "./migrations.js";
import { sampleAttempt, sampleRun } from "./test-support/samples.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-store-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function versions(path: string): number[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare("SELECT version FROM schema_migrations ORDER BY version")
      .pluck()
      .all() as number[];
  } finally {
    db.close();
  }
}

describe("opening", () => {
  it("creates parent directories and uses WAL, NORMAL sync, foreign keys", async () => {
    const path = join(dir, "a", "b", "c.db");
    const store = await openSqliteStore(path);
    await store.createRun(sampleRun());
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    await store.close();
    await store.close(); // idempotent
  });

  it("migrates once and reopens idempotently, keeping data", async () => {
    const path = join(dir, "r.db");
    const first = await openSqliteStore(path);
    await first.createRun(sampleRun());
    await first.saveAttempt(sampleAttempt(sampleRun().id, "c", 0));
    await first.close();
    expect(versions(path)).toEqual(MIGRATIONS.map((m) => m.version));

    const second = await openSqliteStore(path);
    expect(await second.countAttempts(sampleRun().id)).toBe(1);
    await second.close();
    expect(versions(path)).toEqual(MIGRATIONS.map((m) => m.version));

    const db = new Database(path);
    expect(migrate(db, path)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
    db.close();
  });

  it("applies only the migrations a database lacks", async () => {
    const path = join(dir, "m.db");
    const db = new Database(path);
    const extra = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: "test_extra",
      sql: "CREATE TABLE extra (x)",
    };
    expect(migrate(db, path)).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION });
    expect(migrate(db, path, [...MIGRATIONS, extra])).toEqual({
      from: LATEST_SCHEMA_VERSION,
      to: extra.version,
    });
    expect(migrate(db, path, [...MIGRATIONS, extra])).toEqual({
      from: extra.version,
      to: extra.version,
    });
    db.close();
  });

  it("relabels the confirmation runs older drafts name, and no other run (migration 17)", async () => {
    const path = join(dir, "old.db");
    const db = new Database(path);
    migrate(
      db,
      path,
      MIGRATIONS.filter((m) => m.version < 17),
    );
    const insertRun = db.prepare(
      "INSERT INTO runs (id, pipeline, suite, config_hash, agent_kind, models, seed, epochs, status, started_at, purpose, config_snapshot, case_count) VALUES (?, 'p', ?, 'h', 'prompt', '[]', 1, 3, 'completed', '2026-01-01T00:00:00.000Z', 'evaluation', '{}', 1)",
    );
    insertRun.run("run_confirm", "/tmp/ratchet-draft-x/draft.yaml");
    insertRun.run("run_user", "suites/a.yaml");
    db.prepare(
      "INSERT INTO eval_drafts (id, created_at, failure_ids, case_json, fixture, status, confirm) VALUES ('draft_a', '2026-01-01', '[]', '{}', '{}', 'draft', ?)",
    ).run(JSON.stringify({ run_id: "run_confirm", epochs: 3 }));
    db.prepare(
      "INSERT INTO eval_drafts (id, created_at, failure_ids, case_json, fixture, status) VALUES ('draft_b', '2026-01-01', '[]', '{}', '{}', 'draft')",
    ).run();
    db.close();
    const store = await openSqliteStore(path);
    try {
      expect((await store.getRun("run_confirm"))?.purpose).toBe("confirmation");
      expect((await store.getRun("run_user"))?.purpose).toBe("evaluation");
      // Stored before snapshots existed: readable, with none.
      expect((await store.evalDrafts.get("draft_b"))?.suite_snapshots).toBeNull();
    } finally {
      await store.close();
    }
  });

  it("refuses a database from a newer Ratchet, naming the file", async () => {
    const path = join(dir, "newer.db");
    await (await openSqliteStore(path)).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'from_the_future', 'x')").run(
      LATEST_SCHEMA_VERSION + 1,
    );
    db.close();
    const opening = openSqliteStore(path);
    await expect(opening).rejects.toBeInstanceOf(InputError);
    await expect(openSqliteStore(path)).rejects.toThrow(path);
    await expect(openSqliteStore(path)).rejects.toThrow(/newer than this build/);
  });

  it("refuses a file that is not a SQLite database, naming the path", async () => {
    const path = join(dir, "notes.db");
    writeFileSync(path, "these are my notes, not a database\n".repeat(200));
    const opening = openSqliteStore(path);
    await expect(opening).rejects.toBeInstanceOf(InputError);
    await expect(openSqliteStore(path)).rejects.toThrow(`${path} is not a SQLite database`);
  });

  it("refuses a SQLite database that belongs to something else", async () => {
    const path = join(dir, "other.db");
    const db = new Database(path);
    db.exec("CREATE TABLE customers (id INTEGER)");
    db.close();
    await expect(openSqliteStore(path)).rejects.toThrow(/not a Ratchet store.*customers/);
  });

  it("refuses a directory as the store path", async () => {
    await expect(openSqliteStore(dir)).rejects.toThrow(dir);
  });
});

describe("openStore", () => {
  it("opens SQLite from a path or a sqlite: url", async () => {
    const a = await openStore({ path: join(dir, "p.db") });
    await a.createRun(sampleRun());
    await a.close();
    const b = await openStore({ url: `sqlite:${join(dir, "p.db")}` });
    expect(await b.getRun(sampleRun().id)).toBeDefined();
    await b.close();
  });

  it("says PostgreSQL is not yet available without echoing the url's password", async () => {
    const url = "postgres://ratchet:hunter2@db.example:5432/ratchet";
    const opening = openStore({ url });
    await expect(opening).rejects.toThrow(/PostgreSQL store not yet available/);
    await expect(openStore({ url })).rejects.not.toThrow(/hunter2/);
    await expect(openStore({ url: "postgresql://x/y" })).rejects.toBeInstanceOf(InputError);
    await expect(openStore({ url: "mysql://x/y" })).rejects.toThrow(/unsupported store url/);
  });
});

describe("concurrent access (WAL)", () => {
  it("another process reads what a live writer has committed", async () => {
    const path = join(dir, "shared.db");
    const store = await openSqliteStore(path);
    const run = sampleRun();
    await store.createRun(run);
    for (let i = 0; i < 5; i++) await store.saveAttempt(sampleAttempt(run.id, `c${i}`, 0, "v", i));

    // Plain JS in a separate OS process, while the writer still holds the file open.
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const script = `
      const Database = require(${JSON.stringify(driver)});
      const db = new Database(${JSON.stringify(path)}, { readonly: true, fileMustExist: true });
      const n = db.prepare("SELECT count(*) FROM attempts WHERE run_id = ?").pluck().get(${JSON.stringify(run.id)});
      const mode = db.pragma("journal_mode", { simple: true });
      process.stdout.write(JSON.stringify({ n, mode }));
      db.close();`;
    const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({ n: 5, mode: "wal" });
    await store.close();
  });

  it("a reader's open snapshot does not block the writer, and sees new rows after", async () => {
    const path = join(dir, "shared.db");
    // Short timeout: under a rollback journal the commit below would fail with SQLITE_BUSY.
    const writer = await openSqliteStore(path, { busyTimeoutMs: 100 });
    const run = sampleRun();
    await writer.createRun(run);
    await writer.saveAttempt(sampleAttempt(run.id, "c0", 0, "v", 0));

    const reader = new Database(path, { readonly: true });
    const count = reader.prepare("SELECT count(*) FROM attempts").pluck();
    reader.exec("BEGIN");
    expect(count.get()).toBe(1);
    expect(await writer.saveAttempt(sampleAttempt(run.id, "c1", 0, "v", 1))).toBe(true);
    expect(count.get()).toBe(1);
    reader.exec("COMMIT");
    expect(count.get()).toBe(2);
    reader.close();

    const second = await openSqliteStore(path);
    expect(await second.countAttempts(run.id)).toBe(2);
    expect(await writer.saveAttempt(sampleAttempt(run.id, "c2", 0, "v", 2))).toBe(true);
    expect(await second.countAttempts(run.id)).toBe(3);
    await second.close();
    await writer.close();
  });
});
