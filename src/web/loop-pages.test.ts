import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { routesToCandidate } from "../client/route.js";
import { defaultConfig } from "../config/index.js";
import type { RunTotals } from "../core/index.js";
import type { GateEvidence } from "../gate/index.js";
import { type CanaryDoc, lookAndAct, startCanary } from "../live/index.js";
import { requestSpans, traceIdOf } from "../live/traffic.js";
import { BUILTIN_PRESETS, type CycleRecord } from "../loop/index.js";
import type { OptimizationRecord, ProposalRecord } from "../optimize/types.js";
import { addPrompt, labelPrompt } from "../prompts/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { sampleRun } from "../store/test-support/samples.js";
import { createWebApp } from "./index.js";
import { scoreChart } from "./pages/chart.js";

const READ = "read-token-for-tests";
const WRITE = "write-token-for-tests";
const EVIL = `<script>alert("x")</script>`;

let store: Store;
let v1: string;
let v2: string;

beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-web-loop-"));
  store = await openSqliteStore(join(dir, "r.db"));
  v1 = (
    await addPrompt(store, {
      name: "support",
      content: "Be brief.",
      author: "a",
      label: "production",
    })
  ).version.hash;
  v2 = (await addPrompt(store, { name: "support", content: "Be kind.", author: "a" })).version.hash;
});

afterEach(async () => {
  await store.close();
});

async function get(path: string): Promise<{ status: number; text: string }> {
  const app = createWebApp({ store, readToken: READ, writeToken: WRITE });
  const res = await app.request(path, { headers: { authorization: `Bearer ${READ}` } });
  return { status: res.status, text: await res.text() };
}

function evidence(): GateEvidence {
  const verdict = {
    verdict: "promote" as const,
    reasons: [`challenger better on overall ${EVIL}`],
    dimensions: [
      {
        dimension: "overall",
        n: 40,
        champion: 0.71,
        challenger: 0.84,
        delta: 0.13,
        ci: { lower: 0.05, upper: 0.21, level: 0.95 },
        test: "paired_bootstrap" as const,
        pValue: 0.0004,
        pAdjusted: 0.0008,
        outcome: "better" as const,
      },
      {
        dimension: "tool_use",
        n: 40,
        champion: 0.9,
        challenger: 0.88,
        delta: -0.02,
        ci: { lower: -0.06, upper: 0.02, level: 0.95 },
        test: "paired_bootstrap" as const,
        pValue: 0.31,
        pAdjusted: 0.31,
        outcome: "no_difference" as const,
      },
    ],
    regressions: [
      {
        caseId: "refund-window",
        severity: "warning" as const,
        championPassRate: 1,
        challengerPassRate: 0.33,
        epochs: 3,
        flaky: false,
      },
      {
        caseId: "order-lookup-7",
        severity: "exploratory" as const,
        championPassRate: 0.67,
        challengerPassRate: 0.33,
        epochs: 3,
        flaky: true,
      },
    ],
    fixes: ["late-delivery"],
  };
  return {
    settings: {
      minimumScore: 0.8,
      test: "paired_bootstrap",
      alpha: 0.05,
      regressionTolerance: 0.02,
      dimensions: ["tool_use"],
      seed: 7,
      resamples: 2000,
    },
    plan: { suites: ["suites/support.yaml"] } as GateEvidence["plan"],
    changed: ["content"],
    cases: 40,
    sealedCases: 10,
    champion: {
      version: `support@${v1}`,
      labels: ["production"],
      runs: ["run_a"],
      reused: 40,
      ran: 80,
    },
    challenger: { version: `support@${v2}`, labels: [], runs: ["run_b"], reused: 0, ran: 120 },
    rounds: [
      { round: 1, pairs: 40, maxEpochs: 1, verdict: "inconclusive", reasons: ["too few epochs"] },
      { round: 2, pairs: 120, maxEpochs: 3, verdict: "promote", reasons: ["better on overall"] },
    ],
    sequential: true,
    judgeNoise: [],
    judgeNotes: [],
    historyCases: 12,
    verdict,
    confirmation: {
      on: "sealed split",
      seed: 8,
      cases: 10,
      confirmed: true,
      verdict: { ...verdict, reasons: ["holds on the sealed split"] },
    },
    promotion: { requested: true, label: "production", moved: true, why: "promoted to production" },
  };
}

