import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { routesToCandidate } from "../../client/route.js";
import { defaultConfig, type RatchetConfig } from "../../config/index.js";
import { isInputError } from "../../core/index.js";
import { addPrompt } from "../../prompts/index.js";
import { createReceiverApp } from "../../server/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import { requestSpans, traceIdOf } from "../traffic.js";
import { watchTick } from "../watch/index.js";
import { lookAndAct, stopCanary } from "./act.js";
import { scoreCanarySample } from "./judge.js";
import { CANARY_LABEL, startCanary } from "./start.js";
import { canaryTraffic } from "./status.js";
import type { CanaryDoc } from "./types.js";

let dir: string;
let store: Store;
let config: RatchetConfig;
let v1: string;
let v2: string;

async function passGate(challenger: string): Promise<void> {
  await store.gate.saveDecision({
    id: `gate_${challenger.slice(0, 8)}`,
    created_at: "2026-12-01T00:00:00.000Z",
    prompt_name: "support",
    champion: `support@${v1}`,
    challenger: `support@${challenger}`,
    change_type: "prompt",
    verdict: "promote",
    reasons: [],
    actor: "ci",
    champion_runs: [],
    challenger_runs: [],
    evidence: {},
  });
}

/**
 * Requests from `users` keys, each served the arm the canary's routing gives it; `errorEvery`
 * makes every n-th request of an arm fail (deterministic rates: 1/n).
 */
async function serveTraffic(
  canaryId: string,
  traffic: number,
  users: number,
  errorEvery: { control: number; candidate: number },
  salt = 1,
  kind: "error" | "correction" = "error",
): Promise<{ control: number; candidate: number }> {
  const seen = { control: 0, candidate: 0 };
  const spans = [];
  for (let u = 0; u < users; u++) {
    const arm = routesToCandidate(canaryId, `user-${u}`, traffic) ? "candidate" : "control";
    seen[arm]++;
    spans.push(
      ...requestSpans({
        traceId: traceIdOf(u, salt),
        promptName: "support",
        versionHash: arm === "candidate" ? v2 : v1,
        startMs: Date.parse("2026-12-05T10:00:00Z") + u * 1000,
        latencyMs: 800 + (u % 7) * 50,
        ...(seen[arm] % errorEvery[arm] === 0
          ? kind === "error"
            ? { error: true }
            : { correction: "No, it was cancelled, not shipped." }
          : {}),
        input: `where is my order ${u}?`,
        output: "It shipped yesterday.",
      }),
    );
  }
  await store.traces.insertSpans(spans);
  return seen;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-canary-"));
  store = await openSqliteStore(join(dir, "r.db"));
  config = defaultConfig();
  v1 = (
    await addPrompt(store, {
      name: "support",
      content: "Be brief.",
      author: "a",
      label: "production",
    })
  ).version.hash;
  v2 = (
    await addPrompt(store, {
      name: "support",
      content: "Be kind.",
      author: "a",
      label: "candidate",
    })
  ).version.hash;
});

afterEach(async () => {
  await store.close();
});

