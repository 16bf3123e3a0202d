/**
 * Store benchmark: `npx tsx bench/store/index.ts [--n 50000]`.
 *
 * Inserts N realistic attempts one transaction each through (1) raw better-sqlite3 prepared
 * statements into the same schema (the floor), (2) `Store.saveAttempt`, (3) an all-Kysely
 * insert path (why the store does not use it for writes); then streams the attempts back
 * through `iterateAttempts` and reports peak RSS growth, against loading them all at once.
 *
 * The three writers take turns in blocks of the same rows, each into its own file, so that
 * a busy shared machine slows all of them alike and the ratios stay meaningful. Rates are
 * given in wall time and in this process's CPU time (less sensitive to other load).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Attempt } from "../../src/core/index.js";
import { decodeAttempt, encodeAttempt, encodeSpan } from "../../src/store/codec.js";
import { openSqliteStore } from "../../src/store/index.js";
import type { Database as Schema } from "../../src/store/schema.js";
import { sampleAttempt, sampleRun } from "../../src/store/test-support/samples.js";

export interface Rate {
  /** Attempts per second of wall time spent inside the insert calls. */
  wall: number;
  /** Attempts per second of this process's CPU time (user + system) inside them. */
  cpu: number;
}

export interface StoreBenchResult {
  n: number;
  bytesPerAttempt: number;
  raw: Rate;
  /** The raw path with SQLite's default checkpoint interval instead of the store's. */
  rawDefaultCheckpoint: Rate;
  store: Rate;
  kysely: Rate;
  kyselyCompileUs: number;
  iteratePerSec: number;
  iteratePeakRssMb: number;
  loadAllPeakRssMb: number;
  cachePutPerSec: number;
  cacheGetPerSec: number;
}

setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;

const run = sampleRun({ id: "run_bench" });
const attemptAt = (i: number): Attempt =>
  sampleAttempt(run.id, `case-${String(i % 5000).padStart(5, "0")}`, Math.floor(i / 5000), "v", i);

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

type Insert = (a: Attempt) => unknown;

class Timer {
  wall = 0;
  cpu = 0;
  count = 0;
  async time(block: Attempt[], insert: Insert): Promise<void> {
    const cpu0 = process.cpuUsage();
    const wall0 = process.hrtime.bigint();
    for (const attempt of block) await insert(attempt);
    this.wall += seconds(wall0);
    const cpu = process.cpuUsage(cpu0);
    this.cpu += (cpu.user + cpu.system) / 1e6;
    this.count += block.length;
  }
  rate(): Rate {
    return { wall: this.count / this.wall, cpu: this.count / this.cpu };
  }
}

async function freshDb(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  const store = await openSqliteStore(path);
  await store.createRun(run);
  await store.close();
  return path;
}

/** The store's pragmas, or SQLite's default 1000-page checkpoint to show what raising it buys. */
function rawConnection(path: string, walAutocheckpointPages = 10_000): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
  db.pragma("journal_size_limit = 67108864");
  return db;
}

