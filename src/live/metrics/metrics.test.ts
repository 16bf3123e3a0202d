import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LiveSchema } from "../../config/schema/live.js";
import { InputError } from "../../core/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import {
  addBusinessDays,
  computeMetrics,
  type MetricKey,
  type MetricResult,
  type MetricsReport,
  metricsText,
} from "./index.js";
import {
  addClusters,
  addDecision,
  addFailure,
  addVersions,
  approveDraft,
  traceSpans,
} from "./test-support.js";

// A Friday; the default 30d window starts 2026-02-18T12:00Z.
const NOW = new Date("2026-03-20T12:00:00.000Z");
const settings = LiveSchema.parse({}).metrics;

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-metrics-"));
  store = await openSqliteStore(join(dir, "r.db"));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function report(window?: string): Promise<MetricsReport> {
  return computeMetrics(store, settings, { now: NOW, ...(window ? { window } : {}) });
}

function metric(r: MetricsReport, key: MetricKey): MetricResult {
  const found = r.metrics.find((m) => m.key === key);
  if (!found) throw new Error(`no metric ${key}`);
  return found;
}

describe("addBusinessDays", () => {
  it("skips Saturday and Sunday", () => {
    // Friday 10:00 + 2 business days = Tuesday 10:00 (calendar days would give Sunday).
    expect(addBusinessDays("2026-03-13T10:00:00.000Z", 2).toISOString()).toBe(
      "2026-03-17T10:00:00.000Z",
    );
    expect(addBusinessDays("2026-03-13T10:00:00.000Z", 1).toISOString()).toBe(
      "2026-03-16T10:00:00.000Z",
    );
    // Saturday: Monday is the first business day after it.
    expect(addBusinessDays("2026-03-14T08:00:00.000Z", 2).toISOString()).toBe(
      "2026-03-17T08:00:00.000Z",
    );
    // Wednesday + 2 = Friday; + 5 = next Wednesday.
    expect(addBusinessDays("2026-03-11T00:00:00.000Z", 2).toISOString()).toBe(
      "2026-03-13T00:00:00.000Z",
    );
    expect(addBusinessDays("2026-03-11T00:00:00.000Z", 5).toISOString()).toBe(
      "2026-03-18T00:00:00.000Z",
    );
  });
});

