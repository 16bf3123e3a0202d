import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { InputError } from "../core/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import {
  buildDetectors,
  buildTraceView,
  type Detector,
  type JudgeFn,
  mineFailures,
  normalizeForFingerprint,
  parseSince,
} from "./index.js";
import { buildTrace, insertSpans, type TraceSpec, traceId } from "./test-support/traces.js";

let dir: string;
let dbPath: string;
let store: Store;
const T0 = Date.parse("2026-03-01T10:00:00Z");

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-mining-"));
  dbPath = join(dir, "ratchet.db");
  store = await openSqliteStore(dbPath);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function add(spec: Omit<TraceSpec, "traceId" | "startMs"> & { label: string; at?: number }) {
  const id = traceId(spec.label);
  insertSpans(dbPath, buildTrace({ ...spec, traceId: id, startMs: spec.at ?? T0 }));
  return id;
}

const clean = {
  outcome: "success" as const,
  feedbackScore: 1,
  messages: [
    { role: "system", content: "You are a helpful support agent." },
    { role: "user", content: "Where is my order #4471?" },
    { role: "assistant", content: "Your order #4471 shipped yesterday and arrives Friday." },
    { role: "user", content: "Great, thanks!" },
    { role: "assistant", content: "You're welcome. Anything else I can help with today." },
  ],
  tools: [{ name: "get_order", args: { id: "4471" }, result: { status: "shipped" } }],
};

async function mineAll(detectors: Detector[] = buildDetectors()) {
  return mineFailures(store, { since: 0, detectors });
}

async function detectorsFired(trace: string): Promise<string[]> {
  const all = await store.failures.list({ status: ["new", "accepted", "dismissed", "duplicate"] });
  return all
    .filter((f) => f.trace_id === trace)
    .map((f) => f.detector)
    .sort();
}

