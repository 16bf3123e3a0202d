import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inputErrorOf } from "../config/testdata/helpers.js";
import { openSqliteStore, type Store } from "../store/index.js";
import {
  addPrompt,
  describePromptChange,
  hashPromptVersion,
  labelPrompt,
  listPrompts,
  parsePromptRef,
  resolvePromptRef,
  rollbackPrompt,
} from "./index.js";

let store: Store;
let clock = 0;
/** Strictly increasing times so that "oldest" is defined by the test, not the wall clock. */
const tick = () => new Date(Date.UTC(2026, 0, 1) + 1000 * clock++);
const add = (content: string, extra: Partial<Parameters<typeof addPrompt>[1]> = {}) =>
  addPrompt(store, {
    name: "support",
    content,
    author: "ana",
    actor: "ana",
    now: tick(),
    ...extra,
  });

beforeEach(async () => {
  store = await openSqliteStore(":memory:");
  clock = 0;
});
afterEach(async () => {
  await store.close();
});

describe("versions", () => {
  it("hash is sha256 of the canonical JSON of {content, settings}", () => {
    // Computed independently: the exact bytes that must be hashed.
    const expected = createHash("sha256")
      .update('{"content":"Hi","settings":{"model":"sim:a","temperature":0.2}}')
      .digest("hex");
    expect(hashPromptVersion("Hi", { temperature: 0.2, model: "sim:a" })).toBe(expected);
    const none = createHash("sha256").update('{"content":"Hi","settings":null}').digest("hex");
    expect(hashPromptVersion("Hi")).toBe(none);
    expect(hashPromptVersion("Hi", {})).toBe(none);
  });

  it("adding the same content again returns the existing version", async () => {
    const first = await add("Be brief.");
    const again = await add("Be brief.", { author: "bob" });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.version.hash).toBe(first.version.hash);
    expect(again.version.author).toBe("ana");
    expect(await store.prompts.listVersions("support")).toHaveLength(1);
  });

  it("keeps parents and resolves refs by label, prefix and bare name", async () => {
    const a = await add("one", { label: "production" });
    const b = await add("two", { parents: ["support@production"], rationale: "shorter" });
    expect(b.version.parents).toEqual([a.version.hash]);
    expect((await resolvePromptRef(store, "support")).hash).toBe(a.version.hash);
    expect((await resolvePromptRef(store, `support@${b.version.hash.slice(0, 7)}`)).rationale).toBe(
      "shorter",
    );
    expect(parsePromptRef("support")).toEqual({
      name: "support",
      selector: "production",
      explicit: false,
    });
    expect((await inputErrorOf(() => resolvePromptRef(store, "suport@production"))).message).toBe(
      "no prompt named 'suport' in the registry (did you mean `support`?)",
    );
    expect((await inputErrorOf(() => resolvePromptRef(store, "support@abc"))).message).toContain(
      "a hash needs at least 7 hex digits",
    );
  });
});

describe("labels and rollback", () => {
  it("rollback walks back one step at a time and records who and why", async () => {
    const a = await add("a", { label: "production" });
    const b = await add("b", { label: "production" });
    const c = await add("c", { label: "production" });
    const r1 = await rollbackPrompt(store, "support", "production", {
      actor: "eve",
      reason: "bad",
    });
    expect(r1).toMatchObject({
      from_hash: c.version.hash,
      to_hash: b.version.hash,
      kind: "rollback",
    });
    expect(r1.actor).toBe("eve");
    expect(r1.reason).toBe("bad");
    const r2 = await rollbackPrompt(store, "support", "production", { actor: "eve" });
    expect(r2.to_hash).toBe(a.version.hash);
    const error = await inputErrorOf(() => rollbackPrompt(store, "support", "production"));
    expect(error.message).toContain("no earlier target");
    expect((await resolvePromptRef(store, "support@production")).hash).toBe(a.version.hash);
  });

  it("rollback skips earlier targets equal to the current one", async () => {
    const a = await add("a", { label: "production" });
    const b = await add("b", { label: "production" });
    await labelPrompt(store, "support", a.version.hash, "production", { actor: "x" });
    await labelPrompt(store, "support", a.version.hash, "production", { actor: "x" });
    // History of targets: a, b, a, a — one step back from a is b.
    const back = await rollbackPrompt(store, "support", "production", { actor: "x" });
    expect(back.to_hash).toBe(b.version.hash);
  });

  it("a label pointing at a missing version is refused and changes nothing", async () => {
    await add("a", { label: "production" });
    const before = await store.prompts.labelHistory("support");
    const error = await inputErrorOf(() =>
      store.prompts.moveLabel({
        name: "support",
        label: "production",
        to: "f".repeat(64),
        kind: "set",
        actor: "x",
        at: tick().toISOString(),
      }),
    );
    expect(error.message).toContain("no such version");
    expect(await store.prompts.labelHistory("support")).toEqual(before);
  });
});

describe("retention", () => {
  it("prunes the oldest beyond the limit but never labelled, pinned, run or ancestor versions", async () => {
    const labelled = await add("v0", { label: "production" });
    const pinned = await add("v1");
    await store.prompts.pin({
      name: "support",
      hash: pinned.version.hash,
      pinned_by: "decision:d1",
      created_at: tick().toISOString(),
    });
    const used = await add("v2");
    await store.createRun({
      id: "run_1",
      pipeline: "p",
      suite: "s",
      config_hash: "h",
      prompt_version: `support@${used.version.hash}`,
      agent_kind: "prompt",
      models: ["sim:support"],
      seed: 1,
      epochs: 1,
      status: "completed",
      started_at: tick().toISOString(),
      purpose: "evaluation",
      config_snapshot: {},
      case_count: 1,
    });
    const parent = await add("v3");
    const loose = await add("v4");
    const child = await add("v5", { parents: [parent.version.hash] });
    const newest = await add("v6", { retain: 2 });
    expect(newest.pruned).toEqual([loose.version.hash]);
    const left = (await store.prompts.listVersions("support")).map((v) => v.content);
    expect(left).toEqual(["v0", "v1", "v2", "v3", "v5", "v6"]);
    expect(child.created).toBe(true);
    expect(labelled.created).toBe(true);
  });
});

describe("describePromptChange", () => {
  it("names the parts and infers the change type", () => {
    const base = { content: "x", settings: { model: "sim:a", tools: [{ name: "t" }] } };
    expect(describePromptChange(base, { ...base, content: "y" })).toMatchObject({
      parts: ["content"],
      changeType: "prompt",
    });
    expect(
      describePromptChange(base, {
        content: "x",
        settings: { model: "sim:b", tools: [{ name: "t" }] },
      }),
    ).toMatchObject({ parts: ["model"], changeType: "model" });
    const tool = describePromptChange(base, {
      content: "x",
      settings: { model: "sim:a", tools: [{ name: "t", description: "new" }, { name: "u" }] },
    });
    expect(tool.changeType).toBe("tool");
    expect(tool.tools).toEqual({ added: ["u"], removed: [], changed: ["t"] });
  });

  it("lists names with labels", async () => {
    await add("a", { label: "production" });
    const list = await listPrompts(store);
    expect(list.map((v) => v.labels)).toEqual([["production"]]);
  });
});
