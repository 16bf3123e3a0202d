import { describe, expect, it } from "vitest";
import { compileAssertions } from "../compile.js";
import { gradeAssertion } from "../score.js";
import { grade, makeInput } from "../testing.js";

describe("equals", () => {
  it("passes on the same text after trimming", () => {
    const s = grade({ type: "equals", value: "Paris" }, { output: "  Paris\n" });
    expect(s).toMatchObject({ passed: true, score: 1, dimension: "accuracy", grader: "equals" });
  });

  it("is case-sensitive unless ignore_case", () => {
    expect(grade({ type: "equals", value: "Paris" }, { output: "paris" }).passed).toBe(false);
    expect(
      grade({ type: "equals", value: "Paris", ignore_case: true }, { output: "PARIS" }).passed,
    ).toBe(true);
  });

  it("explains where the text differs", () => {
    const s = grade({ type: "equals", value: "total: 42" }, { output: "total: 43" });
    expect(s.passed).toBe(false);
    expect(s.score).toBe(0);
    expect(s.reason).toContain('expected "total: 42", got "total: 43"');
    expect(s.reason).toContain("first difference at character 9");
  });

  it("compares JSON structurally with json: true, ignoring key order", () => {
    const value = { a: 1, b: [1, { c: "x" }] };
    expect(
      grade({ type: "equals", json: true, value }, { output: '{"b":[1,{"c":"x"}],"a":1}' }).passed,
    ).toBe(true);
    const s = grade({ type: "equals", json: true, value }, { output: '{"a":1,"b":[1,{"c":"y"}]}' });
    expect(s.passed).toBe(false);
    expect(s.reason).toBe('output JSON differs at $.b[1].c: expected "x", got "y"');
  });

  it("reports type mismatches and missing keys in JSON", () => {
    expect(
      grade({ type: "equals", json: true, value: { n: 3 } }, { output: '{"n":"3"}' }).reason,
    ).toBe('output JSON differs at $.n: expected number 3, got string "3"');
    expect(
      grade({ type: "equals", json: true, value: { n: 3, m: 1 } }, { output: '{"n":3}' }).reason,
    ).toBe("output JSON differs at $.m: missing (expected 1)");
    expect(
      grade({ type: "equals", json: true, value: { n: 3 } }, { output: '{"n":3,"z":0}' }).reason,
    ).toBe("output JSON differs at $.z: unexpected key (value 0)");
  });

  it("fails json equality on unparsable output with the JSON diagnosis", () => {
    const s = grade({ type: "equals", json: true, value: { a: 1 } }, { output: 'Here: {"a":1}' });
    expect(s.passed).toBe(false);
    expect(s.reason).toMatch(/^output is not valid JSON: it starts with prose 'Here:'/);
  });
});

describe("contains / icontains / not-contains", () => {
  const output = "Your refund for order A-17 has been issued.";

  it("finds a single string", () => {
    expect(grade({ type: "contains", value: "refund" }, { output }).passed).toBe(true);
    const s = grade({ type: "contains", value: "Refund" }, { output });
    expect(s.passed).toBe(false);
    expect(s.reason).toBe('output does not contain "Refund"');
  });

  it("icontains ignores case", () => {
    expect(grade({ type: "icontains", value: "REFUND" }, { output }).passed).toBe(true);
  });

  it("with a list, `all` gives partial credit and names what is missing", () => {
    const s = grade({ type: "contains", value: ["refund", "order", "apology"] }, { output });
    expect(s.passed).toBe(false);
    expect(s.score).toBeCloseTo(2 / 3);
    expect(s.reason).toBe('output is missing "apology" (found 2 of 3)');
  });

  it("with a list, `any` passes on one hit", () => {
    expect(
      grade({ type: "contains", value: ["apology", "refund"], match: "any" }, { output }).passed,
    ).toBe(true);
    const s = grade({ type: "contains", value: ["x1", "x2"], match: "any" }, { output });
    expect(s).toMatchObject({ passed: false, score: 0 });
  });

  it("normalize_whitespace collapses runs of spaces and newlines", () => {
    expect(
      grade({ type: "contains", value: "has been issued" }, { output: "has\n  been   issued" })
        .passed,
    ).toBe(false);
    expect(
      grade(
        { type: "contains", value: "has been issued", normalize_whitespace: true },
        { output: "has\n  been   issued" },
      ).passed,
    ).toBe(true);
  });

  it("not-contains fails on any forbidden value", () => {
    expect(
      grade({ type: "not-contains", value: ["guarantee", "lawsuit"] }, { output }).passed,
    ).toBe(true);
    const s = grade({ type: "not-contains", value: ["refund", "lawsuit"] }, { output });
    expect(s.passed).toBe(false);
    expect(s.score).toBe(0.5);
    expect(s.reason).toBe('output contains forbidden "refund"');
  });

  it("negate inverts contains", () => {
    const s = grade({ type: "contains", value: "refund", negate: true }, { output });
    expect(s).toMatchObject({ passed: false, score: 0 });
    expect(s.reason).toBe('negated: output contains "refund"');
  });
});

describe("regex", () => {
  it("matches and quotes the match", () => {
    const s = grade(
      { type: "regex", pattern: "order [A-Z]-\\d+" },
      { output: "for order A-17 today" },
    );
    expect(s.passed).toBe(true);
    expect(s.reason).toBe('output matches /order [A-Z]-\\d+/ at "order A-17"');
  });

  it("fails with the pattern and flags in the reason", () => {
    const s = grade({ type: "regex", pattern: "^yes$", flags: "i" }, { output: "no" });
    expect(s.passed).toBe(false);
    expect(s.reason).toBe("output does not match /^yes$/i");
  });

  it("a g flag does not make repeated grading stateful", () => {
    const [a] = compileAssertions([{ type: "regex", pattern: "a", flags: "g" }]);
    const input = makeInput({ output: "a" });
    const results = [1, 2, 3].map(() => (gradeAssertion(input, a!) as { passed: boolean }).passed);
    expect(results).toEqual([true, true, true]);
  });
});

describe("equals without `value` compares with the case's reference", () => {
  const withExpected = (expected: Record<string, unknown>, output: string) =>
    makeInput({
      output,
      case: { ...makeInput().case, expected: expected as { output?: string } },
    });

  it("uses expected.output", () => {
    expect(grade({ type: "equals" }, withExpected({ output: "Paris" }, " Paris ")).passed).toBe(
      true,
    );
    const s = grade({ type: "equals" }, withExpected({ output: "Paris" }, "Lyon"));
    expect(s.passed).toBe(false);
    expect(s.reason).toContain('expected "Paris"');
  });

  it("uses expected.json with json: true", () => {
    const s = grade(
      { type: "equals", json: true },
      withExpected({ json: { a: 1, b: [2] } }, '{"b":[2],"a":1}'),
    );
    expect(s.passed).toBe(true);
  });

  it("fails with a reason when the case has no reference", () => {
    const s = grade({ type: "equals" }, makeInput({ output: "x" }));
    expect(s.passed).toBe(false);
    expect(s.reason).toContain("no `value` given and the case has no `expected.output`");
  });
});
