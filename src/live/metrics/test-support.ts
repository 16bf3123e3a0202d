import type { JsonValue, Span } from "../../core/index.js";
import type { NewFailure, Store } from "../../store/index.js";

/** Builders that write loop records through the real store API, for the metrics' tests. */

export function failure(trace: string, at: string, over: Partial<NewFailure> = {}): NewFailure {
  return {
    trace_id: trace,
    detector: "tool-error",
    signal_type: "hard_error",
    severity: "high",
    weight: 1,
    base_score: 0.5,
    timestamp: at,
    input: "where is my order?",
    output: "Sorry.",
    tool_calls: [],
    reason: "a tool call failed",
    context: {},
    redacted_text: "user: where is my order?",
    // Distinct by default: equal fingerprints would make later ones duplicates.
    fingerprint: `fp-${trace}`,
    ...over,
  };
}

export async function addFailure(
  store: Store,
  trace: string,
  at: string,
  over: Partial<NewFailure> = {},
): Promise<string> {
  return (await store.failures.record(failure(trace, at, over))).failure.id;
}

const STATS = {
  severity: {},
  signal_types: {},
  tools: {},
  agents: {},
  detectors: {},
  graders: {},
  per_day: [],
  trend: "new" as const,
};

/** One cluster build holding the given clusters and their members. */
export async function addClusters(
  store: Store,
  clusters: Record<string, string[]>,
  at = "2026-03-01T00:00:00.000Z",
): Promise<void> {
  const build = `build_${Object.keys(clusters).join("_")}`;
  const all = Object.values(clusters).flat();
  await store.clusters.saveBuild(
    {
      id: build,
      created_at: at,
      method: "hdbscan",
      embedder: "lsa",
      params: {},
      failures: all.length,
      clusters: Object.keys(clusters).length,
      unclustered: 0,
    },
    Object.entries(clusters).map(([id, members]) => ({
      id,
      status: "open" as const,
      label: `label of ${id}`,
      keywords: [],
      size: members.length,
      first_seen: at,
      last_seen: at,
      stats: STATS,
      representatives: members.slice(0, 1),
      created_at: at,
      updated_at: at,
      build_id: build,
    })),
    Object.entries(clusters).flatMap(([id, members]) =>
      members.map((failure_id) => ({ cluster_id: id, failure_id, similarity: 0.9 })),
    ),
    all,
  );
}

/** A draft made at `created`, approved at `approved`. */
export async function approveDraft(
  store: Store,
  id: string,
  from: { cluster?: string; failures?: string[] },
  created: string,
  approved: string,
): Promise<void> {
  await store.evalDrafts.save({
    id,
    created_at: created,
    cluster_id: from.cluster ?? null,
    failure_ids: from.failures ?? [],
    case: { id: `case-${id}` },
    fixture: {},
    status: "draft",
    reason: null,
    reviewer: null,
    reviewed_at: null,
    target_suite: null,
    confirm: null,
  });
  await store.evalDrafts.review(id, {
    status: "approved",
    reviewer: "alice",
    reviewed_at: approved,
    case: { id: `case-${id}`, owner: "support", severity: "blocking" },
  });
}

export interface RegressionSpec {
  caseId: string;
  severity?: string;
  flaky?: boolean;
}

export async function addDecision(
  store: Store,
  id: string,
  at: string,
  verdict: "promote" | "block" | "inconclusive",
  cases: number,
  regressions: RegressionSpec[] = [],
  prompt = "support",
): Promise<void> {
  const evidence: JsonValue = {
    cases,
    verdict: {
      verdict,
      reasons: [],
      regressions: regressions.map((r) => ({
        caseId: r.caseId,
        severity: r.severity ?? "blocking",
        championPassRate: 1,
        challengerPassRate: 0,
        epochs: 3,
        flaky: r.flaky ?? false,
      })),
      fixes: [],
      dimensions: [],
    },
  };
  await store.gate.saveDecision({
    id,
    created_at: at,
    prompt_name: prompt,
    champion: `${prompt}@aaa`,
    challenger: `${prompt}@bbb`,
    change_type: "prompt",
    verdict,
    reasons: [],
    actor: "alice",
    champion_runs: [],
    challenger_runs: [],
    evidence,
  });
}

/** Prompt versions `v1`, `v2`, `v3` of `name`, so that labels can move between them. */
export async function addVersions(store: Store, name = "support"): Promise<void> {
  for (const hash of ["v1", "v2", "v3"]) {
    await store.prompts.saveVersion({
      name,
      hash,
      content: `prompt ${hash}`,
      parents: [],
      author: "alice",
      author_kind: "human",
      created_at: "2026-01-01T00:00:00.000Z",
    });
  }
}

/** A production trace; `version` tags its root span, `root: false` leaves only a child span. */
export function traceSpans(
  id: string,
  startMs: number,
  options: { version?: string; root?: boolean } = {},
): Span[] {
  const attributes: Span["attributes"] =
    options.version !== undefined
      ? { "ratchet.prompt.name": "support", "ratchet.prompt.version": options.version }
      : {};
  return [
    {
      trace_id: id,
      span_id: `${id}-1`,
      ...(options.root === false ? { parent_span_id: `${id}-0` } : {}),
      name: "invoke_agent support",
      kind: "internal",
      start_ms: startMs,
      end_ms: startMs + 1000,
      attributes,
      status: { code: "ok" },
      events: [],
    },
  ];
}