describe("signal types", () => {
  it("a clean, successful conversation raises nothing", async () => {
    const id = add({ label: "clean", ...clean });
    const counts = await mineAll();
    expect(counts.traces).toBe(1);
    expect(counts.signals).toBe(0);
    expect(await detectorsFired(id)).toEqual([]);
  });

  it("hard_error: error spans, exceptions, tool errors and a failed outcome", async () => {
    const chat = add({
      label: "chaterr",
      ...clean,
      outcome: "error",
      chatError: "upstream 503 from provider",
    });
    const exc = add({
      label: "exc",
      ...clean,
      exception: "TypeError: cannot read 'id' of undefined",
    });
    const tool = add({
      label: "toolerr",
      ...clean,
      tools: [{ name: "get_order", args: { id: "9" }, result: "Error: order 9 not found" }],
    });
    const toolStatus = add({
      label: "toolstatus",
      ...clean,
      tools: [{ name: "cancel_order", args: { id: "9" }, error: "timeout after 30s" }],
    });
    const failed = add({ label: "failed", ...clean, outcome: "failure" });
    await mineAll();
    expect(await detectorsFired(chat)).toEqual(["outcome-error", "span-error"]);
    expect(await detectorsFired(exc)).toEqual(["span-error"]);
    expect(await detectorsFired(tool)).toEqual(["tool-error"]);
    expect(await detectorsFired(toolStatus)).toEqual(["tool-error"]);
    expect(await detectorsFired(failed)).toEqual(["outcome-failure"]);
    const f = (await store.failures.list()).find(
      (x) => x.trace_id === chat && x.detector === "span-error",
    );
    expect(f?.signal_type).toBe("hard_error");
    expect(f?.error).toBe("upstream 503 from provider");
    expect(f?.input).toBe("Where is my order #4471?");
    expect(f?.tool_calls.map((t) => t.name)).toEqual(["get_order"]);
  });

  it("user_correction: explicit correction feedback, or a user message correcting the answer", async () => {
    const explicit = add({ label: "corr", ...clean, correction: "The order is #4417, not #4471" });
    const said = add({
      label: "said",
      outcome: "success",
      messages: [
        { role: "user", content: "Cancel my order 1182." },
        { role: "assistant", content: "I have cancelled order 1128." },
        { role: "user", content: "No, that's wrong. I said 1182, not 1128." },
        { role: "assistant", content: "Apologies, order 1182 is now cancelled." },
      ],
    });
    const notAsked = add({
      label: "notasked",
      messages: [
        { role: "user", content: "What's the refund policy for damaged items?" },
        { role: "assistant", content: "Our store hours are 9 to 5." },
        { role: "user", content: "That's not what I asked." },
      ],
    });
    // "No" as the first word of a first message is not a correction of an answer.
    const firstNo = add({
      label: "firstno",
      ...clean,
      messages: [
        { role: "user", content: "No, I don't have a tracking number. Where is order 12?" },
        { role: "assistant", content: "Order 12 shipped yesterday." },
      ],
    });
    await mineAll();
    expect(await detectorsFired(explicit)).toEqual(["feedback-correction"]);
    expect(await detectorsFired(said)).toEqual(["user-correction"]);
    expect(await detectorsFired(notAsked)).toContain("user-correction");
    expect(await detectorsFired(firstNo)).toEqual([]);
  });

  it("abandonment: abandoned outcome, an unanswered question, leaving after a failure", async () => {
    const abandoned = add({ label: "aband", ...clean, outcome: "abandoned" });
    const question = add({
      label: "question",
      messages: [
        { role: "user", content: "I need to change my flight." },
        { role: "assistant", content: "Sure. What is your reservation number?" },
      ],
    });
    const leftAfter = add({
      label: "left",
      messages: [
        { role: "user", content: "Please update my address." },
        { role: "assistant", content: "Sorry, I'm unable to update addresses right now." },
      ],
    });
    // The same question with a successful outcome is not abandonment.
    const answeredLater = add({
      label: "okq",
      outcome: "success",
      messages: [
        { role: "user", content: "I need to change my flight." },
        { role: "assistant", content: "Sure. What is your reservation number?" },
      ],
    });
    await mineAll();
    expect(await detectorsFired(abandoned)).toEqual(["abandoned"]);
    expect(await detectorsFired(question)).toEqual(["unanswered-question"]);
    expect(await detectorsFired(leftAfter)).toEqual(["left-after-failure"]);
    expect(await detectorsFired(answeredLater)).toEqual([]);
  });

  it("business_metric: low feedback score, refund issued, escalation", async () => {
    const low = add({
      label: "low",
      ...clean,
      feedbackScore: 0.2,
      feedbackText: "slow and unhelpful",
    });
    const edge = add({ label: "edge", ...clean, feedbackScore: 0.5 });
    const refund = add({
      label: "refund",
      ...clean,
      tools: [{ name: "issue_refund", args: { order: "77", amount: 120 }, result: { ok: true } }],
    });
    const escalated = add({
      label: "escal",
      ...clean,
      tools: [
        {
          name: "transfer_to_human_agents",
          args: { summary: "angry" },
          result: "Transfer successful",
        },
      ],
    });
    await mineAll();
    expect(await detectorsFired(low)).toEqual(["low-feedback-score"]);
    expect(await detectorsFired(edge)).toEqual([]);
    expect(await detectorsFired(refund)).toEqual(["refund-issued"]);
    expect(await detectorsFired(escalated)).toEqual(["escalation"]);
  });

  it("llm_judge_fail: a stored judge score, or a configured judge; none by default", async () => {
    const stored = add({
      label: "judged",
      ...clean,
      rootAttributes: { "ratchet.judge.score": 0.1 },
    });
    const plain = add({ label: "plain", ...clean });
    const calls: string[] = [];
    const judge: JudgeFn = async (text) => {
      calls.push(text);
      return text.includes("shipped yesterday")
        ? { pass: false, score: 0.2, reason: "claims shipment without evidence" }
        : { pass: true, score: 0.9, reason: "ok" };
    };
    const config = (await loadConfigFrom("mining:\n  judge:\n    enabled: true\n")).mining;
    expect(() => buildDetectors(config)).toThrow(/no judge is available/);
    await mineAll(buildDetectors(config, { judge }));
    expect(calls.length).toBe(2);
    expect(await detectorsFired(stored)).toEqual(["judge-score-low", "llm-judge"]);
    expect(await detectorsFired(plain)).toEqual(["llm-judge"]);
    // The default config never calls a judge.
    expect(buildDetectors().some((d) => d.name === "llm-judge")).toBe(false);
  });
});

async function loadConfigFrom(yaml: string) {
  const file = join(dir, "ratchet.yaml");
  writeFileSync(file, yaml);
  return (await loadConfig(file, { env: {} })).config;
}