describe("computeMetrics", () => {
  it("has no data for any metric on an empty store, and nothing to act on", async () => {
    const r = await report();
    expect(r.metrics.map((m) => m.status)).toEqual(Array(7).fill("no-data"));
    expect(r.breaches).toEqual([]);
    expect(r.since).toBe("2026-02-18T12:00:00.000Z");
    for (const m of r.metrics) expect(m.reason).toBeTruthy();
    expect(metricsText(r)).toMatch(/no data/);
  });

  it("rejects a window that is not a duration, naming the flag", async () => {
    await expect(report("banana")).rejects.toThrow(InputError);
    await expect(report("banana")).rejects.toThrow(/--window/);
    await expect(report("0d")).rejects.toThrow(/longer than 0/);
  });

  it("incident-to-eval: counts business days from the first sighting to the approval", async () => {
    // Friday 2026-03-06 10:00: due Tuesday 2026-03-10 10:00.
    const fri = "2026-03-06T10:00:00.000Z";
    const a = await addFailure(store, "ta", fri);
    const b = await addFailure(store, "tb", fri, { severity: "critical" });
    const g = await addFailure(store, "tg", fri);
    // Not yet due (Thursday → Monday 03-23), not serious, and not production.
    await addFailure(store, "td", "2026-03-19T10:00:00.000Z");
    await addFailure(store, "te", fri, { severity: "medium" });
    await addFailure(store, "tf", fri, { signal_type: "regression", detector: "gate-regression" });
    // Before the window.
    await addFailure(store, "told", "2026-01-05T10:00:00.000Z");
    await addClusters(store, { clu_a: [a], clu_g: [g] });
    // In time: Tuesday 09:00. Late: Tuesday 11:00 and Wednesday.
    await approveDraft(store, "draft_a", { cluster: "clu_a" }, fri, "2026-03-10T09:00:00.000Z");
    await approveDraft(store, "draft_g", { cluster: "clu_g" }, fri, "2026-03-10T11:00:00.000Z");
    await approveDraft(store, "draft_b", { failures: [b] }, fri, "2026-03-11T09:00:00.000Z");

    const m = metric(await report(), "incident_to_eval");
    expect(m.numerator).toBe(1);
    expect(m.denominator).toBe(3);
    expect(m.value).toBeCloseTo(1 / 3);
    expect(m.status).toBe("investigate");
    expect(m.items.map((i) => i.id).sort()).toEqual([b, "clu_g"].sort());
    expect(m.items.find((i) => i.id === b)?.detail).toMatch(/due 2026-03-10T10:00:00.000Z/);
  });

  it("incident-to-eval: all serious incidents converted in time is ok", async () => {
    const a = await addFailure(store, "ta", "2026-03-02T10:00:00.000Z");
    await approveDraft(
      store,
      "d1",
      { failures: [a] },
      "2026-03-02T11:00:00.000Z",
      "2026-03-03T10:00:00.000Z",
    );
    const m = metric(await report(), "incident_to_eval");
    expect([m.numerator, m.denominator, m.status]).toEqual([1, 1, "ok"]);
  });

  it("catch rate: gate blocks against rollbacks and covered clusters that failed again", async () => {
    await addVersions(store);
    // Caught: one block on a confirmed regression. Not caught: a block on a flaky case only,
    // a promotion, and a block before the window.
    await addDecision(store, "gd_1", "2026-03-02T00:00:00.000Z", "block", 10, [{ caseId: "c1" }]);
    await addDecision(store, "gd_2", "2026-03-03T00:00:00.000Z", "block", 10, [
      { caseId: "c2", flaky: true },
    ]);
    await addDecision(store, "gd_3", "2026-03-04T00:00:00.000Z", "promote", 10);
    await addDecision(store, "gd_0", "2026-01-04T00:00:00.000Z", "block", 10, [{ caseId: "c1" }]);
    const move = { name: "support", label: "production", actor: "alice" };
    await store.prompts.moveLabel({
      ...move,
      to: "v1",
      kind: "set",
      at: "2026-03-01T00:00:00.000Z",
    });
    await store.prompts.moveLabel({
      ...move,
      to: "v2",
      kind: "promote",
      decision_id: "gd_3",
      at: "2026-03-05T00:00:00.000Z",
    });
    // Escape 1: rolled back, recorded both as a live event and a label move at the same time.
    const at = "2026-03-06T00:00:00.000Z";
    await store.live.recordEvent(
      { key: "rb1", kind: "rollback", prompt_name: "support", actor: "watch", at, doc: {} },
      [{ ...move, actor: "watch", to: { previous: true }, kind: "rollback", at }],
    );
    // Escape 2: a canary rolled back.
    await store.live.recordEvent({
      key: "crb1",
      kind: "canary_rolled_back",
      prompt_name: "support",
      canary_id: "can_1",
      actor: "watch",
      at: "2026-03-08T00:00:00.000Z",
      doc: {},
    });
    // Escape 3: clu_x has an approved case (03-01), a release followed (03-05), then a new
    // production member (03-09). clu_y's repeat came before any release after its approval.
    const x1 = await addFailure(store, "x1", "2026-02-25T00:00:00.000Z");
    const x2 = await addFailure(store, "x2", "2026-03-09T00:00:00.000Z");
    const y1 = await addFailure(store, "y1", "2026-02-25T00:00:00.000Z");
    await approveDraft(
      store,
      "dx",
      { cluster: "clu_x" },
      "2026-02-26T00:00:00.000Z",
      "2026-03-01T00:00:00.000Z",
    );
    await approveDraft(
      store,
      "dy",
      { cluster: "clu_y" },
      "2026-02-26T00:00:00.000Z",
      "2026-03-10T00:00:00.000Z",
    );
    const y2 = await addFailure(store, "y2", "2026-03-11T00:00:00.000Z");
    await addClusters(store, { clu_x: [x1, x2], clu_y: [y1, y2] });

    const m = metric(await report(), "catch_rate");
    expect(m.numerator).toBe(1);
    expect(m.denominator).toBe(4);
    expect(m.value).toBe(0.25);
    expect(m.status).toBe("investigate");
    expect(m.items.filter((i) => i.id === "clu_x")).toHaveLength(1);
    expect(m.items.some((i) => i.id === "clu_y")).toBe(false);
  });

  it("catch rate: only gate blocks is ok", async () => {
    await addDecision(store, "gd_1", "2026-03-02T00:00:00.000Z", "block", 10, [{ caseId: "c1" }]);
    const m = metric(await report(), "catch_rate");
    expect([m.value, m.status]).toEqual([1, "ok"]);
  });

  it("recurrence: a cluster a promoted cycle fixed that failed again in production", async () => {
    const f1 = await addFailure(store, "f1", "2026-03-01T00:00:00.000Z");
    const g1 = await addFailure(store, "g1", "2026-03-01T00:00:00.000Z");
    const h1 = await addFailure(store, "h1", "2026-03-01T00:00:00.000Z");
    // f2 repeats f1 (same fingerprint: stored as its duplicate) after the fix.
    await addFailure(store, "f2", "2026-03-12T00:00:00.000Z", { fingerprint: "fp-f1" });
    // An eval failure in g's cluster after the fix is not production.
    const g2 = await addFailure(store, "g2", "2026-03-12T00:00:00.000Z", {
      signal_type: "eval_failure",
      detector: "eval",
    });
    await addClusters(store, { clu_f: [f1], clu_g: [g1, g2], clu_h: [h1] });
    const cycle = (id: string, promoted: boolean, fixed: Array<[string, string]>) => ({
      id,
      started_at: "2026-03-10T00:00:00.000Z",
      updated_at: "2026-03-10T01:00:00.000Z",
      status: "finished",
      phase: "done",
      prompt_name: "support",
      doc: {
        id,
        finished_at: "2026-03-10T01:00:00.000Z",
        gate: { decision_id: "gd", verdict: "promote", reasons: [], promoted, label: "production" },
        optimization: {
          id: "opt",
          status: "done",
          fixed: fixed.map(([cluster, status]) => ({ cluster, label: cluster, status })),
          rollouts: 0,
          proposer_calls: 0,
          usd: 0,
        },
      },
    });
    await store.loop.saveCycle(
      cycle("cyc_1", true, [
        ["clu_f", "fixed"],
        ["clu_g", "fixed"],
      ]),
    );
    // Not fixed: partly fixed, or fixed but the gate held it.
    await store.loop.saveCycle(cycle("cyc_2", true, [["clu_h", "partly_fixed"]]));
    await store.loop.saveCycle(cycle("cyc_3", false, [["clu_h", "fixed"]]));

    const m = metric(await report(), "recurrence");
    expect([m.numerator, m.denominator]).toEqual([1, 2]);
    expect(m.value).toBe(0.5);
    expect(m.status).toBe("investigate");
    expect(m.items.map((i) => i.id)).toEqual(["clu_f"]);
  });

  it("flaky rate: flaky cases over compared cases across the window's decisions", async () => {
    await addDecision(store, "gd_1", "2026-03-02T00:00:00.000Z", "block", 40, [
      { caseId: "c1", flaky: true },
      { caseId: "c2" },
    ]);
    await addDecision(store, "gd_2", "2026-03-03T00:00:00.000Z", "inconclusive", 20, [
      { caseId: "c3", flaky: true },
      { caseId: "c4", flaky: true },
    ]);
    // Outside the window: would make it 4/160.
    await addDecision(store, "gd_0", "2026-01-03T00:00:00.000Z", "promote", 100, [
      { caseId: "c9", flaky: true },
    ]);
    const m = metric(await report(), "flaky_rate");
    expect([m.numerator, m.denominator]).toEqual([3, 60]);
    expect(m.value).toBeCloseTo(0.05);
    // 5% is the limit itself: not above it.
    expect(m.status).toBe("ok");
    await addDecision(store, "gd_3", "2026-03-04T00:00:00.000Z", "block", 10, [
      { caseId: "c5", flaky: true },
    ]);
    const again = metric(await report(), "flaky_rate");
    expect([again.numerator, again.denominator, again.status]).toEqual([4, 70, "investigate"]);
    expect(again.items.map((i) => i.id)).toEqual(["gd_1", "gd_2", "gd_3"]);
  });

  it("trace coverage: traces with a prompt version and a root span", async () => {
    const day = Date.parse("2026-03-10T00:00:00.000Z");
    const spans = [
      ...Array.from({ length: 17 }, (_, i) => traceSpans(`ok${i}`, day + i, { version: "v1" })),
      traceSpans("noversion", day),
      traceSpans("noroot", day, { version: "v1", root: false }),
      traceSpans("bare", day, { root: false }),
      // Before the window.
      traceSpans("old", Date.parse("2026-01-01T00:00:00.000Z")),
    ].flat();
    await store.traces.insertSpans(spans);
    const m = metric(await report(), "trace_coverage");
    expect([m.numerator, m.denominator]).toEqual([17, 20]);
    expect(m.value).toBeCloseTo(0.85);
    expect(m.status).toBe("investigate");
    expect(m.items.map((i) => i.id)).toEqual(
      expect.arrayContaining(["noversion", "noroot", "bare"]),
    );
    expect(m.items.some((i) => i.id === "old")).toBe(false);
  });

  it("override rate: automatic moves a person put back, and canaries a person stopped", async () => {
    await addVersions(store);
    const prod = { name: "support", label: "production" };
    const at = (d: number) => `2026-03-${String(d).padStart(2, "0")}T00:00:00.000Z`;
    await store.prompts.moveLabel({ ...prod, to: "v1", kind: "set", actor: "alice", at: at(1) });
    // Automatic 1: gate promotion v1 → v2, put back to v1 by bob: an override.
    await store.prompts.moveLabel({
      ...prod,
      to: "v2",
      kind: "promote",
      actor: "alice",
      decision_id: "gd_1",
      at: at(2),
    });
    await store.prompts.moveLabel({ ...prod, to: "v1", kind: "set", actor: "bob", at: at(3) });
    // Automatic 2: watch moves v1 → v3; bob then moves to v2 (not back to v1): no override.
    await store.prompts.moveLabel({ ...prod, to: "v3", kind: "set", actor: "watch", at: at(4) });
    await store.prompts.moveLabel({ ...prod, to: "v2", kind: "set", actor: "bob", at: at(5) });
    // Automatic 3: watch rolls back v2 → v3; nobody touches it after.
    await store.prompts.moveLabel({
      ...prod,
      to: { previous: true },
      kind: "rollback",
      actor: "watch",
      at: at(6),
    });
    // Automatic 4 and 5: canaries watch started; carol stopped the first.
    for (const [id, day] of [
      ["can_1", 7],
      ["can_2", 8],
    ] as const) {
      await store.live.recordEvent({
        key: `start-${id}`,
        kind: "canary_started",
        prompt_name: "support",
        canary_id: id,
        actor: "watch",
        at: at(day),
        doc: {},
      });
    }
    await store.live.recordEvent({
      key: "stop-can_1",
      kind: "canary_stopped",
      prompt_name: "support",
      canary_id: "can_1",
      actor: "carol",
      at: at(9),
      doc: {},
    });
    // A canary a person started is not an automatic decision.
    await store.live.recordEvent({
      key: "start-can_3",
      kind: "canary_started",
      prompt_name: "support",
      canary_id: "can_3",
      actor: "dave",
      at: at(10),
      doc: {},
    });

    const m = metric(await report(), "override_rate");
    expect([m.numerator, m.denominator]).toEqual([2, 5]);
    expect(m.value).toBe(0.4);
    expect(m.status).toBe("investigate");
    expect(m.items.map((i) => i.id)).toEqual(["support@production", "can_1"]);
  });

  it("rollbacks: a prompt rolled back twice without a new gate between", async () => {
    await addVersions(store);
    await addVersions(store, "triage");
    const rollback = async (name: string, at: string) => {
      await store.prompts.moveLabel({
        name,
        label: "production",
        to: "v1",
        kind: "set",
        actor: "a",
        at,
      });
      await store.prompts.moveLabel({
        name,
        label: "production",
        to: "v2",
        kind: "set",
        actor: "a",
        at,
      });
      await store.prompts.moveLabel({
        name,
        label: "production",
        to: { previous: true },
        kind: "rollback",
        actor: "bob",
        at,
      });
    };
    // support: rolled back 03-02 and 03-05 with no gate between → breach.
    await rollback("support", "2026-03-02T00:00:00.000Z");
    await rollback("support", "2026-03-05T00:00:00.000Z");
    // triage: 03-02, a gate on 03-03, then 03-05 → two runs of one.
    await rollback("triage", "2026-03-02T00:00:00.000Z");
    await addDecision(store, "gd_t", "2026-03-03T00:00:00.000Z", "promote", 5, [], "triage");
    await rollback("triage", "2026-03-05T00:00:00.000Z");
    // A gate on support, but before both of its rollbacks: no help.
    await addDecision(store, "gd_s", "2026-03-01T00:00:00.000Z", "promote", 5, [], "support");

    const m = metric(await report(), "rollbacks");
    expect(m.value).toBe(2);
    expect(m.numerator).toBe(4);
    expect(m.status).toBe("investigate");
    expect(m.items.map((i) => i.id)).toEqual(["support"]);

    // With a gate between the two, support is fine too.
    await addDecision(store, "gd_s2", "2026-03-04T00:00:00.000Z", "promote", 5, [], "support");
    const after = metric(await report(), "rollbacks");
    expect([after.value, after.status]).toEqual([1, "ok"]);
  });

  it("the text report has the table, how each is measured, and what to do on a breach", async () => {
    await addDecision(store, "gd_1", "2026-03-02T00:00:00.000Z", "block", 10, [
      { caseId: "c1", flaky: true },
    ]);
    const text = metricsText(await report());
    expect(text).toMatch(/flaky-case rate\s+10\.0% \(1\/10\)\s+≤ 5\.0%\s+investigate/);
    expect(text).toMatch(/How measured:/);
    expect(text).toMatch(
      /flaky-case rate — investigate[\s\S]*what to do: Give each flaky case an owner/,
    );
    expect(text).toMatch(/- gd_1: support gate/);
  });
});