async function saveDecision(id: string): Promise<void> {
  await store.gate.saveDecision({
    id,
    created_at: "2026-12-01T10:00:00.000Z",
    prompt_name: "support",
    champion: `support@${v1}`,
    challenger: `support@${v2}`,
    change_type: "prompt",
    verdict: "promote",
    reasons: [`challenger better on overall ${EVIL}`],
    actor: "ci",
    champion_runs: ["run_a"],
    challenger_runs: ["run_b"],
    evidence: JSON.parse(JSON.stringify(evidence())),
  });
}

describe("gate pages", () => {
  it("says what to run when there are no decisions", async () => {
    const { status, text } = await get("/gate");
    expect(status).toBe(200);
    expect(text).toContain("No gate decisions yet");
    expect(text).toContain("ratchet gate");
  });

  it("lists decisions and shows one's evidence, the sequential path and the label it moved", async () => {
    await saveDecision("gate_0001");
    await labelPrompt(store, "support", v2, "production", {
      actor: "ci",
      kind: "promote",
      decision_id: "gate_0001",
    });
    const list = await get("/gate");
    expect(list.text).toContain(`href="/gate/gate_0001"`);
    expect(list.text).toContain(`href="/prompts/support/${v2}"`);

    const { status, text } = await get("/gate/gate_0001");
    expect(status).toBe(200);
    // The per-dimension table: delta, interval and both p-values.
    expect(text).toContain("+13.0 pts");
    expect(text).toContain("[+5.0 pts, +21.0 pts] (95%)");
    expect(text).toContain("&lt;0.001");
    expect(text).toContain("0.310");
    // A confirmed regression and a flaky case, each in its own table.
    expect(text).toMatch(
      /Regressions \(1\)[\s\S]*refund-window[\s\S]*Flaky cases \(1\)[\s\S]*order-lookup-7/,
    );
    expect(text).toContain("Sequential test path");
    expect(text).toContain("too few epochs");
    expect(text).toContain("sealed split");
    expect(text).toMatch(/confirmed/);
    // The label move this decision made, and links to both sides and their runs.
    expect(text).toMatch(/support@production<\/a><\/td>\s*<td>[0-9a-f]{12} → [0-9a-f]{12}/);
    expect(text).toContain(`href="/prompts/support/${v1}"`);
    expect(text).toContain(`href="/runs/run_b"`);
    // User text is escaped.
    expect(text).not.toContain(EVIL);
    expect(text).toContain("&lt;script&gt;");
  });

  it("answers 404 for an unknown decision and survives a decision stored without evidence", async () => {
    expect((await get("/gate/gate_nope")).status).toBe(404);
    await store.gate.saveDecision({
      id: "gate_bare",
      created_at: "2026-12-01T00:00:00.000Z",
      prompt_name: "support",
      champion: `support@${v1}`,
      challenger: `support@${v2}`,
      change_type: "prompt",
      verdict: "block",
      reasons: ["blocked by hand"],
      actor: "ann",
      champion_runs: [],
      challenger_runs: [],
      evidence: {},
    });
    const { status, text } = await get("/gate/gate_bare");
    expect(status).toBe(200);
    expect(text).toContain("stored without its evidence");
    expect(text).toContain("blocked by hand");
  });
});

function cycle(id: string): CycleRecord {
  return {
    id,
    started_at: "2026-12-02T09:00:00.000Z",
    finished_at: "2026-12-02T09:30:00.000Z",
    status: "finished",
    phase: "done",
    preset: BUILTIN_PRESETS.harden,
    mode: "auto",
    prompt_name: "support",
    champion_before: `support@${v1}`,
    champion_label: "production",
    champion_after: `support@${v2}`,
    seed: 1,
    evaluation: {
      runs: ["run_eval1"],
      cases: 20,
      epochs: 3,
      mean: 0.7,
      pass_rate: 0.65,
      failing_cases: 2,
      failing_ids: ["refund-window", "late-delivery"],
      rollouts: 60,
      usd: 0.5,
    },
    clusters: [
      {
        id: "cl_refunds",
        label: `Refund policy misquoted ${EVIL}`,
        size: 5,
        track: "prompt",
        confidence: 0.8,
        why: "the prompt never states the window",
        targeted: true,
        from_eval: true,
      },
    ],
    optimization: {
      id: "opt_1",
      status: "finished",
      best_version: `support@${v2}`,
      fixed: [{ cluster: "cl_refunds", label: "Refund policy", status: "fixed" }],
      rollouts: 90,
      proposer_calls: 3,
      usd: 1.25,
    },
    gate: {
      decision_id: "gate_0001",
      verdict: "promote",
      reasons: ["better on overall"],
      promoted: true,
      label: "production",
    },
    decisions: ["targeted cl_refunds", "promoted the candidate"],
    outcome: "promoted a fix for refunds",
    spend: {
      evaluation_usd: 0.5,
      optimization_usd: 1.25,
      gate_usd: 0.25,
      rollouts: 200,
      seconds: 1800,
    },
  };
}

