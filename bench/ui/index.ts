/**
 * Dashboard benchmark: `npx tsx bench/ui/index.ts [--requests 20] [--fresh] [--db <path>]`.
 *
 * Issue 23's target: every page answers in under 500 ms on a store with 100,000 attempts and
 * 1,000,000 spans. The store holds one big run of 20,000 attempts and 4,000 runs of 20
 * (300,000 eval spans, three per attempt) plus 70,000 production traces of 10 spans each.
 * Building it takes a few minutes, so it is kept in a temp file and reused (`--fresh`
 * rebuilds it).
 *
 * Each page is requested through `createWebApp(...).request` with a bearer token, N times,
 * the pages taking turns so that a busy machine slows all of them alike; beside it, the raw
 * SQL the page runs, alone on its own connection (the floor), timed in the same rounds.
 * Any parameterless GET route registered beyond these is timed too (with no floor).
 */
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import type { Attempt, Run, RunTotals } from "../../src/core/index.js";
import { addPrompt, labelPrompt } from "../../src/prompts/index.js";
import { encodeAttempt, encodeRun, encodeSpan, SPAN_COLUMNS } from "../../src/store/codec.js";
import { openSqliteStore, type Store } from "../../src/store/index.js";
import { sampleAttempt, sampleRun } from "../../src/store/test-support/samples.js";
import { createWebApp } from "../../src/web/index.js";
import { intFlag, parseFlags } from "../shared/flags.js";

const TARGET_MS = 500;
const BIG_RUN = "run_big0000000000000000";
const BIG_ATTEMPTS = 20_000;
const SMALL_RUNS = 4_000;
const SMALL_ATTEMPTS = 20;
const TRACES = 70_000;
const TRACE_SPANS = 10;
/** Bump when the generated store's shape changes, so an old cache is not reused. */
const STORE_SHAPE = 3;

const smallRunId = (i: number) => `run_s${String(i).padStart(18, "0")}`;
const startedAt = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();

