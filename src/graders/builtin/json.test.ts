import { describe, expect, it } from "vitest";
import { InputError } from "../../core/index.js";
import { compileAssertions } from "../compile.js";
import { grade } from "../testing.js";

const valid = (output: string) => grade({ type: "json-valid" }, { output });

describe("json-valid", () => {
  it("passes on a whole JSON document, surrounding whitespace allowed", () => {
    expect(valid('\n {"a": [1, 2]}\n').passed).toBe(true);
    expect(valid("[]").passed).toBe(true);
  });

  it("names leading prose", () => {
    const s = valid('Sure! Here is the order you asked for: {"id": 1}');
    expect(s.passed).toBe(false);
    expect(s.reason).toBe(
      "output is not valid JSON: it starts with prose 'Sure! Here is the order you a…' before the JSON",
    );
  });

  it("names a code fence and says whether the inside is valid", () => {
    expect(valid('```json\n{"id": 1}\n```').reason).toBe(
      "output is not valid JSON: it is wrapped in a ```json code fence; the JSON inside the fence is valid, so remove the fence",
    );
    expect(valid('Here you go:\n```json\n{"id": 1}\n```').reason).toContain(
      "it starts with prose 'Here you go:' and wraps the JSON in a ```json code fence",
    );
    expect(valid('```\n{"id": 1,}\n```').reason).toContain(
      "and the JSON inside is invalid too: it has a trailing comma",
    );
  });

  it("names trailing text, truncation and common syntax slips", () => {
    expect(valid('{"id": 1}\nLet me know if you need more!').reason).toBe(
      "output is not valid JSON: the JSON is followed by extra text 'Let me know if you need more!'",
    );
    expect(valid('{"items": [1, 2').reason).toContain("never closed (truncated output?)");
    expect(valid('{"a": 1,}').reason).toContain("trailing comma");
    expect(valid("{'a': 1}").reason).toContain("single-quoted strings");
    expect(valid("{a: 1}").reason).toContain("property name `a` is not quoted");
    expect(valid('{"a": NaN}').reason).toContain("`NaN`");
    expect(valid("").reason).toBe("output is not valid JSON: the output is empty");
    expect(valid("The answer is 42.").reason).toContain("no JSON object or array");
  });

  it("gives the line and column of other syntax errors", () => {
    const s = valid('{\n  "a": 1\n  "b": 2\n}');
    expect(s.passed).toBe(false);
    expect(s.reason).toMatch(/line 3 column 3/);
  });

  it("does not mistake brackets inside strings for structure", () => {
    expect(valid('{"text": "a } b", "n": 1}').passed).toBe(true);
    expect(valid('{"text": "a } b"} trailing').reason).toContain(
      "followed by extra text 'trailing'",
    );
  });
});

describe("json-schema", () => {
  const schema = {
    type: "object",
    required: ["id", "items"],
    properties: {
      id: { type: "string" },
      email: { type: "string", format: "email" },
      items: {
        type: "array",
        items: { type: "object", properties: { price: { type: "number" } } },
      },
    },
  };

  it("passes on a matching document", () => {
    const s = grade(
      { type: "json-schema", schema },
      { output: '{"id":"o1","items":[{"price":3}]}' },
    );
    expect(s).toMatchObject({ passed: true, score: 1 });
  });

  it("lists the first errors with JSON paths", () => {
    const s = grade(
      { type: "json-schema", schema },
      { output: '{"items":[{"price":"3"}],"email":"nope"}' },
    );
    expect(s.passed).toBe(false);
    expect(s.reason).toContain('$: missing required property "id"');
    expect(s.reason).toContain("$.items[0].price: must be number");
    expect(s.reason).toContain('$.email: must match format "email"');
  });

  it("fails unparsable output with the JSON diagnosis", () => {
    const s = grade({ type: "json-schema", schema }, { output: '```json\n{"id":"x"}\n```' });
    expect(s.reason).toMatch(/^output is not valid JSON: it is wrapped in a ```json code fence/);
  });

  it("rejects an invalid schema at compile time", () => {
    expect(() => compileAssertions([{ type: "json-schema", schema: { type: "objekt" } }])).toThrow(
      InputError,
    );
    try {
      compileAssertions([{ type: "json-schema", schema: { type: "objekt" } }]);
    } catch (e) {
      expect((e as InputError).location.key).toBe("assertions[0].schema");
      expect((e as InputError).message).toContain("invalid JSON Schema");
    }
  });

  it("compiles two schemas with the same $id (different cases)", () => {
    const a = { $id: "https://x/order", type: "object" };
    expect(() => {
      compileAssertions([{ type: "json-schema", schema: { ...a } }]);
      compileAssertions([{ type: "json-schema", schema: { ...a, required: ["x"] } }]);
    }).not.toThrow();
  });
});
