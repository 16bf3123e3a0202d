import type BetterSqlite3 from "better-sqlite3";
import { InputError } from "../core/index.js";

/**
 * Schema versions, append-only: a released migration is never edited, only followed by a
 * new one, because databases in the wild have already applied it. Later tables (failures,
 * clusters, prompt_versions, gate_decisions) arrive as new entries here.
 *
 * Plain SQL rather than Kysely's schema builder so that what ran on a user's database is
 * exactly the text below, whatever Kysely version compiles it.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "runs_attempts_spans_cache",
    sql: `
CREATE TABLE runs (
  id TEXT PRIMARY KEY NOT NULL,
  pipeline TEXT NOT NULL,
  suite TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  prompt_version TEXT,
  agent_kind TEXT NOT NULL,
  models TEXT NOT NULL,
  seed INTEGER NOT NULL,
  epochs INTEGER NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  purpose TEXT NOT NULL,
  totals TEXT,
  config_snapshot TEXT NOT NULL,
  case_count INTEGER NOT NULL,
  threshold REAL
) STRICT;
CREATE INDEX runs_started ON runs (started_at, id);
CREATE INDEX runs_pipeline ON runs (pipeline, started_at);

CREATE TABLE attempts (
  id TEXT PRIMARY KEY NOT NULL,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  variant TEXT NOT NULL,
  case_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  status TEXT NOT NULL,
  output TEXT NOT NULL,
  messages TEXT NOT NULL,
  tool_calls TEXT NOT NULL,
  side_effects TEXT NOT NULL,
  spans TEXT NOT NULL,
  scores TEXT NOT NULL,
  dimension_scores TEXT NOT NULL,
  overall REAL NOT NULL,
  error TEXT,
  usage TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  latency_ms REAL NOT NULL,
  retries INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  tags TEXT NOT NULL,
  severity TEXT NOT NULL
) STRICT;
-- Column order (case_id, epoch, variant) so that the uniqueness index also serves the
-- streaming order of iterateAttempts.
CREATE UNIQUE INDEX attempts_key ON attempts (run_id, case_id, epoch, variant);
CREATE INDEX attempts_status ON attempts (run_id, status);
CREATE INDEX attempts_overall ON attempts (run_id, overall);
CREATE INDEX attempts_cost ON attempts (run_id, cost_usd);
CREATE INDEX attempts_latency ON attempts (run_id, latency_ms);

-- Spans of evaluation attempts (also kept inside attempts.spans) and, later, ingested
-- production traces. No uniqueness on (trace_id, span_id): seeded replays repeat ids.
CREATE TABLE spans (
  id INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_ms REAL NOT NULL,
  end_ms REAL NOT NULL,
  attributes TEXT NOT NULL,
  status TEXT NOT NULL,
  events TEXT NOT NULL,
  run_id TEXT REFERENCES runs (id) ON DELETE CASCADE,
  attempt_id TEXT REFERENCES attempts (id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('eval', 'production'))
) STRICT;
CREATE INDEX spans_trace ON spans (trace_id, span_id);
CREATE INDEX spans_attempt ON spans (attempt_id) WHERE attempt_id IS NOT NULL;
CREATE INDEX spans_run ON spans (run_id) WHERE run_id IS NOT NULL;

CREATE TABLE cache (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
) STRICT;
CREATE INDEX cache_expires ON cache (expires_at) WHERE expires_at IS NOT NULL;
`,
  },
  {
    version: 2,
    name: "production_traces",
    sql: `
-- One row per production trace, kept up to date as its spans arrive (any order, any batch).
CREATE TABLE traces (
  trace_id TEXT PRIMARY KEY NOT NULL,
  started_ms REAL NOT NULL,
  ended_ms REAL NOT NULL,
  root_name TEXT,
  agent TEXT,
  outcome TEXT,
  feedback_score REAL,
  span_count INTEGER NOT NULL,
  source_format TEXT,
  ingested_at TEXT NOT NULL
) STRICT;
CREATE INDEX traces_started ON traces (started_ms, trace_id);
CREATE INDEX traces_outcome ON traces (outcome, started_ms) WHERE outcome IS NOT NULL;
-- Production spans are unique per (trace, span) so that a re-sent batch or a re-imported
-- file adds nothing; eval spans stay exempt (seeded replays repeat ids).
CREATE UNIQUE INDEX spans_production_key ON spans (trace_id, span_id) WHERE source = 'production';
`,
  },
  {
    version: 3,
    name: "failures_triage",
    sql: `
-- Mined failure signals: one row per (trace, detector); near-identical failures point at the
-- first one through duplicate_of and raise its count.
CREATE TABLE failures (
  id TEXT PRIMARY KEY NOT NULL,
  trace_id TEXT NOT NULL,
  detector TEXT NOT NULL,
  signal_type TEXT NOT NULL,
  severity TEXT NOT NULL,
  weight REAL NOT NULL,
  base_score REAL NOT NULL,
  score REAL NOT NULL,
  timestamp TEXT NOT NULL,
  agent TEXT,
  input TEXT NOT NULL,
  output TEXT NOT NULL,
  tool_calls TEXT NOT NULL,
  error TEXT,
  reason TEXT NOT NULL,
  context TEXT NOT NULL,
  redacted_text TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  cluster_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('new', 'accepted', 'dismissed', 'duplicate')),
  duplicate_of TEXT REFERENCES failures (id) ON DELETE SET NULL,
  count INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX failures_trace_detector ON failures (trace_id, detector);
CREATE INDEX failures_fingerprint ON failures (fingerprint, first_seen) WHERE duplicate_of IS NULL;
CREATE INDEX failures_duplicate_of ON failures (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX failures_rank ON failures (status, score);
CREATE INDEX failures_last_seen ON failures (last_seen);
CREATE INDEX failures_cluster ON failures (cluster_id) WHERE cluster_id IS NOT NULL;

-- Triage history: appended, never overwritten.
CREATE TABLE failure_triage (
  id INTEGER PRIMARY KEY,
  failure_id TEXT NOT NULL REFERENCES failures (id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  triaged_by TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT,
  duplicate_of TEXT
) STRICT;
CREATE INDEX failure_triage_failure ON failure_triage (failure_id, id);

-- Where incremental mining stopped: the highest spans.id already mined.
CREATE TABLE mining_cursor (
  name TEXT PRIMARY KEY NOT NULL,
  span_rowid INTEGER NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
`,
  },
  {
    version: 4,
    name: "judge_calibrations",
    sql: `
-- One row per calibration of a judge against human labels; a judge version is the hash of
-- its prompt, model and params, so drift is judged between rows of the same version.
CREATE TABLE judge_calibrations (
  id INTEGER PRIMARY KEY,
  judge TEXT NOT NULL,
  version TEXT NOT NULL,
  model TEXT NOT NULL,
  mode TEXT NOT NULL,
  labels_file TEXT NOT NULL,
  n INTEGER NOT NULL,
  accuracy REAL NOT NULL,
  kappa REAL NOT NULL,
  kappa_se REAL NOT NULL,
  threshold REAL,
  cost_usd REAL NOT NULL,
  details TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX judge_calibrations_version ON judge_calibrations (version, created_at);
CREATE INDEX judge_calibrations_judge ON judge_calibrations (judge, created_at);
`,
  },
  {
    version: 5,
    name: "lighter_write_indexes",
    sql: `
-- Every index is one more B-tree page written per insert. No query filters or sorts attempts
-- by score, cost or latency (run percentiles are streamed), so those three go; each cost
-- ~0.03 ms of CPU per attempt at 1,000 attempts/s (bench/runner).
DROP INDEX attempts_overall;
DROP INDEX attempts_cost;
DROP INDEX attempts_latency;
-- Production spans already have spans_production_key on (trace_id, span_id); a second full
-- index on the same columns doubled the index work of every ingested span (bench/ingest).
DROP INDEX spans_trace;
CREATE INDEX spans_eval_trace ON spans (trace_id, span_id) WHERE source = 'eval';
`,
  },
  {
    version: 6,
    name: "span_resource_scope_links",
    sql: `
-- Spans received over OTLP keep their whole resource, their instrumentation scope (name,
-- version, attributes) and their links, as JSON; NULL where a span had none (evaluation
-- spans, file imports of conversation formats). Nullable columns: no rewrite of the table.
ALTER TABLE spans ADD COLUMN resource TEXT;
ALTER TABLE spans ADD COLUMN scope TEXT;
ALTER TABLE spans ADD COLUMN links TEXT;
`,
  },
  {
    version: 7,
    name: "judge_calibration_labels_hash",
    sql: `
-- Drift compares calibrations on the same labels only: the hash of the label set's content.
-- Older rows keep NULL (their label set is unknown) and are never compared with.
ALTER TABLE judge_calibrations ADD COLUMN labels_hash TEXT;
CREATE INDEX judge_calibrations_labels ON judge_calibrations (judge, labels_hash, created_at);
`,
  },
  {
    version: 8,
    name: "prompt_registry",
    sql: `
-- Prompt versions are content-addressed (hash = sha256 of the canonical JSON of content and
-- settings) and never change; a name's versions are pruned only by retention.
CREATE TABLE prompt_versions (
  name TEXT NOT NULL,
  hash TEXT NOT NULL,
  content TEXT NOT NULL,
  settings TEXT,
  parents TEXT NOT NULL,
  author TEXT NOT NULL,
  author_kind TEXT NOT NULL CHECK (author_kind IN ('human', 'optimizer')),
  rationale TEXT,
  target_cluster TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (name, hash)
) STRICT;
CREATE INDEX prompt_versions_created ON prompt_versions (name, created_at);

-- Labels move; a label can only point at a version that exists.
CREATE TABLE prompt_labels (
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  hash TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (name, label),
  FOREIGN KEY (name, hash) REFERENCES prompt_versions (name, hash)
) STRICT;

-- Every label move, appended, never rewritten: rollback replays it.
CREATE TABLE prompt_label_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  from_hash TEXT,
  to_hash TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('set', 'rollback', 'promote', 'remove')),
  actor TEXT NOT NULL,
  reason TEXT,
  decision_id TEXT,
  at TEXT NOT NULL
) STRICT;
CREATE INDEX prompt_label_events_label ON prompt_label_events (name, label, id);

-- Versions something outside the registry (a gate decision) points at: never pruned.
CREATE TABLE prompt_pins (
  name TEXT NOT NULL,
  hash TEXT NOT NULL,
  pinned_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (name, hash, pinned_by),
  FOREIGN KEY (name, hash) REFERENCES prompt_versions (name, hash)
) STRICT;
-- Retention asks which runs used a version of a name.
CREATE INDEX runs_prompt_version ON runs (prompt_version) WHERE prompt_version IS NOT NULL;
`,
  },
  {
    version: 9,
    name: "gate_decisions_case_hash",
    sql: `
-- Which exact case an attempt ran (sha256 of the case as validated, without where it was read
-- from): the gate reuses a stored attempt only when the case is unchanged. NULL on older rows,
-- which are never reused.
ALTER TABLE attempts ADD COLUMN case_hash TEXT;
CREATE INDEX runs_prompt_version_reuse ON runs (prompt_version, config_hash, seed)
  WHERE prompt_version IS NOT NULL;

-- A gate decision is written once and never updated: its evidence is what the verdict saw.
-- A promotion it caused is a label event pointing back at it (prompt_label_events.decision_id).
CREATE TABLE gate_decisions (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  prompt_name TEXT NOT NULL,
  champion TEXT NOT NULL,
  challenger TEXT NOT NULL,
  change_type TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('promote', 'block', 'inconclusive')),
  reasons TEXT NOT NULL,
  actor TEXT NOT NULL,
  champion_runs TEXT NOT NULL,
  challenger_runs TEXT NOT NULL,
  evidence TEXT NOT NULL
) STRICT;
CREATE INDEX gate_decisions_created ON gate_decisions (created_at, id);
CREATE INDEX gate_decisions_prompt ON gate_decisions (prompt_name, created_at);
`,
  },
  {
    version: 10,
    name: "failure_clusters",
    sql: `
-- One row per \`clusters build\`: what was clustered, how, and what came out.
CREATE TABLE cluster_builds (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  method TEXT NOT NULL,
  embedder TEXT NOT NULL,
  params TEXT NOT NULL,
  failures INTEGER NOT NULL,
  clusters INTEGER NOT NULL,
  unclustered INTEGER NOT NULL
) STRICT;

-- A cluster keeps its id across builds while it continues (matched by members, then
-- centroid); one no build continues is retired, never deleted, so drafts and decisions that
-- name it still resolve.
CREATE TABLE clusters (
  id TEXT PRIMARY KEY NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'retired')),
  label TEXT NOT NULL,
  keywords TEXT NOT NULL,
  description TEXT,
  size INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  stats TEXT NOT NULL,
  representatives TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  build_id TEXT NOT NULL REFERENCES cluster_builds (id)
) STRICT;
CREATE INDEX clusters_status ON clusters (status, size);

CREATE TABLE cluster_members (
  cluster_id TEXT NOT NULL REFERENCES clusters (id),
  failure_id TEXT NOT NULL REFERENCES failures (id) ON DELETE CASCADE,
  similarity REAL NOT NULL,
  PRIMARY KEY (cluster_id, failure_id)
) STRICT;
CREATE INDEX cluster_members_failure ON cluster_members (failure_id);
`,
  },
  {
    version: 11,
    name: "eval_drafts",
    sql: `
-- Regression cases drafted from failures, waiting for (or past) a person's review. The case
-- is the suite case as it will be written; nothing reaches a suite file before approval.
CREATE TABLE eval_drafts (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  cluster_id TEXT,
  failure_ids TEXT NOT NULL,
  case_json TEXT NOT NULL,
  fixture TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'rejected', 'discarded')),
  reason TEXT,
  reviewer TEXT,
  reviewed_at TEXT,
  target_suite TEXT,
  confirm TEXT
) STRICT;
CREATE INDEX eval_drafts_status ON eval_drafts (status, created_at);
`,
  },
  {
    version: 12,
    name: "optimizations_and_cycles",
    sql: `
-- One optimization (\`ratchet optimize\`, or one inside an improvement cycle): its settings,
-- budget, targets and outcome as a JSON document, the columns lists filter on beside it.
CREATE TABLE optimizations (
  id TEXT PRIMARY KEY NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status TEXT NOT NULL,
  prompt_name TEXT NOT NULL,
  cycle_id TEXT,
  doc TEXT NOT NULL
) STRICT;
CREATE INDEX optimizations_created ON optimizations (created_at);

-- Every proposal with its patch, evidence, per-split scores and verdict; never rewritten.
CREATE TABLE optimization_proposals (
  id TEXT PRIMARY KEY NOT NULL,
  optimization_id TEXT NOT NULL REFERENCES optimizations (id),
  seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  verdict TEXT NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (optimization_id, seq)
) STRICT;

-- One \`ratchet improve\` cycle: its phase (for resuming), decisions, spend and outcome.
CREATE TABLE cycles (
  id TEXT PRIMARY KEY NOT NULL,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status TEXT NOT NULL,
  phase TEXT NOT NULL,
  prompt_name TEXT NOT NULL,
  doc TEXT NOT NULL
) STRICT;
CREATE INDEX cycles_started ON cycles (started_at);
`,
  },
  {
    version: 13,
    name: "live_side",
    sql: `
-- Which prompt version served a production trace (the client's ratchet.prompt.* span
-- attributes), and the per-trace numbers live metrics aggregate in SQL.
ALTER TABLE traces ADD COLUMN prompt_name TEXT;
ALTER TABLE traces ADD COLUMN prompt_version TEXT;
ALTER TABLE traces ADD COLUMN error_spans INTEGER NOT NULL DEFAULT 0;
ALTER TABLE traces ADD COLUMN cost_usd REAL;
UPDATE traces SET
  prompt_name = (SELECT json_extract(s.attributes, '$."ratchet.prompt.name"') FROM spans s
    WHERE s.trace_id = traces.trace_id AND s.source = 'production'
      AND json_extract(s.attributes, '$."ratchet.prompt.name"') IS NOT NULL LIMIT 1),
  prompt_version = (SELECT json_extract(s.attributes, '$."ratchet.prompt.version"') FROM spans s
    WHERE s.trace_id = traces.trace_id AND s.source = 'production'
      AND json_extract(s.attributes, '$."ratchet.prompt.version"') IS NOT NULL LIMIT 1),
  error_spans = (SELECT count(*) FROM spans s WHERE s.trace_id = traces.trace_id
    AND s.source = 'production' AND json_extract(s.status, '$.code') = 'error');
CREATE INDEX traces_prompt ON traces (prompt_name, prompt_version) WHERE prompt_name IS NOT NULL;

-- A canary: a share of one label's traffic served by a candidate version, watched by an
-- always-valid sequential test. Arms are the traces ingested after start_seq (the traces
-- rowid when it started), so a jumping application clock cannot move a trace between arms.
CREATE TABLE canaries (
  id TEXT PRIMARY KEY NOT NULL,
  prompt_name TEXT NOT NULL,
  label TEXT NOT NULL,
  control_hash TEXT NOT NULL,
  candidate_hash TEXT NOT NULL,
  traffic REAL NOT NULL,
  status TEXT NOT NULL,
  start_seq INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  doc TEXT NOT NULL
) STRICT;
-- At most one running canary per (prompt, label).
CREATE UNIQUE INDEX canaries_running ON canaries (prompt_name, label) WHERE status = 'running';

-- Everything the live side did or saw, keyed so that one event is acted on once: a second
-- watch process (or a restart in the middle of an action) finds the key taken.
CREATE TABLE live_events (
  key TEXT PRIMARY KEY NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  prompt_name TEXT,
  canary_id TEXT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  doc TEXT NOT NULL
) STRICT;
CREATE INDEX live_events_seq ON live_events (seq);

-- Who may act: one watch process holds a lease it renews; others stand by.
CREATE TABLE live_leases (
  name TEXT PRIMARY KEY NOT NULL,
  holder TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  expires_ms REAL NOT NULL,
  ttl_ms REAL NOT NULL
) STRICT;

-- Per-trace scores the live side computed (a judge on a sample of traces).
CREATE TABLE live_scores (
  trace_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  scored_at TEXT NOT NULL,
  PRIMARY KEY (trace_id, metric)
) STRICT;
`,
  },
  {
    version: 14,
    name: "shadows",
    sql: `
-- A shadow run: recent production inputs replayed through a challenger prompt version (tools
-- answered from the recorded results) and compared with the champion's recorded outputs. The
-- per-input outcomes and totals are the live module's JSON document; the gate reads the
-- newest completed one of a challenger version as the evidence a model change needs.
CREATE TABLE shadows (
  id TEXT PRIMARY KEY NOT NULL,
  prompt_name TEXT NOT NULL,
  challenger_hash TEXT NOT NULL,
  champion_hash TEXT,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  doc TEXT NOT NULL
) STRICT;
CREATE INDEX shadows_challenger ON shadows (prompt_name, challenger_hash, created_at);
CREATE INDEX shadows_created ON shadows (created_at);
`,
  },
  {
    version: 15,
    name: "attempts_failures_first",
    sql: `
-- The dashboard lists a run's attempts failures first. Without an index in that order a page
-- of a 20,000-attempt run sorted every row (and read its output): 0.3-0.6 s at a deep page
-- (bench/ui). The expression must stay the same as the ORDER BY in store/web.ts.
CREATE INDEX attempts_failures_first ON attempts
  (run_id, (CASE status WHEN 'error' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END), overall, case_id, epoch);
`,
  },
  {
    version: 16,
    name: "eval_drafts_suite_snapshots",
    sql: `
-- The content hash of each suite file a draft was checked against when it was made, as JSON
-- {path relative to the project: sha256 hex, or null when the file did not exist}; approval
-- compares it with the file as it is then. NULL for drafts made before this column.
ALTER TABLE eval_drafts ADD COLUMN suite_snapshots TEXT;
`,
  },
  {
    version: 17,
    name: "confirmation_runs",
    sql: `
-- A draft's confirmation run (the champion on the draft alone) was stored with purpose
-- 'evaluation'; it now has its own purpose. The drafts name their runs, so the old ones are
-- relabelled exactly; a run no draft names is left as it was.
UPDATE runs SET purpose = 'confirmation'
WHERE purpose = 'evaluation'
  AND id IN (SELECT json_extract(confirm, '$.run_id') FROM eval_drafts WHERE confirm IS NOT NULL);
`,
  },
  {
    version: 18,
    name: "spans_start_ms",
    sql: `
-- Cost reports (dashboard /cost, \`ratchet cost\`) read the spans of a time window, by default
-- the last 30 days. Without an index every report read every span of the store: 1-4 s on
-- 1,000,000 spans (bench/ui) even for a window with none in it.
CREATE INDEX spans_start_ms ON spans (start_ms);
`,
  },
  {
    version: 19,
    name: "cost_rollups",
    sql: `
-- Cost reports read spend from rollups kept as spans arrive, not from span JSON at report
-- time (that took 1.2-1.6 s for a window of 100,000 spans and about 20 s for 1,000,000).
-- A span insert marks its trace (per attempt for eval spans) dirty; store.costs.refresh()
-- recomputes each dirty trace's spending spans into span_costs and moves their sums into
-- cost_hours. Dimensions hold '' for "none" so that they can be part of a unique key.
CREATE TABLE cost_dirty (
  source TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  akey TEXT NOT NULL,
  PRIMARY KEY (source, trace_id, akey)
) WITHOUT ROWID;

CREATE TRIGGER spans_cost_dirty AFTER INSERT ON spans BEGIN
  INSERT OR IGNORE INTO cost_dirty (source, trace_id, akey)
  VALUES (new.source, new.trace_id, coalesce(new.attempt_id, ''));
END;

-- A span's purpose and prompt version come from its run; a run stored after its spans (an
-- import, a tool of the user's) makes them dirty again.
CREATE TRIGGER runs_cost_dirty AFTER INSERT ON runs BEGIN
  INSERT OR IGNORE INTO cost_dirty (source, trace_id, akey)
  SELECT source, trace_id, coalesce(attempt_id, '') FROM spans WHERE run_id = new.id;
END;

-- The traces whose spend is kept, and each distinct combination of report dimensions, as
-- small integers: the per-span rows below carry two integers instead of a dozen strings
-- (bench/ui store: 75 MB instead of 250 MB for 830,000 spending spans).
CREATE TABLE cost_traces (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  akey TEXT NOT NULL,
  UNIQUE (source, trace_id, akey)
);
CREATE TABLE cost_keys (
  id INTEGER PRIMARY KEY,
  purpose TEXT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  recorded INTEGER NOT NULL,
  agent TEXT NOT NULL,
  tool TEXT NOT NULL,
  name TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  run_id TEXT NOT NULL,
  cycle TEXT NOT NULL,
  UNIQUE (purpose, model, provider, recorded, agent, tool, name, prompt_version, run_id, cycle)
);

-- One row per span that carries spend.
CREATE TABLE span_costs (
  trace INTEGER NOT NULL,
  start_ms REAL NOT NULL,
  key INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  input_tokens REAL NOT NULL,
  output_tokens REAL NOT NULL,
  cached_input_tokens REAL NOT NULL
);
CREATE INDEX span_costs_trace ON span_costs (trace);
CREATE INDEX span_costs_start ON span_costs (start_ms);

-- The same spend summed per UTC hour and dimensions: whole hours of a report window are
-- read from here, the partial hours at its ends from span_costs.
CREATE TABLE cost_hours (
  hour INTEGER NOT NULL,
  key INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  input_tokens REAL NOT NULL,
  output_tokens REAL NOT NULL,
  cached_input_tokens REAL NOT NULL,
  spans INTEGER NOT NULL,
  PRIMARY KEY (hour, key)
) WITHOUT ROWID;

-- Every trace already stored is computed on the first refresh.
INSERT OR IGNORE INTO cost_dirty (source, trace_id, akey)
SELECT source, trace_id, coalesce(attempt_id, '') FROM spans;
`,
  },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

export interface MigrationResult {
  from: number;
  to: number;
}

/**
 * Bring the database to the latest schema. Runs under BEGIN IMMEDIATE so that two
 * processes opening a fresh file at once apply each migration exactly once.
 */