describe("detector config in YAML", () => {
  it("adds, replaces and disables detectors", async () => {
    const config = (
      await loadConfigFrom(`
mining:
  disable: [escalation]
  detectors:
    - name: low-feedback-score
      type: business_metric
      severity: high
      weight: 0.9
      when: { attribute: ratchet.feedback.score, op: lte, value: 0.5 }
    - name: vip-complaint
      type: user_correction
      severity: critical
      when:
        all_of:
          - { attribute: customer.tier, op: eq, value: gold }
          - any_of:
              - { attribute: ratchet.feedback.text, op: contains, value: refund }
              - { attribute: ratchet.feedback.score, op: lt, value: 0.3 }
      messages: { role: user, matches: "manager|supervisor" }
`)
    ).mining;
    const detectors = buildDetectors(config);
    const names = detectors.map((d) => d.name);
    expect(names).not.toContain("escalation");
    expect(names).toContain("vip-complaint");
    expect(detectors.find((d) => d.name === "low-feedback-score")?.severity).toBe("high");

    const edge = add({ label: "edge", ...clean, feedbackScore: 0.5 });
    const vip = add({
      label: "vip",
      feedbackText: "I want a refund",
      rootAttributes: { "customer.tier": "gold" },
      messages: [
        { role: "user", content: "My package is late." },
        { role: "assistant", content: "It will arrive soon." },
        { role: "user", content: "Let me talk to your manager." },
      ],
      outcome: "success",
    });
    const silver = add({
      label: "silver",
      feedbackText: "I want a refund",
      rootAttributes: { "customer.tier": "silver" },
      messages: [{ role: "user", content: "Let me talk to your manager." }],
      outcome: "success",
    });
    await mineAll(detectors);
    expect(await detectorsFired(edge)).toEqual(["low-feedback-score"]);
    expect(await detectorsFired(vip)).toEqual(["vip-complaint"]);
    expect(await detectorsFired(silver)).toEqual([]);
  });

  it("a bad op is an input error naming file, line and key", async () => {
    const yaml = [
      "mining:",
      "  detectors:",
      "    - name: slow",
      "      type: business_metric",
      "      when: { attribute: latency_ms, op: greater, value: 100 }",
    ].join("\n");
    const error = await loadConfigFrom(yaml).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.location.file).toBe(join(dir, "ratchet.yaml"));
    expect(e.location.line).toBe(5);
    expect(e.location.key).toMatch(/mining\.detectors\[0\]\.when/);
    expect(e.format()).toMatch(/ratchet\.yaml:5/);
  });

  it("rejects an unknown signal type, a bad regex and a numeric op without a number", async () => {
    for (const [line, pattern] of [
      ["      type: hard_errors\n      when: { attribute: a, op: exists }", /type/],
      ["      type: hard_error\n      messages: { matches: '(unclosed' }", /regular expression/],
      ["      type: hard_error\n      when: { attribute: a, op: lt, value: low }", /number/],
    ] as const) {
      const error = await loadConfigFrom(`mining:\n  detectors:\n    - name: x\n${line}\n`).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).format()).toMatch(pattern);
    }
  });
});

describe("ranking, de-duplication and recurrence", () => {
  it("ranks by severity weight × detector weight × recurrence", async () => {
    add({ label: "low", ...clean, feedbackScore: 0.1 }); // business medium 0.5 × 0.4 = 0.2
    add({ label: "aband", ...clean, outcome: "abandoned" }); // abandonment medium 0.5 × 0.6 = 0.3
    add({ label: "crit", ...clean, outcome: "error" }); // critical 1 × 1 = 1
    add({ label: "corr", ...clean, correction: "wrong order" }); // high 0.75 × 1
    // The error root would also fire span-error at 0.75, tying with the correction.
    await mineAll(buildDetectors().filter((d) => d.name !== "span-error"));
    const ranked = await store.failures.list();
    expect(ranked.map((f) => f.detector)).toEqual([
      "outcome-error",
      "feedback-correction",
      "abandoned",
      "low-feedback-score",
    ]);
    expect(ranked.map((f) => f.score)).toEqual([1, 0.75, 0.3, 0.2]);
  });

  it("links near-identical failures to the first and raises its count", async () => {
    const first = add({
      label: "n1",
      ...clean,
      tools: [
        { name: "get_order", args: {}, result: "Error: order #8812 for jo@example.com not found" },
      ],
      at: T0,
    });
    add({
      label: "n2",
      ...clean,
      tools: [
        { name: "get_order", args: {}, result: "Error: order #1204 for al@example.org not found" },
      ],
      at: T0 + 60_000,
    });
    add({
      label: "n3",
      ...clean,
      tools: [{ name: "get_order", args: {}, result: "Error: order #77 for x@y.io not found" }],
      at: T0 + 120_000,
    });
    const other = add({
      label: "n4",
      ...clean,
      tools: [{ name: "get_order", args: {}, result: "Error: database connection refused" }],
    });
    const counts = await mineAll();
    expect(counts).toMatchObject({ traces: 4, signals: 4, new: 2, duplicates: 2 });
    const list = await store.failures.list();
    expect(list).toHaveLength(2);
    const top = list[0];
    expect(top?.trace_id).toBe(first);
    expect(top?.count).toBe(3);
    expect(top?.last_seen).toBe(new Date(T0 + 120_000).toISOString());
    // medium 0.5 × 1 × (1 + log2 3)
    expect(top?.score).toBeCloseTo(0.5 * (1 + Math.log2(3)), 5);
    expect(list[1]?.trace_id).toBe(other);
    const dups = await store.failures.duplicates(top?.id ?? "");
    expect(dups.map((d) => d.status)).toEqual(["duplicate", "duplicate"]);
    // Mining again adds nothing: (trace, detector) is never stored twice.
    const again = await mineAll();
    expect(again).toMatchObject({ signals: 4, new: 0, duplicates: 0, existing: 4 });
    expect((await store.failures.get(top?.id ?? ""))?.count).toBe(3);
  });

  it("masks ids, emails and numbers in the fingerprint text", () => {
    expect(
      normalizeForFingerprint("Order #8812 for Jo@Example.com (user mia_li_3668) failed"),
    ).toBe(normalizeForFingerprint("order #1 for al@b.org (user noah_9) failed"));
    expect(normalizeForFingerprint("refund failed")).not.toBe(normalizeForFingerprint("refund ok"));
  });
});