describe("cycle pages", () => {
  it("says what to run when there are no cycles, and 404s an unknown one", async () => {
    expect((await get("/cycles")).text).toContain("npx ratchet improve");
    expect((await get("/cycles/cyc_nope")).status).toBe(404);
  });

  it("shows a cycle still in its first phases", async () => {
    const { evaluation: _e, clusters: _c, optimization: _o, gate: _g, ...rest } = cycle("cyc_run");
    const record: CycleRecord = {
      ...rest,
      status: "running",
      phase: "mine",
      decisions: [],
      outcome: "",
      spend: { evaluation_usd: 0, optimization_usd: 0, rollouts: 0, seconds: 0 },
    };
    await store.loop.saveCycle({
      id: record.id,
      started_at: record.started_at,
      updated_at: record.started_at,
      status: record.status,
      phase: record.phase,
      prompt_name: "support",
      doc: record,
    });
    const { status, text } = await get("/cycles/cyc_run");
    expect(status).toBe(200);
    expect(text).toContain("next phase mine");
    expect(text).toContain("(in progress)");
    expect(text).not.toContain("What was tried");
  });

  it("shows the chain failure → cluster → patch → gate decision → label move", async () => {
    await saveDecision("gate_0001");
    await labelPrompt(store, "support", v2, "production", {
      actor: "improve",
      kind: "promote",
      decision_id: "gate_0001",
    });
    const record = cycle("cyc_1");
    await store.loop.saveCycle({
      id: record.id,
      started_at: record.started_at,
      updated_at: record.started_at,
      status: record.status,
      phase: record.phase,
      prompt_name: "support",
      doc: record,
    });
    const optimization = {
      id: "opt_1",
      created_at: record.started_at,
      updated_at: record.started_at,
      status: "finished",
      prompt_name: "support",
      base_version: `support@${v1}`,
      best_version: `support@${v2}`,
      cycle_id: "cyc_1",
    } as OptimizationRecord;
    await store.loop.saveOptimization({
      id: "opt_1",
      created_at: record.started_at,
      updated_at: record.started_at,
      status: "finished",
      prompt_name: "support",
      cycle_id: "cyc_1",
      doc: optimization,
    });
    const proposal: ProposalRecord = {
      id: "prop_1",
      optimization_id: "opt_1",
      seq: 1,
      created_at: record.started_at,
      cluster_id: "cl_refunds",
      proposer: "reflective",
      parent_version: `support@${v1}`,
      candidate_version: `support@${v2}`,
      patch: {
        operation: "add",
        instruction: "Refunds are possible within 30 days.",
        rationale: "the window was never stated",
      },
      evidence_cases: ["refund-window"],
      stages: { validation: { cases: 8, mean: 0.9, passRate: 0.875, delta: 0.2, pValue: 0.01 } },
      verdict: "accepted",
      reason: "fixes 2 of 2 target cases",
      rollouts: 24,
      cost_usd: 0.3,
    };
    await store.loop.addProposal({ ...proposal, doc: proposal });

    const list = await get("/cycles");
    expect(list.text).toContain(`href="/cycles/cyc_1"`);
    expect(list.text).toContain("promoted a fix for refunds");
    expect(list.text).toContain("$2.0000");

    const { status, text } = await get("/cycles/cyc_1");
    expect(status).toBe(200);
    const chain = [
      `href="/runs/run_eval1?q=refund-window"`,
      `href="/clusters/cl_refunds"`,
      "Refunds are possible within 30 days.",
      `href="/gate/gate_0001"`,
      "support@production</a>:",
    ].map((s) => text.indexOf(s));
    expect(chain.every((i) => i >= 0)).toBe(true);
    expect([...chain].sort((a, b) => a - b)).toEqual(chain);
    expect(text).toContain("fixes 2 of 2 target cases");
    // The decision links back to the cycle that made it.
    expect((await get("/gate/gate_0001")).text).toContain(`href="/cycles/cyc_1"`);
    expect(text).not.toContain(EVIL);
    // The prefix resolves too.
    expect((await get("/cycles/cyc_")).status).toBe(200);
  });
});