export function migrate(
  db: BetterSqlite3.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): MigrationResult {
  const latest = migrations.at(-1)?.version ?? 0;
  const run = db.transaction((): MigrationResult => {
    const hasTable =
      db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        .get() !== undefined;
    if (!hasTable) {
      const foreign = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .pluck()
        .all() as string[];
      if (foreign.length > 0) {
        throw new InputError(
          `${path} is a SQLite database but not a Ratchet store (it has tables ${foreign
            .slice(0, 5)
            .join(", ")} and no schema_migrations)`,
        );
      }
      db.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT",
      );
    }
    const applied = db
      .prepare("SELECT version, name FROM schema_migrations ORDER BY version")
      .all() as Array<{ version: number; name: string }>;
    const current = applied.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new InputError(
        `${path} has store schema version ${current}, newer than this build of Ratchet knows (${latest}); upgrade Ratchet to open it`,
      );
    }
    for (const row of applied) {
      const known = migrations.find((m) => m.version === row.version);
      if (known === undefined || known.name !== row.name) {
        throw new InputError(
          `${path} has store migration ${row.version} "${row.name}", which this build of Ratchet does not recognise`,
        );
      }
    }
    const insert = db.prepare(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
    );
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      insert.run(migration.version, migration.name, new Date().toISOString());
    }
    return { from: current, to: latest };
  });
  return run.immediate();
}