/** Hand-written floor: positional prepared statements, the same columns and JSON. */
function rawInserter(db: Database.Database): Insert {
  const attempt = db.prepare(
    `INSERT INTO attempts (id, run_id, variant, case_id, epoch, status, output, messages, tool_calls,
       side_effects, spans, scores, dimension_scores, overall, error, usage, input_tokens, output_tokens,
       cost_usd, latency_ms, retries, started_at, finished_at, tags, severity)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, case_id, epoch, variant) DO NOTHING`,
  );
  const span = db.prepare(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, attributes,
       status, events, run_id, attempt_id, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'eval')`,
  );
  const save = db.transaction((a: Attempt) => {
    const { changes } = attempt.run(
      a.id,
      a.run_id,
      a.variant,
      a.case_id,
      a.epoch,
      a.status,
      a.output,
      JSON.stringify(a.messages),
      JSON.stringify(a.tool_calls),
      JSON.stringify(a.side_effects),
      JSON.stringify(a.spans),
      JSON.stringify(a.scores),
      JSON.stringify(a.dimension_scores),
      a.overall,
      a.error ? JSON.stringify(a.error) : null,
      JSON.stringify(a.usage),
      a.usage.input_tokens,
      a.usage.output_tokens,
      a.cost_usd,
      a.latency_ms,
      a.retries,
      a.started_at,
      a.finished_at,
      JSON.stringify(a.tags),
      a.severity,
    );
    if (changes === 0) return false;
    for (const s of a.spans) {
      span.run(
        s.trace_id,
        s.span_id,
        s.parent_span_id ?? null,
        s.name,
        s.kind,
        s.start_ms,
        s.end_ms,
        JSON.stringify(s.attributes),
        JSON.stringify(s.status),
        JSON.stringify(s.events),
        a.run_id,
        a.id,
      );
    }
    return true;
  });
  return (a) => save.immediate(a);
}

/** Everything through Kysely, as the store would be without its prepared write path. */
function kyselyInserter(db: Kysely<Schema>): Insert {
  return (a) =>
    db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto("attempts")
        .values(encodeAttempt(a))
        .onConflict((oc) => oc.columns(["run_id", "case_id", "epoch", "variant"]).doNothing())
        .executeTakeFirst();
      if (result.numInsertedOrUpdatedRows === 0n) return false;
      if (a.spans.length > 0) {
        await trx
          .insertInto("spans")
          .values(a.spans.map((s) => encodeSpan(s, "eval", a.run_id, a.id)))
          .execute();
      }
      return true;
    });
}

function kyselyCompileUs(db: Kysely<Schema>): number {
  const sample = encodeAttempt(attemptAt(1));
  const rounds = 20_000;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) db.insertInto("attempts").values(sample).compile();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / rounds;
}

function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

export async function runStoreBench(n = 50_000): Promise<StoreBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-store-"));
  try {
    const rawDb = rawConnection(await freshDb(dir, "raw.db"));
    const rawDefaultDb = rawConnection(await freshDb(dir, "raw-default.db"), 1000);
    const storePath = await freshDb(dir, "store.db");
    const store = await openSqliteStore(storePath);
    const kyselyDb = new Kysely<Schema>({
      dialect: new SqliteDialect({ database: rawConnection(await freshDb(dir, "kysely.db")) }),
    });
    const writers: Array<[Timer, Insert]> = [
      [new Timer(), rawInserter(rawDb)],
      [new Timer(), rawInserter(rawDefaultDb)],
      [new Timer(), (a) => store.saveAttempt(a)],
      [new Timer(), kyselyInserter(kyselyDb)],
    ];
    const blockSize = 1000;
    for (let first = 0, turn = 0; first < n; first += blockSize, turn++) {
      const block: Attempt[] = [];
      for (let i = first; i < Math.min(n, first + blockSize); i++) block.push(attemptAt(i));
      // Rotate who goes first so that no writer always follows the same one.
      for (let k = 0; k < writers.length; k++) {
        const [timer, insert] = writers[(turn + k) % writers.length]!;
        await timer.time(block, insert);
      }
    }
    const [raw, rawDefaultCheckpoint, storeRate, kysely] = writers.map(([timer]) =>
      timer.rate(),
    ) as [Rate, Rate, Rate, Rate];
    const compileUs = kyselyCompileUs(kyselyDb);
    rawDb.close();
    rawDefaultDb.close();
    await kyselyDb.destroy();
    for (const name of ["raw.db", "raw-default.db", "kysely.db"]) {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(join(dir, name + suffix), { force: true });
    }

    const cacheN = Math.min(n, 50_000);
    const value = { text: attemptAt(0).output, usage: { input_tokens: 884, output_tokens: 85 } };
    let start = process.hrtime.bigint();
    for (let i = 0; i < cacheN; i++) await store.putCached(`req:${i}`, value, 3_600_000);
    const cachePutPerSec = cacheN / seconds(start);
    start = process.hrtime.bigint();
    for (let i = 0; i < cacheN; i++) await store.getCached(`req:${i}`);
    const cacheGetPerSec = cacheN / seconds(start);
    await store.close();
    const bytesPerAttempt = statSync(storePath).size / n;

    // Streaming read-back on a fresh connection, with a collected heap as the baseline.
    const reader = await openSqliteStore(storePath);
    gc();
    let base = rssMb();
    let peak = base;
    let count = 0;
    start = process.hrtime.bigint();
    for await (const attempt of reader.iterateAttempts(run.id)) {
      if (attempt.epoch < 0) throw new Error("unreachable: keeps the decode alive");
      if (++count % 500 === 0) peak = Math.max(peak, rssMb());
    }
    const iteratePerSec = count / seconds(start);
    if (count !== n) throw new Error(`iterated ${count} attempts, expected ${n}`);
    const iteratePeakRssMb = Math.max(peak, rssMb()) - base;
    await reader.close();

    // For contrast: what holding every attempt at once would cost.
    gc();
    base = rssMb();
    const db = new Database(storePath, { readonly: true });
    const all = (db.prepare("SELECT * FROM attempts").all() as never[]).map(decodeAttempt);
    const loadAllPeakRssMb = rssMb() - base;
    if (all.length !== n) throw new Error("load-all count mismatch");
    db.close();

    return {
      n,
      bytesPerAttempt,
      raw,
      rawDefaultCheckpoint,
      store: storeRate,
      kysely,
      kyselyCompileUs: compileUs,
      iteratePerSec,
      iteratePeakRssMb,
      loadAllPeakRssMb,
      cachePutPerSec,
      cacheGetPerSec,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(r: StoreBenchResult): void {
  const per = (x: number) => `${Math.round(x).toLocaleString("en-US")}/s`;
  const pct = (x: number, of: number) => `${((x / of) * 100).toFixed(0)}%`;
  const line = (name: string, rate: Rate) =>
    `  ${name.padEnd(26)} wall ${per(rate.wall).padStart(9)} (${pct(rate.wall, r.raw.wall)} of raw)   cpu ${per(rate.cpu).padStart(9)} (${pct(rate.cpu, r.raw.cpu)} of raw)`;
  console.log(`store bench: ${r.n.toLocaleString("en-US")} attempts, one transaction each`);
  console.log(
    `  on disk ${(r.bytesPerAttempt / 1024).toFixed(1)} KiB/attempt (row, 3 span rows, indexes)`,
  );
  console.log(line("raw prepared baseline", r.raw));
  console.log(line("raw, 1000-page checkpoint", r.rawDefaultCheckpoint));
  console.log(line("Store.saveAttempt", r.store));
  console.log(line("all-Kysely insert path", r.kysely));
  console.log(`  Kysely compile of one attempt insert: ${r.kyselyCompileUs.toFixed(1)} µs CPU`);
  console.log(
    `  iterateAttempts ${per(r.iteratePerSec)}, peak RSS growth ${r.iteratePeakRssMb.toFixed(1)} MB` +
      ` (loading all at once: ${r.loadAllPeakRssMb.toFixed(1)} MB)`,
  );
  console.log(`  cache put ${per(r.cachePutPerSec)}, get ${per(r.cacheGetPerSec)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = process.argv.indexOf("--n");
  const n = flag >= 0 ? Number(process.argv[flag + 1]) : 50_000;
  if (!Number.isInteger(n) || n <= 0) throw new Error("--n must be a positive integer");
  report(await runStoreBench(n));
}
