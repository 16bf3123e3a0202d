import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type Case, InputError } from "../core/index.js";
import { AssertionMemo } from "./compile.js";
import { compileCase, implicitAssertions } from "./implicit.js";
import { createGraderRegistry } from "./registry.js";
import { scoreAttempt } from "./score.js";
import { calls, makeInput } from "./testing.js";

const base: Case = {
  id: "c1",
  input: "q",
  assertions: [],
  tags: [],
  severity: "blocking",
  origin: "s.yaml:4",
};

describe("implicitAssertions", () => {
  it("expected.output becomes a normalized contains", () => {
    expect(implicitAssertions({ ...base, expected: { output: " Paris " } })).toEqual([
      {
        type: "contains",
        name: "expected.output",
        value: "Paris",
        ignore_case: true,
        normalize_whitespace: true,
      },
    ]);
  });

  it("expected.json becomes a JSON deep-equal and wins over expected.output", () => {
    expect(implicitAssertions({ ...base, expected: { json: { a: 1 }, output: "x" } })).toEqual([
      { type: "equals", name: "expected.json", json: true, value: { a: 1 } },
    ]);
  });

  it("expected.tool_calls becomes a subsequence plus args matches", () => {
    const specs = implicitAssertions({
      ...base,
      expected: {
        tool_calls: [{ name: "lookup_order", arguments: { id: "A-1" } }, { name: "refund" }],
      },
    });
    expect(specs).toEqual([
      { type: "tool-sequence", name: "expected.tool_calls", tools: ["lookup_order", "refund"] },
      {
        type: "tool-args-match",
        name: "expected.tool_calls[0].arguments",
        tool: "lookup_order",
        args: { id: "A-1" },
      },
    ]);
  });

  it("an explicit accuracy assertion suppresses the output expectation, not the tool one", () => {
    const c: Case = {
      ...base,
      assertions: [{ type: "regex", pattern: "Paris" }],
      expected: { output: "Paris", tool_calls: [{ name: "search" }] },
    };
    expect(implicitAssertions(c).map((s) => s.type)).toEqual(["tool-sequence"]);
    const overridden: Case = {
      ...c,
      assertions: [{ type: "tool-called", tool: "search", dimension: "accuracy" }],
    };
    expect(implicitAssertions(overridden)).toEqual([]);
  });

  it("compileCase grades both explicit and implicit assertions", async () => {
    const c: Case = {
      ...base,
      assertions: [{ type: "max-steps", max: 3 }],
      expected: {
        output: "the capital is paris",
        tool_calls: [{ name: "search", arguments: { q: { $regex: "capital" } } }],
      },
    };
    const compiled = compileCase(c);
    expect(compiled.map((a) => a.key)).toEqual([
      "assertions[0]",
      "expected.output",
      "expected.tool_calls",
      "expected.tool_calls[0].arguments",
    ]);
    const good = makeInput({
      output: "The capital is\nParis.",
      tool_calls: calls(["search", { q: "capital of France" }]),
      steps: 2,
    });
    expect((await scoreAttempt(good, compiled)).passed).toBe(true);
    const bad = makeInput({
      output: "Lyon",
      tool_calls: calls(["search", { q: "France" }]),
      steps: 2,
    });
    const r = await scoreAttempt(bad, compiled);
    expect(r.scores.map((s) => s.passed)).toEqual([true, false, true, false]);
    expect(r.scores[1]!.details).toEqual({ name: "expected.output" });
  });

  it("a memo validates a spec shared by many cases once, and a bad spec still fails at its own case", () => {
    let parses = 0;
    const registry = createGraderRegistry();
    registry.register({
      type: "counted",
      dimension: "accuracy",
      negatable: false,
      description: "counts how often its params are validated",
      params: z.strictObject({ value: z.string() }).transform((p) => {
        parses++;
        return p;
      }),
      grade: () => ({ passed: true, score: 1, reason: "counted" }),
    });
    const memo = new AssertionMemo();
    const caseAt = (line: number, value: unknown): Case => ({
      ...base,
      id: `c${line}`,
      origin: `s.jsonl:${line}`,
      assertions: [{ type: "counted", value } as Case["assertions"][number]],
    });
    const first = compileCase(caseAt(1, "ok"), registry, memo);
    const second = compileCase(caseAt(2, "ok"), registry, memo);
    compileCase(caseAt(3, "other"), registry, memo);
    expect(parses).toBe(2);
    expect(second[0]).toBe(first[0]);
    // Failures are not kept: each bad case is reported at its own line.
    for (const line of [4, 5]) {
      let error: unknown;
      try {
        compileCase(caseAt(line, 42), registry, memo);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).location.line).toBe(line);
    }
    // Without a memo every case is validated again.
    compileCase(caseAt(6, "ok"), registry);
    expect(parses).toBe(3);
  });
});