/** Requests from `users` keys, each served the arm the canary's routing gives it. */
async function serve(
  canaryId: string,
  users: number,
  failEvery: { control: number; candidate: number },
) {
  const seen = { control: 0, candidate: 0 };
  const spans = [];
  for (let u = 0; u < users; u++) {
    const arm = routesToCandidate(canaryId, `user-${u}`, 0.5) ? "candidate" : "control";
    seen[arm]++;
    spans.push(
      ...requestSpans({
        traceId: traceIdOf(u, 1),
        promptName: "support",
        versionHash: arm === "candidate" ? v2 : v1,
        startMs: Date.parse("2026-12-05T10:00:00Z") + u * 1000,
        latencyMs: 800,
        costUsd: 0.01,
        ...(seen[arm] % failEvery[arm] === 0 ? { error: true } : {}),
        input: `where is my order ${u}?`,
        output: "It shipped yesterday.",
      }),
    );
  }
  await store.traces.insertSpans(spans);
}

describe("canary and health pages", () => {
  async function start() {
    const started = await startCanary(store, defaultConfig(), {
      candidate: `support@${v2}`,
      actor: "ann",
      traffic: 0.5,
      metric: "error_rate",
      guardrails: [],
      force: true,
    });
    return started.id;
  }

  it("says what to run when there are no canaries, and 404s an unknown one", async () => {
    expect((await get("/canaries")).text).toContain("ratchet canary start");
    expect((await get("/canaries/can_nope")).status).toBe(404);
  });

  it("shows a running canary's arms and the live test without acting", async () => {
    const id = await start();
    await serve(id, 1200, { control: 20, candidate: 2 });
    const { status, text } = await get(`/canaries/${id}`);
    expect(status).toBe(200);
    expect(text).toContain("FORCED");
    expect(text).toContain("Sequential test (live)");
    expect(text).toMatch(/<td>error_rate<\/td><td>primary<\/td>/);
    expect(text).toMatch(/Decision: <span class="badge [a-z]+">rollback<\/span>/);
    // A dry look: the canary still runs and its label did not move.
    expect((await store.live.getCanary(id))?.status).toBe("running");
    const labels = await store.prompts.listLabels("support");
    expect(labels.find((l) => l.label === "production")?.hash).toBe(v1);
    const list = await get("/canaries");
    expect(list.text).toContain(`href="/canaries/${id}"`);
    expect(list.text).toContain("canary_started");
  });

  it("shows a rollback with its evidence, on the canary and in the live events", async () => {
    const id = await start();
    await serve(id, 1200, { control: 20, candidate: 2 });
    const canary = await store.live.getCanary<CanaryDoc>(id);
    if (!canary) throw new Error("no canary");
    const acted = await lookAndAct(store, defaultConfig(), canary, { actor: "watch" });
    expect(acted.acted).toBe("rolled_back");
    const { text } = await get(`/canaries/${id}`);
    expect(text).toContain("rolled_back");
    expect(text).toContain("canary_rolled_back");
    // The candidate fails every second request it serves: a rate of 0.5 (0.498 for an odd count).
    expect(text).toMatch(
      /error_rate \(primary\): control [\d.]+ \(n \d+\), candidate 0\.(5|49\d) /,
    );
    const list = await get("/canaries");
    expect(list.text).toContain("canary_rolled_back");
  });

  it("shows loop health against thresholds, and refuses a bad window with a 400 naming it", async () => {
    const { status, text } = await get("/health");
    expect(status).toBe(200);
    expect(text).toContain("rollback frequency");
    expect(text).toContain("no-data");
    const bad = await get("/health?window=soon");
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/--window/);
  });
});

