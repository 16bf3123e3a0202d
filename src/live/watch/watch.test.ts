import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultConfig, type RatchetConfig } from "../../config/index.js";
import { addPrompt } from "../../prompts/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import { requestSpans, traceIdOf } from "../traffic.js";
import { checkDrift } from "./drift.js";
import { guardPromotions } from "./guard.js";
import { histogram, numericPsi, psi, quantileEdges } from "./psi.js";
import { runWatch, WATCH_LEASE } from "./run.js";

let dir: string;
let store: Store;
let config: RatchetConfig;
let v1: string;
let v2: string;

const DAY = 86_400_000;

async function traffic(options: {
  version: string;
  count: number;
  fromMs: number;
  spacingMs: number;
  errorEvery?: number;
  salt: number;
  input?: (i: number) => string;
}): Promise<void> {
  const spans = [];
  for (let i = 0; i < options.count; i++) {
    spans.push(
      ...requestSpans({
        traceId: traceIdOf(i, options.salt),
        promptName: "support",
        versionHash: options.version,
        startMs: options.fromMs + i * options.spacingMs,
        latencyMs: 500 + (i % 5) * 40,
        error: options.errorEvery !== undefined && i % options.errorEvery === 0,
        input: options.input?.(i) ?? `where is my order number ${i % 13}?`,
        output: "Your order shipped and arrives Tuesday.",
        toolCalls: 1,
      }),
    );
  }
  await store.traces.insertSpans(spans);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-watch-"));
  store = await openSqliteStore(join(dir, "r.db"));
  config = defaultConfig();
  config = { ...config, live: { ...config.live, watch: { ...config.live.watch, mine: false } } };
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

describe("psi", () => {
  it("matches the index computed by hand", () => {
    // Shares 0.5/0.5 → 0.8/0.2: (0.3 ln 1.6) + (−0.3 ln 0.4) = 0.141 + 0.275 = 0.4159.
    expect(psi([50, 50], [80, 20])).toBeCloseTo(0.3 * Math.log(1.6) - 0.3 * Math.log(0.4), 10);
    expect(psi([10, 20, 30], [10, 20, 30])).toBe(0);
  });

  it("bins from the reference's deciles", () => {
    const reference = Array.from({ length: 100 }, (_, i) => i);
    expect(quantileEdges(reference)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(histogram([0, 9, 10, 95], [10, 50])).toEqual([2, 1, 1]);
    expect(numericPsi(reference, reference)).toBe(0);
    expect(
      numericPsi(
        reference,
        reference.map((x) => x + 60),
      ),
    ).toBeGreaterThan(1);
  });
});

describe("probation after a promotion", () => {
  async function promote(at: string) {
    await store.prompts.moveLabel({
      name: "support",
      label: "production",
      to: v2,
      kind: "promote",
      actor: "gate",
      at,
    });
  }

  it("rolls a worse new version back one step, once", async () => {
    await traffic({
      version: v1,
      count: 400,
      fromMs: Date.now() - DAY,
      spacingMs: 1000,
      errorEvery: 25,
      salt: 1,
    });
    await promote(new Date().toISOString());
    await traffic({
      version: v2,
      count: 400,
      fromMs: Date.now(),
      spacingMs: 1000,
      errorEvery: 2,
      salt: 2,
    });
    const now = new Date();
    const [first] = await guardPromotions(store, config, { actor: "watch", now });
    expect(first?.acted).toBe("rolled_back");
    expect(first?.decision.reasons.join(" ")).toMatch(/error_rate|failure_rate/);
    const labels = await store.prompts.listLabels("support");
    expect(labels.find((l) => l.label === "production")?.hash).toBe(v1);
    // The label moved back: nothing on probation any more, and the event is not repeated.
    expect(await guardPromotions(store, config, { actor: "watch", now })).toEqual([]);
    expect(await store.live.listEvents({ kind: "rollback" })).toHaveLength(1);
  });

  it("leaves an equal new version alone", async () => {
    await traffic({
      version: v1,
      count: 400,
      fromMs: Date.now() - DAY,
      spacingMs: 1000,
      errorEvery: 10,
      salt: 1,
    });
    await promote(new Date().toISOString());
    await traffic({
      version: v2,
      count: 400,
      fromMs: Date.now(),
      spacingMs: 1000,
      errorEvery: 10,
      salt: 2,
    });
    const [result] = await guardPromotions(store, config, { actor: "watch", now: new Date() });
    expect(result?.acted).toBe("none");
    expect(
      (await store.prompts.listLabels("support")).find((l) => l.label === "production")?.hash,
    ).toBe(v2);
  });
});

describe("drift", () => {
  // Windows of one day ending at midnight: now is 2026-12-06 12:00, so the latest full window
  // is 12-05 and the one before 12-04.
  const now = new Date("2026-12-06T12:00:00Z");
  const day4 = Date.parse("2026-12-04T00:00:00Z");
  const day5 = Date.parse("2026-12-05T00:00:00Z");

  it("finds input drift, acts on performance drift by the config, and checks a window once", async () => {
    await traffic({
      version: v1,
      count: 300,
      fromMs: day4,
      spacingMs: 60_000,
      errorEvery: 50,
      salt: 1,
    });
    await traffic({
      version: v1,
      count: 300,
      fromMs: day5,
      spacingMs: 60_000,
      errorEvery: 2,
      salt: 2,
      input: (i) =>
        `Bonjour, je voudrais annuler mon abonnement premium et obtenir un remboursement complet ${i}, merci beaucoup pour votre aide rapide et efficace aujourd'hui`,
    });
    // A trace from an application clock a year ahead: left out, and counted.
    await traffic({
      version: v1,
      count: 1,
      fromMs: now.getTime() + 365 * DAY,
      spacingMs: 1,
      salt: 3,
    });
    const [check] = await checkDrift(store, config, { actor: "watch", now });
    expect(check?.counts).toEqual({ previous: 300, current: 300 });
    expect(check?.future).toBe(1);
    const breached = check?.findings.filter((f) => f.breached).map((f) => `${f.kind}:${f.measure}`);
    expect(breached).toContain("input:input length");
    expect(breached).toContain("input:input words");
    expect(breached).toContain("performance:error_rate");
    expect(breached).not.toContain("output:output length");
    expect(check?.action).toBe("notified");
    // The same window is not checked (or acted on) twice.
    expect(await checkDrift(store, config, { actor: "watch", now })).toEqual([]);
    expect(await store.live.listEvents({ kind: "drift" })).toHaveLength(1);
  });

  it("rolls back on performance drift when configured, only to the label's previous target", async () => {
    await store.prompts.moveLabel({
      name: "support",
      label: "production",
      to: v2,
      kind: "promote",
      actor: "gate",
      at: new Date(day4 - DAY).toISOString(),
    });
    await traffic({
      version: v2,
      count: 300,
      fromMs: day4,
      spacingMs: 60_000,
      errorEvery: 50,
      salt: 1,
    });
    await traffic({
      version: v2,
      count: 300,
      fromMs: day5,
      spacingMs: 60_000,
      errorEvery: 2,
      salt: 2,
    });
    const rollback = {
      ...config,
      live: { ...config.live, drift: { ...config.live.drift, on_breach: "rollback" as const } },
    };
    const [check] = await checkDrift(store, rollback, { actor: "watch", now });
    expect(check?.action).toBe("rolled_back");
    expect(
      (await store.prompts.listLabels("support")).find((l) => l.label === "production")?.hash,
    ).toBe(v1);
  });

  it("starts one improvement cycle per breached window, recorded before it runs", async () => {
    await traffic({
      version: v1,
      count: 300,
      fromMs: day4,
      spacingMs: 60_000,
      errorEvery: 50,
      salt: 1,
    });
    await traffic({
      version: v1,
      count: 300,
      fromMs: day5,
      spacingMs: 60_000,
      errorEvery: 2,
      salt: 2,
    });
    const improve = {
      ...config,
      live: { ...config.live, drift: { ...config.live.drift, on_breach: "improve" as const } },
    };
    const started: string[] = [];
    const onImprove = async (prompt: string) => {
      // The trigger is already on record while the cycle runs.
      expect(await store.live.listEvents({ kind: "improve_triggered" })).toHaveLength(1);
      started.push(prompt);
      return "cycle_test";
    };
    const [check] = await checkDrift(store, improve, { actor: "watch", now, onImprove });
    expect(check?.action).toBe("improve_triggered");
    await checkDrift(store, improve, { actor: "watch", now, onImprove });
    expect(started).toEqual(["support"]);
    const [finished] = await store.live.listEvents<{ cycle: string }>({ kind: "improve_finished" });
    expect(finished?.doc.cycle).toBe("cycle_test");
  });

  it("waits for enough traces in both windows", async () => {
    await traffic({ version: v1, count: 20, fromMs: day5, spacingMs: 60_000, salt: 1 });
    const [check] = await checkDrift(store, config, { actor: "watch", now });
    expect(check?.skipped).toMatch(/needs 100 traces/);
    expect(await store.live.listEvents()).toHaveLength(0);
  });
});

describe("watch", () => {
  it("lets one process act: a second stands by until the lease lapses", async () => {
    const t = 1_000_000;
    expect((await store.live.acquireLease(WATCH_LEASE, "a", t, 90_000)).held).toBe(true);
    const b = await store.live.acquireLease(WATCH_LEASE, "b", t + 1000, 90_000);
    expect(b).toMatchObject({ held: false, holder: "a" });
    // a renews; b still waits.
    expect((await store.live.acquireLease(WATCH_LEASE, "a", t + 60_000, 90_000)).held).toBe(true);
    expect((await store.live.acquireLease(WATCH_LEASE, "b", t + 120_000, 90_000)).held).toBe(false);
    // a died: after its lease lapses, b takes over.
    expect((await store.live.acquireLease(WATCH_LEASE, "b", t + 151_000, 90_000)).held).toBe(true);
    // A clock that jumped back by more than two leases cannot hold others out for that long.
    expect((await store.live.acquireLease(WATCH_LEASE, "c", t - 10 * 90_000, 90_000)).held).toBe(
      true,
    );
  });

  it("runs looks, stands by while another holds the lease, and releases its own", async () => {
    const standby: Array<string | undefined> = [];
    await store.live.acquireLease(WATCH_LEASE, "someone-else", Date.now(), 60 * 60_000);
    const held = await runWatch(store, config, {
      cwd: dir,
      looks: 1,
      onStandby: (holder) => standby.push(holder),
    });
    expect(held.looks).toBe(1);
    expect(standby).toEqual(["someone-else"]);
    await store.live.releaseLease(WATCH_LEASE, "someone-else");
    const ticks: string[] = [];
    const quick = {
      ...config,
      live: { ...config.live, watch: { ...config.live.watch, interval: "1ms" } },
    };
    await runWatch(store, quick, { cwd: dir, looks: 2, onTick: (r) => ticks.push(r.at) });
    expect(ticks).toHaveLength(2);
    // Released on the way out: another process gets it at once.
    expect((await store.live.acquireLease(WATCH_LEASE, "next", Date.now(), 1000)).held).toBe(true);
  });
});