describe("canary start", () => {
  it("refuses a candidate no gate promoted, and records a forced start", async () => {
    const refused = startCanary(store, config, { candidate: "support@candidate", actor: "ann" });
    await expect(refused).rejects.toThrow(/never passed the gate/);
    await expect(refused).rejects.toSatisfy(isInputError);
    expect(await store.live.listCanaries()).toHaveLength(0);

    const forced = await startCanary(store, config, {
      candidate: "support@candidate",
      actor: "ann",
      force: true,
    });
    expect(forced.doc.forced).toBe(true);
    const [event] = await store.live.listEvents<{ forced: boolean }>({ kind: "canary_started" });
    expect(event?.doc.forced).toBe(true);
    expect(event?.actor).toBe("ann");
  });

  it("refuses a second canary on the label, a bad traffic share and an unknown metric", async () => {
    await passGate(v2);
    await startCanary(store, config, { candidate: "support@candidate", actor: "ann" });
    await expect(
      startCanary(store, config, { candidate: "support@candidate", actor: "bob" }),
    ).rejects.toThrow(/already running/);
    await expect(
      startCanary(store, config, { candidate: "support@candidate", actor: "b", traffic: 1.5 }),
    ).rejects.toThrow(/--traffic/);
    await expect(
      startCanary(store, config, { candidate: "support@candidate", actor: "b", metric: "vibes" }),
    ).rejects.toThrow(/unknown live metric 'vibes'/);
    await expect(
      startCanary(store, config, { candidate: "support@production", actor: "b", force: true }),
    ).rejects.toThrow(/nothing to compare/);
  });

  it("points the canary label at the candidate", async () => {
    await passGate(v2);
    await startCanary(store, config, { candidate: "support@candidate", actor: "ann" });
    const labels = await store.prompts.listLabels("support");
    expect(labels.find((l) => l.label === CANARY_LABEL)?.hash).toBe(v2);
    expect(labels.find((l) => l.label === "production")?.hash).toBe(v1);
  });
});