describe("incremental mining", () => {
  it("without --since only traces that gained spans since the last pass are read", async () => {
    add({ label: "a", ...clean, outcome: "failure" });
    const first = await mineFailures(store, { detectors: buildDetectors() });
    expect(first.traces).toBe(1);
    const second = await mineFailures(store, { detectors: buildDetectors() });
    expect(second.traces).toBe(0);
    add({ label: "b", ...clean, outcome: "abandoned" });
    const third = await mineFailures(store, { detectors: buildDetectors() });
    expect(third).toMatchObject({ traces: 1, new: 1 });
  });

  it("--since limits the window by span start time", async () => {
    add({ label: "old", ...clean, outcome: "failure", at: T0 - 10 * 86_400_000 });
    add({ label: "new", ...clean, outcome: "failure", at: T0 });
    const counts = await mineFailures(store, {
      since: parseSince("7d", "--since", T0 + 1000),
      detectors: buildDetectors(),
    });
    expect(counts.traces).toBe(1);
  });

  it("eval spans are never mined", async () => {
    insertSpans(
      dbPath,
      buildTrace({ ...clean, outcome: "error", traceId: traceId("ev"), startMs: T0 }),
      {
        source: "eval",
      },
    );
    expect((await mineAll()).traces).toBe(0);
  });
});

describe("parseSince", () => {
  it("accepts durations and ISO dates, refuses the rest naming the flag", () => {
    const now = Date.parse("2026-03-10T00:00:00Z");
    expect(parseSince("7d", "--since", now)).toBe(Date.parse("2026-03-03T00:00:00Z"));
    expect(parseSince("24h", "--since", now)).toBe(Date.parse("2026-03-09T00:00:00Z"));
    expect(parseSince("30m", "--since", now)).toBe(Date.parse("2026-03-09T23:30:00Z"));
    expect(parseSince("2026-01-02", "--since", now)).toBe(Date.parse("2026-01-02"));
    for (const bad of ["7 days", "yesterday", "-3d", "2026-13-45"]) {
      expect(() => parseSince(bad)).toThrow(InputError);
    }
    try {
      parseSince("soon");
    } catch (e) {
      expect((e as InputError).location.key).toBe("--since");
    }
  });
});

describe("trace view", () => {
  it("reads the conversation from parts-style messages too", () => {
    const view = buildTraceView("t", [
      {
        trace_id: "t",
        span_id: "s",
        name: "chat",
        kind: "client",
        start_ms: 1,
        end_ms: 2,
        attributes: {
          "gen_ai.input.messages": JSON.stringify([
            { role: "user", parts: [{ type: "text", content: "hello there" }] },
          ]),
          "gen_ai.output.messages": JSON.stringify([
            { role: "assistant", parts: [{ type: "text", content: "hi!" }] },
          ]),
        },
        status: { code: "ok" },
        events: [],
      },
    ]);
    expect(view.input).toBe("hello there");
    expect(view.output).toBe("hi!");
  });
});
