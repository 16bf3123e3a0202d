import { describe, expect, it } from "vitest";
import { InputError } from "../../core/index.js";
import { compileAssertions } from "../compile.js";
import { calls, grade } from "../testing.js";

describe("tool-called / tool-not-called", () => {
  const tool_calls = calls("lookup_order", "search_docs", "lookup_order");

  it("counts calls against min and max", () => {
    expect(grade({ type: "tool-called", tool: "lookup_order" }, { tool_calls })).toMatchObject({
      passed: true,
      dimension: "tool_use",
      reason: "tool `lookup_order` was called 2 times",
    });
    const s = grade({ type: "tool-called", tool: "lookup_order", max: 1 }, { tool_calls });
    expect(s.passed).toBe(false);
    expect(s.reason).toBe("tool `lookup_order` was called 2 times (expected exactly 1)");
    expect(
      grade({ type: "tool-called", tool: "refund", min: 0, max: 0 }, { tool_calls }).passed,
    ).toBe(true);
  });

  it("lists what was called and suggests a near name", () => {
    const s = grade({ type: "tool-called", tool: "search_doc" }, { tool_calls });
    expect(s.passed).toBe(false);
    expect(s.reason).toBe(
      "tool `search_doc` was not called (expected at least 1); tools called: lookup_order, search_docs, lookup_order (did you mean `search_docs`?)",
    );
  });

  it("tool-not-called names the forbidden call", () => {
    expect(grade({ type: "tool-not-called", tool: "delete_account" }, { tool_calls }).passed).toBe(
      true,
    );
    const s = grade(
      { type: "tool-not-called", tool: ["delete_account", "search_docs"] },
      { tool_calls },
    );
    expect(s.passed).toBe(false);
    expect(s.reason).toBe("forbidden tool `search_docs` was called 1 time (call call_2)");
  });
});

describe("tool-sequence", () => {
  const tool_calls = calls("lookup_order", "search_docs", "refund", "notify");

  it("accepts a subsequence by default", () => {
    expect(
      grade({ type: "tool-sequence", tools: ["lookup_order", "refund"] }, { tool_calls }).passed,
    ).toBe(true);
  });

  it("gives partial credit and says where the order broke", () => {
    const s = grade(
      { type: "tool-sequence", tools: ["lookup_order", "notify", "refund"] },
      { tool_calls },
    );
    expect(s.passed).toBe(false);
    expect(s.score).toBeCloseTo(2 / 3);
    expect(s.reason).toBe(
      "expected lookup_order → notify → refund in order; matched lookup_order → notify, then `refund` was not called after `notify`; tools called: lookup_order, search_docs, refund, notify",
    );
  });

  it("strict requires exactly the sequence", () => {
    expect(
      grade(
        { type: "tool-sequence", tools: ["lookup_order", "refund"], strict: true },
        { tool_calls },
      ).passed,
    ).toBe(false);
    const s = grade(
      { type: "tool-sequence", tools: ["lookup_order", "refund"], strict: true },
      { tool_calls: calls("lookup_order", "search_docs") },
    );
    expect(s.reason).toContain("step 2 differs: expected `refund`, got `search_docs`");
    expect(
      grade(
        { type: "tool-sequence", tools: ["a", "b"], strict: true },
        { tool_calls: calls("a", "b") },
      ).passed,
    ).toBe(true);
  });

  it("says when nothing was called", () => {
    expect(grade({ type: "tool-sequence", tools: ["a"] }, { tool_calls: [] }).reason).toBe(
      "expected a in order; `a` was never called; no tools were called",
    );
  });
});

describe("tool-args-match", () => {
  const tool_calls = calls(
    ["refund", { order_id: "A-17", amount: 20, meta: { reason: "damaged", tags: ["x"] } }],
    ["refund", { order_id: "B-2", amount: 5 }],
  );

  it("matches partially, nested, with regex values", () => {
    const s = grade(
      {
        type: "tool-args-match",
        tool: "refund",
        args: { order_id: { $regex: "^a-\\d+$", $flags: "i" }, meta: { reason: "damaged" } },
      },
      { tool_calls },
    );
    expect(s).toMatchObject({
      passed: true,
      reason: "call call_1 to `refund` matches the expected arguments",
    });
  });

  it("reports the closest call's mismatches", () => {
    const s = grade(
      { type: "tool-args-match", tool: "refund", args: { order_id: "A-17", amount: 25 } },
      { tool_calls },
    );
    expect(s.passed).toBe(false);
    expect(s.reason).toBe(
      "no call to `refund` has the expected arguments; closest (call call_1): $.amount: expected 25, got 20",
    );
  });

  it("match: all requires every call to match", () => {
    const s = grade(
      {
        type: "tool-args-match",
        tool: "refund",
        args: { order_id: { $regex: "^A" } },
        match: "all",
      },
      { tool_calls },
    );
    expect(s.passed).toBe(false);
    expect(s.reason).toBe(
      'call call_2 to `refund` does not match: $.order_id: expected /^A/, got "B-2" (1 of 2 calls match)',
    );
  });

  it("checks arrays element-wise and reports missing keys", () => {
    expect(
      grade(
        { type: "tool-args-match", tool: "refund", args: { meta: { tags: ["x"] } } },
        { tool_calls },
      ).passed,
    ).toBe(true);
    expect(
      grade({ type: "tool-args-match", tool: "refund", args: { currency: "EUR" } }, { tool_calls })
        .reason,
    ).toContain("$.currency: missing");
  });

  it("fails when the tool was not called", () => {
    expect(
      grade({ type: "tool-args-match", tool: "notify", args: {} }, { tool_calls }).reason,
    ).toBe("tool `notify` was not called; tools called: refund, refund");
  });

  it("rejects a bad regex at compile time with its key", () => {
    try {
      compileAssertions([
        { type: "tool-args-match", tool: "x", args: { a: { b: { $regex: "(" } } } },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).location.key).toBe("assertions[0].args.a.b");
    }
  });
});

describe("max-steps, latency, cost", () => {
  it("max-steps", () => {
    expect(grade({ type: "max-steps", max: 5 }, { steps: 5 }).passed).toBe(true);
    const s = grade({ type: "max-steps", max: 5 }, { steps: 7 });
    expect(s).toMatchObject({
      passed: false,
      dimension: "tool_use",
      reason: "took 7 steps, more than the max of 5",
    });
  });

  it("latency", () => {
    expect(grade({ type: "latency", max_ms: 2000 }, { latency_ms: 1999.6 }).passed).toBe(true);
    const s = grade({ type: "latency", max_ms: 2000 }, { latency_ms: 2500 });
    expect(s).toMatchObject({
      passed: false,
      dimension: "latency",
      reason: "latency 2500 ms exceeds the max of 2000 ms",
    });
  });

  it("cost", () => {
    expect(grade({ type: "cost", max_usd: 0.01 }, { cost_usd: 0.004 }).passed).toBe(true);
    const s = grade({ type: "cost", max_usd: 0.01 }, { cost_usd: 0.05 });
    expect(s).toMatchObject({
      passed: false,
      dimension: "cost",
      reason: "cost $0.0500 exceeds the max of $0.0100",
    });
  });
});