describe("canary looks", () => {
  async function start(metric = "error_rate", guardrails: string[] = []) {
    await passGate(v2);
    const started = await startCanary(store, config, {
      candidate: "support@candidate",
      actor: "ann",
      traffic: 0.5,
      metric,
      guardrails,
    });
    const row = await store.live.getCanary<CanaryDoc>(started.id);
    if (!row) throw new Error("no canary row");
    return row;
  }

  it("rolls a clearly worse candidate back at once, once, with the evidence", async () => {
    const canary = await start();
    // Control fails 1 in 20 requests, the candidate 1 in 2.
    await serveTraffic(canary.id, 0.5, 1200, { control: 20, candidate: 2 });
    const first = await lookAndAct(store, config, canary, { actor: "watch" });
    expect(first.decision.action).toBe("rollback");
    expect(first.acted).toBe("rolled_back");
    const again = await lookAndAct(store, config, canary, { actor: "watch" });
    expect(again.acted).toBe("already_done");

    const row = await store.live.getCanary<CanaryDoc>(canary.id);
    expect(row?.status).toBe("rolled_back");
    const labels = await store.prompts.listLabels("support");
    expect(labels.find((l) => l.label === "production")?.hash).toBe(v1);
    expect(labels.find((l) => l.label === CANARY_LABEL)?.hash).toBe(v1);
    const moves = await store.prompts.labelHistory("support", CANARY_LABEL);
    expect(moves.map((m) => m.kind)).toEqual(["set", "rollback"]);
    const ends = await store.live.listEvents<{ evidence: Array<{ metric: string }> }>({
      canaryId: canary.id,
      kind: "canary_rolled_back",
    });
    expect(ends).toHaveLength(1);
    expect(ends[0]?.doc.evidence[0]?.metric).toBe("error_rate");
  });

  it("two watchers on two connections act once", async () => {
    const canary = await start();
    await serveTraffic(canary.id, 0.5, 1200, { control: 20, candidate: 2 });
    const other = await openSqliteStore(join(dir, "r.db"));
    try {
      const results = await Promise.all([
        lookAndAct(store, config, canary, { actor: "watch-a" }),
        lookAndAct(other, config, canary, { actor: "watch-b" }),
      ]);
      expect(results.map((r) => r.acted).sort()).toEqual(["already_done", "rolled_back"]);
    } finally {
      await other.close();
    }
    const moves = await store.prompts.labelHistory("support", CANARY_LABEL);
    expect(moves.filter((m) => m.kind === "rollback")).toHaveLength(1);
  });

  it("promotes a clearly better candidate through its gate decision", async () => {
    const canary = await start();
    await serveTraffic(canary.id, 0.5, 1200, { control: 3, candidate: 50 });
    const result = await lookAndAct(store, config, canary, { actor: "watch" });
    expect(result.acted).toBe("promoted");
    const labels = await store.prompts.listLabels("support");
    expect(labels.find((l) => l.label === "production")?.hash).toBe(v2);
    expect(labels.find((l) => l.label === CANARY_LABEL)).toBeUndefined();
    const promote = (await store.prompts.labelHistory("support", "production")).at(-1);
    expect(promote).toMatchObject({ kind: "promote", decision_id: `gate_${v2.slice(0, 8)}` });
  });

  it("honours max_versions_retained on promotion and keeps the version it replaced", async () => {
    const old = (
      await addPrompt(store, {
        name: "support",
        content: "Old.",
        author: "a",
        now: new Date("2025-01-01T00:00:00Z"),
      })
    ).version.hash;
    const canary = await start();
    await serveTraffic(canary.id, 0.5, 1200, { control: 3, candidate: 50 });
    const keepOne = { ...config, rollback: { ...config.rollback, max_versions_retained: 1 } };
    expect((await lookAndAct(store, keepOne, canary, { actor: "watch" })).acted).toBe("promoted");
    const hashes = (await store.prompts.listVersions("support")).map((v) => v.hash);
    expect(hashes).toContain(v2);
    expect(hashes).toContain(v1);
    expect(hashes).not.toContain(old);
    // One step back still works.
    await store.prompts.moveLabel({
      name: "support",
      label: "production",
      to: { previous: true },
      kind: "rollback",
      actor: "ann",
      at: new Date().toISOString(),
    });
    const labels = await store.prompts.listLabels("support");
    expect(labels.find((l) => l.label === "production")?.hash).toBe(v1);
  });

  it("keeps an equal candidate running, and waits for min_samples before deciding", async () => {
    const canary = await start();
    await serveTraffic(canary.id, 0.5, 100, { control: 10, candidate: 10 });
    const early = await lookAndAct(store, config, canary, { actor: "watch", dryRun: true });
    expect(early.decision.action).toBe("continue");
    expect(early.looks[0]?.verdict).toBe("too_few");
    await serveTraffic(canary.id, 0.5, 3000, { control: 10, candidate: 10 }, 2);
    const later = await lookAndAct(store, config, canary, { actor: "watch" });
    expect(later.decision.action).toBe("continue");
    expect(later.looks[0]?.verdict).toBe("undecided");
    expect((await store.live.getCanary(canary.id))?.status).toBe("running");
  });

  it("does not roll back when rollback is disabled, and says so once", async () => {
    const canary = await start();
    await serveTraffic(canary.id, 0.5, 1200, { control: 20, candidate: 2 });
    const off = { ...config, rollback: { ...config.rollback, enabled: false } };
    expect((await lookAndAct(store, off, canary, { actor: "watch" })).acted).toBe(
      "rollback_suppressed",
    );
    expect((await lookAndAct(store, off, canary, { actor: "watch" })).acted).toBe("none");
    expect((await store.live.getCanary(canary.id))?.status).toBe("running");
  });

  it("ends a canary whose control label was moved by hand", async () => {
    const canary = await start();
    const v3 = (await addPrompt(store, { name: "support", content: "Be exact.", author: "a" }))
      .version.hash;
    await store.prompts.moveLabel({
      name: "support",
      label: "production",
      to: v3,
      kind: "set",
      actor: "ann",
      at: new Date().toISOString(),
    });
    const result = await lookAndAct(store, config, canary, { actor: "watch" });
    expect(result.acted).toBe("stopped");
    expect(result.decision.reasons[0]).toMatch(/was moved/);
  });

  it("leaves traces of other versions out of both arms and counts them", async () => {
    const canary = await start();
    await serveTraffic(canary.id, 0.5, 50, { control: 10, candidate: 10 });
    await store.traces.insertSpans(
      requestSpans({
        traceId: traceIdOf(1, 99),
        promptName: "support",
        versionHash: "deadbeefdeadbeef",
        startMs: Date.now(),
        latencyMs: 10,
        input: "hi",
        output: "hello",
      }),
    );
    const traffic = await canaryTraffic(store, canary);
    expect(traffic.other).toEqual([{ version: "support@deadbeefdeadbeef", traces: 1 }]);
    expect(traffic.control.traces + traffic.candidate.traces).toBe(50);
  });

  it("a rollback that dies half-way leaves nothing done, and the next look does all of it", async () => {
    const canary = await start();
    await serveTraffic(canary.id, 0.5, 1200, { control: 20, candidate: 2 });
    // The label moves fail inside the ending's transaction (a label that is not there to
    // remove): the status change and the event must go with them.
    const broken = store.live.endCanary({
      id: canary.id,
      status: "rolled_back",
      ended_at: new Date().toISOString(),
      doc: canary.doc,
      event: {
        key: `canary:${canary.id}:end`,
        kind: "canary_rolled_back",
        actor: "watch",
        at: "x",
        doc: {},
      },
      moves: [
        { name: "support", label: "nosuch", to: null, kind: "remove", actor: "watch", at: "x" },
      ],
    });
    await expect(broken).rejects.toThrow(/no label `nosuch`/);
    expect((await store.live.getCanary(canary.id))?.status).toBe("running");
    expect(
      await store.live.listEvents({ canaryId: canary.id, kind: "canary_rolled_back" }),
    ).toEqual([]);
    const retried = await lookAndAct(store, config, canary, { actor: "watch" });
    expect(retried.acted).toBe("rolled_back");
  });

  it("reads user corrections from mined signals: watch mines, then rolls back", async () => {
    const canary = await start("correction_rate", ["error_rate"]);
    await serveTraffic(canary.id, 0.5, 1200, { control: 20, candidate: 2 }, 1, "correction");
    const tick = await watchTick(store, config, { cwd: dir, actor: "watch", now: new Date() });
    expect(tick.mined?.traces).toBe(1200);
    const [look] = tick.canaries;
    expect(look?.acted).toBe("rolled_back");
    expect(look?.decision.reasons.join(" ")).toMatch(/^worse: correction_rate/);
    const primary = look?.looks.find((l) => l.metric === "correction_rate");
    // 1 in 20 and 1 in 2, by construction.
    expect(primary?.control.mean).toBeCloseTo(1 / 20, 2);
    expect(primary?.candidate.mean).toBeCloseTo(1 / 2, 2);
  });

  it("judges a sample of each arm for a judge metric, once per trace", async () => {
    const judged = { ...config, evaluation: { ...config.evaluation, judge_model: "sim:judge" } };
    await passGate(v2);
    const started = await startCanary(store, judged, {
      candidate: "support@candidate",
      actor: "ann",
      traffic: 0.5,
      metric: "judge:helpfulness",
    });
    await serveTraffic(started.id, 0.5, 400, { control: 1000, candidate: 1000 });
    const row = await store.live.getCanary<CanaryDoc>(started.id);
    if (!row) throw new Error("no canary");
    const scored = await scoreCanarySample(store, judged, row, { cwd: dir });
    // judge_sample 0.2 of 400 traces, by trace id: a binomial(400, 0.2) lies in [50, 112]
    // with probability > 0.9999.
    expect(scored).toBeGreaterThanOrEqual(50);
    expect(scored).toBeLessThanOrEqual(112);
    expect(await scoreCanarySample(store, judged, row, { cwd: dir })).toBe(0);
    const look = await lookAndAct(store, judged, row, { actor: "watch", dryRun: true });
    const judge = look.looks.find((l) => l.metric === "judge:helpfulness");
    expect((judge?.control.n ?? 0) + (judge?.candidate.n ?? 0)).toBe(scored);
    for (const arm of [judge?.control, judge?.candidate]) {
      expect(arm?.mean).toBeGreaterThanOrEqual(0);
      expect(arm?.mean).toBeLessThanOrEqual(1);
    }
  });

  it("refuses a judge metric with no judge model or an unknown rubric", async () => {
    await passGate(v2);
    await expect(
      startCanary(store, config, {
        candidate: "support@candidate",
        actor: "a",
        metric: "judge:helpfulness",
      }),
    ).rejects.toThrow(/needs a judge model/);
    const judged = { ...config, evaluation: { ...config.evaluation, judge_model: "sim:judge" } };
    await expect(
      startCanary(store, judged, {
        candidate: "support@candidate",
        actor: "a",
        metric: "judge:tone",
      }),
    ).rejects.toThrow(/judge:tone names no rubric/);
  });

  it("stops by hand: the control keeps every key", async () => {
    const canary = await start();
    expect(await stopCanary(store, canary, { actor: "ann", reason: "launch freeze" })).toBe(true);
    expect(await stopCanary(store, canary, { actor: "ann" })).toBe(false);
    const row = await store.live.getCanary<CanaryDoc>(canary.id);
    expect(row?.status).toBe("stopped");
    expect(row?.doc.outcome?.reasons).toEqual(["launch freeze"]);
  });
});