describe("cost and judges", () => {
  it("says what to run when nothing was spent, and refuses a bad --since", async () => {
    expect((await get("/cost")).text).toContain("No spend recorded");
    const bad = await get("/cost?since=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("since must be a duration");
  });

  it("shows production spend by purpose and day", async () => {
    await serve("can_x", 3, { control: 1000, candidate: 1000 });
    const { text } = await get("/cost?since=2026-12-01");
    expect(text).toContain("Total $0.0300 over 3 calls");
    expect(text).toContain("production");
    expect(text).toContain("2026-12-05");
  });

  it("shows each judge's calibration: matrix, kappa, per-order accuracy and drift", async () => {
    expect((await get("/judges")).text).toContain("ratchet judge calibrate");
    await store.judges.saveCalibration({
      judge: `helpfulness ${EVIL}`,
      version: "jv_0123456789abcdef",
      model: "sim:judge",
      mode: "pairwise",
      labels_file: "labels.jsonl",
      n: 10,
      accuracy: 0.8,
      kappa: 0.6,
      kappa_se: 0.1,
      cost_usd: 0.02,
      details: {
        kappa_defined: true,
        confusion: {
          labels: [1, 2],
          matrix: [
            [4, 1],
            [1, 4],
          ],
        },
        per_label: [],
        positions: {
          in_order: {
            correct: 8,
            accuracy: 0.8,
            kappa: { kappa: 0.6, se: 0.1, defined: true },
            unparsed: 0,
          },
          swapped: {
            correct: 6,
            accuracy: 0.6,
            kappa: { kappa: 0.2, se: 0.2, defined: true },
            unparsed: 1,
          },
          mean_accuracy: 0.7,
          both_correct: 5,
          agreed: 7,
          positional_agreement: 0.7,
          order_kappa: { kappa: 0.4, se: 0.15, defined: true },
        },
        drift: { drifted: true, message: "judge drift: kappa 0.800 → 0.600" },
      },
      created_at: "2026-12-03T00:00:00.000Z",
    });
    const { text } = await get("/judges");
    expect(text).toContain("0.600 ± 0.100");
    expect(text).toMatch(/<td>swapped<\/td><td class="num">60\.0%<\/td>/);
    expect(text).toContain("judge drift: kappa 0.800 → 0.600");
    expect(text).toMatch(/<th>1<\/th><td class="num pass">4<\/td><td class="num">1<\/td>/);
    expect(text).not.toContain(EVIL);
  });
});

describe("score chart", () => {
  const totals = (passRate: number): RunTotals => ({
    attempts: 10,
    passed: Math.round(passRate * 10),
    failed: 10 - Math.round(passRate * 10),
    errors: 0,
    score: passRate,
    pass_rate: passRate,
    // A made-up price that grows with the pass rate, so the cost chart has a shape.
    cost_usd: passRate / 100,
    input_tokens: 0,
    output_tokens: 0,
    latency_p50_ms: 0,
    latency_p95_ms: 0,
    latency_p99_ms: 0,
    dimension_scores: {},
  });

  it("draws a line per prompt version with promotions marked, and says what to run when empty", async () => {
    const ctx = { store, role: "read" as const, csrf: "" };
    expect(String(await scoreChart(ctx))).toContain("npx ratchet eval --prompt");
    const runs: Array<[string, string, string, number]> = [
      ["run_1", "2026-12-01T00:00:00.000Z", v1, 0.6],
      ["run_2", "2026-12-02T00:00:00.000Z", v1, 0.7],
      ["run_3", "2026-12-04T00:00:00.000Z", v2, 0.9],
    ];
    for (const [id, at, hash, rate] of runs) {
      await store.createRun(sampleRun({ id, started_at: at, prompt_version: `support@${hash}` }));
      await store.finishRun(id, "completed", totals(rate), at);
    }
    await labelPrompt(store, "support", v2, "production", {
      actor: "ci",
      kind: "promote",
      now: new Date("2026-12-03T00:00:00.000Z"),
    });
    const svg = String(await scoreChart(ctx));
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(svg).toContain(`support@${v2}: 90.0% (run run_3`);
    expect(svg).toContain("promoted support@production");
    // The promotion sits between the second and third runs on the time axis.
    const xOf = (re: RegExp) => Number(re.exec(svg)?.[1]);
    const mark = xOf(/<line x1="([\d.]+)"[^>]*stroke-dasharray/);
    const circles = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(mark).toBeGreaterThan(circles[1] ?? Number.NaN);
    expect(mark).toBeLessThan(circles[2] ?? Number.NaN);

    // The same runs by cost: the axis runs from 0 to the dearest run.
    const cost = String(await scoreChart(ctx, "cost_usd"));
    expect(cost).toContain("Cost per run per prompt version");
    expect(cost).toContain(`support@${v2}: $${(0.9 / 100).toFixed(4)} (run run_3`);
    const ys = [...cost.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.min(...ys)).toBe(18);
  });
});