function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`;
}

function totalsOf(attempts: Attempt[]): RunTotals {
  const passed = attempts.filter((a) => a.status === "passed").length;
  const latencies = attempts.map((a) => a.latency_ms).sort((x, y) => x - y);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    attempts: attempts.length,
    passed,
    failed: attempts.length - passed,
    errors: 0,
    score: attempts.reduce((s, a) => s + a.overall, 0) / attempts.length,
    pass_rate: passed / attempts.length,
    cost_usd: attempts.reduce((s, a) => s + a.cost_usd, 0),
    input_tokens: 884 * attempts.length,
    output_tokens: 85 * attempts.length,
    latency_p50_ms: at(0.5),
    latency_p95_ms: at(0.95),
    latency_p99_ms: at(0.99),
    dimension_scores: { accuracy: passed / attempts.length, tool_use: 1, latency: 0.92 },
  };
}

/** Ten prompt versions of `support`, `production` moved along them (so a rollback exists). */
async function seedPrompts(store: Store): Promise<string[]> {
  const hashes: string[] = [];
  for (let v = 0; v < 10; v++) {
    const added = await addPrompt(store, {
      name: "support",
      content: `You are a support agent (revision ${v}). Look orders up before answering.`,
      ...(hashes.length > 0 ? { parents: [hashes.at(-1) as string] } : {}),
      author: "bench",
      rationale: `revision ${v}`,
      now: new Date(Date.UTC(2025, 11, 1 + v)),
    });
    hashes.push(added.version.hash);
    await labelPrompt(store, "support", added.version.hash, "production", { actor: "bench" });
  }
  for (const name of ["billing", "returns", "triage"]) {
    await addPrompt(store, {
      name,
      content: `${name} prompt`,
      label: "production",
      author: "bench",
    });
  }
  return hashes;
}

/** Builds the store with raw prepared statements in large transactions (see bench/store). */
async function generate(path: string): Promise<void> {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  const store = await openSqliteStore(path);
  const hashes = await seedPrompts(store);
  await store.close();

  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("foreign_keys = OFF");
  const runCols = Object.keys(encodeRun(sampleRun()));
  const attemptCols = Object.keys(encodeAttempt(sampleAttempt("run_x", "c", 0)));
  const spanCols = [...SPAN_COLUMNS];
  const insertRun = db.prepare(insertSql("runs", runCols));
  const insertAttempt = db.prepare(insertSql("attempts", attemptCols));
  const insertSpan = db.prepare(insertSql("spans", spanCols));
  const insertTrace = db.prepare(
    `INSERT INTO traces (trace_id, started_ms, ended_ms, root_name, agent, outcome, feedback_score,
       span_count, source_format, ingested_at, prompt_name, prompt_version, error_spans, cost_usd)
     VALUES (?, ?, ?, 'invoke_agent support', 'support-bot', ?, NULL, ?, 'otlp', ?, 'support', ?, ?, ?)`,
  );

  let n = 0;
  const writeRun = db.transaction(
    (run: Run, count: number, caseOf: (i: number) => [string, number]) => {
      const attempts: Attempt[] = [];
      for (let i = 0; i < count; i++) {
        const [caseId, epoch] = caseOf(i);
        const a = sampleAttempt(run.id, caseId, epoch, run.models[0], n++);
        attempts.push(a);
        insertAttempt.run(encodeAttempt(a));
        for (const s of a.spans) insertSpan.run(encodeSpan(s, "eval", run.id, a.id));
      }
      insertRun.run(encodeRun({ ...run, totals: totalsOf(attempts) }));
    },
  );
  // Foreign keys are off on this connection (better-sqlite3 turns them on by default), so a run's row may follow its attempts.
  const runOf = (id: string, i: number, overrides: Partial<Run> = {}): Run =>
    sampleRun({
      id,
      suite: `suites/suite-${i % 12}.yaml`,
      models: [i % 5 === 0 ? "anthropic:claude-haiku" : "openai:gpt-4o-mini"],
      prompt_version: `support@${hashes[i % hashes.length]}`,
      status: i % 17 === 0 ? "failed" : "completed",
      started_at: startedAt(i),
      finished_at: startedAt(i + 1),
      ...overrides,
    });
  const t0 = Date.now();
  for (let i = 0; i < SMALL_RUNS; i++) {
    if (i === SMALL_RUNS / 2) {
      writeRun(
        runOf(BIG_RUN, i, { status: "completed", case_count: 5000, epochs: 4 }),
        BIG_ATTEMPTS,
        (k) => [`case-${String(k % 5000).padStart(5, "0")}`, Math.floor(k / 5000)],
      );
    }
    writeRun(runOf(smallRunId(i), i), SMALL_ATTEMPTS, (k) => [
      `case-${String(k).padStart(2, "0")}`,
      0,
    ]);
    if (i % 500 === 0)
      process.stderr.write(
        `  runs ${i}/${SMALL_RUNS} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
      );
  }

  const text =
    "Customer asks where order A-10023 is; it shipped via UPS and should arrive soon. ".repeat(3);
  const writeTraces = db.transaction((from: number, to: number) => {
    for (let t = from; t < to; t++) {
      const traceId = t.toString(16).padStart(32, "0");
      const base = 1_780_000_000_000 + t * 1000;
      const failed = t % 9 === 0;
      for (let s = 0; s < TRACE_SPANS; s++) {
        insertSpan.run({
          trace_id: traceId,
          span_id: (t * TRACE_SPANS + s).toString(16).padStart(16, "0"),
          parent_span_id: s === 0 ? null : (t * TRACE_SPANS).toString(16).padStart(16, "0"),
          name:
            s === 0
              ? "invoke_agent support"
              : s % 3 === 0
                ? "execute_tool lookup_order"
                : "chat gpt-4o-mini",
          kind: s === 0 ? "internal" : "client",
          start_ms: base + s * 50,
          end_ms: base + s * 50 + 45,
          attributes: JSON.stringify({
            "gen_ai.operation.name": s === 0 ? "invoke_agent" : "chat",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.usage.input_tokens": 400 + s,
            "gen_ai.usage.output_tokens": 60,
            "ratchet.prompt.name": "support",
            "ratchet.prompt.version": hashes[t % hashes.length],
            "gen_ai.output.messages": text,
          }),
          status: JSON.stringify({ code: failed && s === 1 ? "error" : "ok" }),
          events: "[]",
          run_id: null,
          attempt_id: null,
          source: "production",
        });
      }
      insertTrace.run(
        traceId,
        base,
        base + TRACE_SPANS * 50,
        failed ? "failure" : "success",
        TRACE_SPANS,
        new Date(base).toISOString(),
        hashes[t % hashes.length],
        failed ? 1 : 0,
        0.0004,
      );
    }
  });
  for (let t = 0; t < TRACES; t += 10_000) writeTraces(t, Math.min(TRACES, t + 10_000));
  db.close();
  // The spans went in by raw SQL, as an older version's store holds them: computing their
  // cost rollups is what `ratchet ui` does once after an upgrade.
  const tRollups = Date.now();
  const rollups = await openSqliteStore(path);
  const traces = await rollups.costs.refresh({
    chunk: 5000,
    onProgress: (p) => {
      if (p.done % 50_000 < 5000)
        process.stderr.write(`  cost rollups ${p.done} traces, ${p.left} left\n`);
    },
  });
  await rollups.close();
  process.stderr.write(
    `  cost rollups of ${traces} traces in ${((Date.now() - tRollups) / 1000).toFixed(1)} s\n`,
  );
  const db2 = new Database(path);
  db2.exec("ANALYZE");
  db2.pragma("wal_checkpoint(TRUNCATE)");
  db2.prepare("CREATE TABLE bench_shape (v INTEGER NOT NULL)").run();
  db2.prepare("INSERT INTO bench_shape (v) VALUES (?)").run(STORE_SHAPE);
  db2.close();
  process.stderr.write(`  built in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}

function usable(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare("SELECT v FROM bench_shape").pluck().get() === STORE_SHAPE;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

interface Probe {
  name: string;
  path: string;
  /** The page's SQL alone; absent for pages found only in the routes. */
  floor?: () => unknown;
}

/** The pages to time, each with the SQL its handler runs (copied from src/store). */
function probes(db: Database.Database, attemptId: string, hash: string): Probe[] {
  const all = (sql: string, ...p: unknown[]) => db.prepare(sql).all(...p);
  const get = (sql: string, ...p: unknown[]) => db.prepare(sql).get(...p);
  const runsList = (where: string, params: unknown[], limit: number, offset: number) => {
    all(
      `SELECT * FROM runs ${where} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`,
      ...params,
      limit,
      offset,
    );
    get(`SELECT count(*) FROM runs ${where}`, ...params);
  };
  // As store/web.ts: a search counts in its one pass (a window), other lists count apart.
  const attemptsList = (where: string, params: unknown[], offset: number, search = false) => {
    const rows = all(
      `SELECT id, case_id, variant, epoch, status, overall, severity, latency_ms, cost_usd, error,
         substr(output, 1, 160) AS output_head${search ? ", count(*) OVER () AS total" : ""}
       FROM attempts WHERE ${where}
       ORDER BY CASE status WHEN 'error' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END, overall, case_id, epoch
       LIMIT 50 OFFSET ?`,
      ...params,
      offset,
    );
    if (!search || rows.length === 0)
      get(`SELECT count(*) FROM attempts WHERE ${where}`, ...params);
  };
  const run = (id: string) => get("SELECT * FROM runs WHERE id = ?", id);
  const promptsOf = (name: string) => {
    all("SELECT * FROM prompt_versions WHERE name = ? ORDER BY created_at", name);
    all("SELECT * FROM prompt_labels WHERE name = ?", name);
    all("SELECT * FROM prompt_label_events WHERE name = ? ORDER BY id", name);
  };
  // One pass over the hour rollups by purpose, model, agent and day, as cost.rollUpReport needs.
  const costFloor = (sinceMs: number) =>
    all(
      `SELECT k.purpose, k.model, k.provider, k.recorded, k.agent, date(h.hour * 3600, 'unixepoch'),
         total(h.cost_usd), total(h.input_tokens), total(h.output_tokens), sum(h.spans)
       FROM cost_hours h JOIN cost_keys k ON k.id = h.key WHERE h.hour >= ? GROUP BY 1, 2, 3, 4, 5, 6`,
      Math.ceil(sinceMs / 3_600_000),
    );
  const deepRunsPage = Math.floor((SMALL_RUNS + 1) / 50) - 1;
  const deepAttemptsPage = Math.floor(BIG_ATTEMPTS / 50) - 1;
  return [
    {
      name: "overview",
      path: "/",
      floor: () => {
        runsList("", [], 8, 0);
        all("SELECT * FROM gate_decisions ORDER BY created_at DESC, id DESC LIMIT 5");
        all("SELECT * FROM canaries WHERE status = 'running'");
      },
    },
    { name: "runs, first page", path: "/runs", floor: () => runsList("", [], 50, 0) },
    {
      name: `runs, page ${deepRunsPage + 1} (last)`,
      path: `/runs?page=${deepRunsPage}`,
      floor: () => runsList("", [], 50, deepRunsPage * 50),
    },
    {
      name: "runs, suite + status",
      path: "/runs?suite=suites/suite-3.yaml&status=failed",
      floor: () =>
        runsList("WHERE suite = ? AND status = ?", ["suites/suite-3.yaml", "failed"], 50, 0),
    },
    {
      name: "runs, model",
      path: "/runs?model=anthropic:claude-haiku",
      floor: () =>
        runsList(
          "WHERE EXISTS (SELECT 1 FROM json_each(runs.models) m WHERE m.value = ?)",
          ["anthropic:claude-haiku"],
          50,
          0,
        ),
    },
    {
      name: "runs, version prefix",
      path: `/runs?version=support@${hash.slice(0, 8)}`,
      floor: () =>
        runsList(
          "WHERE prompt_version >= ? AND prompt_version < ?",
          [`support@${hash.slice(0, 8)}`, `support@${hash.slice(0, 8)}\uffff`],
          50,
          0,
        ),
    },
    {
      name: "big run (20k), failures first",
      path: `/runs/${BIG_RUN}`,
      floor: () => {
        run(BIG_RUN);
        attemptsList("run_id = ?", [BIG_RUN], 0);
      },
    },
    { name: "big run, breakdown", path: `/runs/${BIG_RUN}/breakdown` },
    {
      name: `big run, page ${deepAttemptsPage + 1} (last)`,
      path: `/runs/${BIG_RUN}?page=${deepAttemptsPage}`,
      floor: () => {
        run(BIG_RUN);
        attemptsList("run_id = ?", [BIG_RUN], deepAttemptsPage * 50);
      },
    },
    {
      name: "big run, failing only",
      path: `/runs/${BIG_RUN}?status=failing`,
      floor: () => {
        run(BIG_RUN);
        attemptsList("run_id = ? AND status IN ('failed', 'error')", [BIG_RUN], 0);
      },
    },
    {
      name: "big run, search",
      path: `/runs/${BIG_RUN}?q=A-10042`,
      floor: () => {
        run(BIG_RUN);
        attemptsList(
          "run_id = ? AND (instr(case_id, ?) > 0 OR instr(output, ?) > 0)",
          [BIG_RUN, "A-10042", "A-10042"],
          0,
          true,
        );
      },
    },
    {
      name: "small run",
      path: `/runs/${smallRunId(123)}`,
      floor: () => {
        run(smallRunId(123));
        attemptsList("run_id = ?", [smallRunId(123)], 0);
      },
    },
    {
      name: "compare two small runs",
      path: `/compare?a=${smallRunId(111)}&b=${smallRunId(123)}`,
    },
    {
      name: "compare big run (20k pairs)",
      path: `/compare?a=${BIG_RUN}&b=${BIG_RUN}`,
    },
    {
      name: "attempt",
      path: `/attempts/${attemptId}`,
      floor: () => get("SELECT * FROM attempts WHERE id = ?", attemptId),
    },
    {
      name: "prompts",
      path: "/prompts",
      floor: () => {
        all("SELECT DISTINCT name FROM prompt_versions ORDER BY name");
        all("SELECT * FROM prompt_labels");
      },
    },
    { name: "prompt support", path: "/prompts/support", floor: () => promptsOf("support") },
    {
      name: "prompt version",
      path: `/prompts/support/${hash.slice(0, 12)}`,
      floor: () =>
        all(
          "SELECT * FROM prompt_versions WHERE name = ? AND hash >= ? LIMIT 2",
          "support",
          hash.slice(0, 12),
        ),
    },
    {
      name: "rollback confirmation",
      path: "/prompts/support/rollback?label=production",
      floor: () => promptsOf("support"),
    },
    // The production traces' day (700,000 spans) and all time (1,000,000 spans); the default
    // window (30 days back from now) holds nothing in this store.
    {
      name: "cost, production day",
      path: "/cost?since=2026-05-28",
      floor: () => costFloor(Date.parse("2026-05-28")),
    },
    {
      name: "cost, all time",
      path: "/cost?since=2020-01-01",
      floor: () => costFloor(Date.parse("2020-01-01")),
    },
    // A window that starts mid-hour: its first half hour is read span by span.
    { name: "cost, from mid-hour", path: "/cost?since=2026-05-29T08:30:00Z" },
  ];
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

export interface PageTiming {
  name: string;
  path: string;
  status: number;
  /** The warm-up request: cold statements and page cache, and no cached comparison. */
  firstMs: number;
  medianMs: number;
  p95Ms: number;
  floorMedianMs?: number;
  floorP95Ms?: number;
}

export async function runUiBench(path: string, requests: number): Promise<PageTiming[]> {
  const store = await openSqliteStore(path);
  const token = "bench-read-token-0123456789";
  const app = createWebApp({ store, readToken: token, writeToken: "bench-write-token-0123456789" });
  const floorDb = new Database(path, { readonly: true });
  try {
    const attemptId = floorDb
      .prepare("SELECT id FROM attempts WHERE run_id = ? AND status = 'failed' LIMIT 1")
      .pluck()
      .get(BIG_RUN) as string;
    const hash = floorDb
      .prepare(
        "SELECT hash FROM prompt_versions WHERE name = 'support' ORDER BY created_at LIMIT 1 OFFSET 4",
      )
      .pluck()
      .get() as string;
    const list = probes(floorDb, attemptId, hash);
    // Pages other helpers registered: every parameterless GET route not timed above.
    const known = new Set(list.map((p) => new URL(p.path, "http://x").pathname));
    for (const route of app.routes) {
      if (route.method !== "GET" || route.path.includes(":") || route.path.includes("*")) continue;
      if (known.has(route.path) || ["/login", "/healthz"].includes(route.path)) continue;
      known.add(route.path);
      list.push({ name: `route ${route.path}`, path: route.path });
    }
    const headers = { authorization: `Bearer ${token}` };
    const pageTimes = list.map(() => [] as number[]);
    const floorTimes = list.map(() => [] as number[]);
    const statuses = list.map(() => 0);
    const firsts = list.map(() => 0);
    // One warm-up round (statement preparation, page cache), then N timed rounds.
    for (let round = -1; round < requests; round++) {
      for (const [i, probe] of list.entries()) {
        let t = performance.now();
        const response = await app.request(probe.path, { headers });
        await response.text();
        const pageMs = performance.now() - t;
        statuses[i] = response.status;
        t = performance.now();
        probe.floor?.();
        const floorMs = performance.now() - t;
        if (round < 0) firsts[i] = pageMs;
        if (round >= 0) {
          pageTimes[i]?.push(pageMs);
          if (probe.floor) floorTimes[i]?.push(floorMs);
        }
      }
    }
    return list.map((probe, i) => {
      const pages = (pageTimes[i] ?? []).sort((a, b) => a - b);
      const floors = (floorTimes[i] ?? []).sort((a, b) => a - b);
      return {
        name: probe.name,
        path: probe.path,
        status: statuses[i] ?? 0,
        firstMs: firsts[i] ?? Number.NaN,
        medianMs: quantile(pages, 0.5),
        p95Ms: quantile(pages, 0.95),
        ...(floors.length > 0
          ? { floorMedianMs: quantile(floors, 0.5), floorP95Ms: quantile(floors, 0.95) }
          : {}),
      };
    });
  } finally {
    floorDb.close();
    await store.close();
  }
}

function report(rows: PageTiming[], requests: number, path: string): void {
  const f = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(1));
  console.log(
    `ui bench: ${requests} requests per page; store ${path} (100,000 attempts, 1,000,000 spans); target ${TARGET_MS} ms`,
  );
  console.log(
    `  ${"page".padEnd(32)} ${"status".padStart(6)} ${"first".padStart(8)} ${"median".padStart(8)} ${"p95".padStart(8)} ${"p95/target".padStart(10)} ${"floor med".padStart(10)} ${"floor p95".padStart(10)} ${"ours/floor".padStart(10)}`,
  );
  for (const r of rows) {
    const ratio = r.floorMedianMs ? `${(r.medianMs / r.floorMedianMs).toFixed(1)}×` : "—";
    console.log(
      `  ${r.name.padEnd(32)} ${String(r.status).padStart(6)} ${f(r.firstMs).padStart(8)} ${f(r.medianMs).padStart(8)} ${f(r.p95Ms).padStart(8)} ${`${((r.p95Ms / TARGET_MS) * 100).toFixed(1)}%`.padStart(10)} ${f(r.floorMedianMs).padStart(10)} ${f(r.floorP95Ms).padStart(10)} ${ratio.padStart(10)}`,
    );
  }
  const missed = rows.filter((r) => r.p95Ms >= TARGET_MS || r.status !== 200);
  console.log(
    missed.length === 0
      ? `  every page under ${TARGET_MS} ms at p95`
      : `  MISSED: ${missed.map((r) => `${r.name} (${r.status}, p95 ${f(r.p95Ms)} ms)`).join("; ")}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flags = parseFlags(process.argv.slice(2));
  const requests = intFlag(flags, "requests", 20);
  const path = flags.get("db") ?? join(tmpdir(), "ratchet-bench-ui.db");
  if (flags.has("fresh") || !usable(path)) {
    process.stderr.write(`building the bench store at ${path} …\n`);
    await generate(path);
  }
  const rows = await runUiBench(path, requests);
  report(rows, requests, path);
  if (rows.some((r) => r.status !== 200)) process.exitCode = 1;
}