describe("routing through serve", () => {
  it("gives each key one stable arm, at about the traffic share, and tags traces", async () => {
    await passGate(v2);
    const started = await startCanary(store, config, {
      candidate: "support@candidate",
      actor: "ann",
      traffic: 0.2,
    });
    const token = "route-test-token-0123456789";
    const app = createReceiverApp({
      traces: store.traces,
      prompts: store.prompts,
      live: store.live,
      token,
    });
    const get = async (query: string) => {
      const res = await app.request(`/v1/prompts/support?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    let candidate = 0;
    for (let u = 0; u < 400; u++) {
      const { body } = await get(`label=production&key=user-${u}`);
      const arm = (body.canary as { arm: string }).arm;
      expect(body.version).toBe(arm === "candidate" ? v2 : v1);
      const again = await get(`label=production&key=user-${u}`);
      expect(again.body.version).toBe(body.version);
      if (arm === "candidate") candidate++;
    }
    // 400 keys at 20%: a binomial(400, 0.2) lies in [55, 105] with probability > 0.9999.
    expect(candidate).toBeGreaterThanOrEqual(55);
    expect(candidate).toBeLessThanOrEqual(105);

    const keyless = await get("label=production");
    expect(keyless.body.version).toBe(v1);
    expect(keyless.body.canary).toMatchObject({ id: started.id, candidate: { version: v2 } });
    expect((await get(`label=production&key=${"x".repeat(300)}`)).status).toBe(400);

    // The application's span, tagged with the bare hash it was served, over OTLP/JSON.
    const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const otlp = {
      resourceSpans: [
        {
          resource: { attributes: [attribute("service.name", "support-app")] },
          scopeSpans: [
            {
              scope: { name: "app" },
              spans: [
                {
                  traceId: "0af7651916cd43dd8448eb211c80319c",
                  spanId: "b7ad6b7169203331",
                  name: "invoke_agent support",
                  kind: 2,
                  startTimeUnixNano: "1765000000000000000",
                  endTimeUnixNano: "1765000000900000000",
                  attributes: [
                    attribute("ratchet.prompt.name", "support"),
                    attribute("ratchet.prompt.version", v2),
                    attribute("ratchet.canary.id", started.id),
                  ],
                  status: { code: 2, message: "boom" },
                },
              ],
            },
          ],
        },
      ],
    };
    const posted = await app.request("/v1/traces", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(otlp),
    });
    expect(posted.status).toBe(200);
    const stored = await store.traces.getTrace("0af7651916cd43dd8448eb211c80319c");
    expect(stored?.summary).toMatchObject({
      prompt_name: "support",
      prompt_version: `support@${v2}`,
      error_spans: 1,
    });
  });
});
