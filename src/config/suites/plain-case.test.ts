import { describe, expect, it } from "vitest";
import { CaseInputSchema } from "../schema/case.js";
import { parsePlainCase } from "./plain-case.js";

// The fast path must give exactly what the schema gives (values and key order, since expected
// and assertions are stored as written), and leave everything else to the schema.
const accepted: unknown[] = [
  { id: "a", input: "hi" },
  { input: "hi", id: "a", tags: [] },
  { id: "a", input: "", assertions: [] },
  {
    id: "case-000001",
    input: "Question 1: where is my order?",
    expected: { output: "ok" },
    assertions: [{ type: "contains", value: "ok" }],
    tags: ["bench", "odd"],
  },
  { id: "b", input: "x", expected: "plain string" },
  { id: "b", input: "x", expected: {} },
  {
    tags: ["t"],
    expires_at: "2030-01-01",
    owner: "me",
    severity: "blocking",
    assertions: [
      { value: 3, type: "equals", weight: 2, nested: { a: [1, { b: null }] } },
      { type: "regex", pattern: "^a", flags: "i" },
    ],
    expected: { output: "" },
    input: "x",
    id: "c",
  },
  { id: "d", input: "x", severity: "warning" },
  { id: "d", input: "x", severity: "exploratory" },
];

const leftToSchema: unknown[] = [
  null,
  "x",
  [],
  { id: 7, input: "numeric id" },
  { id: "", input: "x" },
  { id: "a" },
  { id: "a", input: [{ role: "user", content: "hi" }] },
  { id: "a", input: "x", context: { k: 1 } },
  { id: "a", input: "x", source: { kind: "hand_written" } },
  { id: "a", input: "x", extra: 1 },
  { id: "a", input: "x", expected: { output: "o", json: { a: 1 } } },
  { id: "a", input: "x", expected: { tool_calls: [] } },
  { id: "a", input: "x", expected: { output: 3 } },
  { id: "a", input: "x", expected: null },
  { id: "a", input: "x", assertions: {} },
  { id: "a", input: "x", assertions: [{ type: "" }] },
  { id: "a", input: "x", assertions: [{ value: "no type" }] },
  { id: "a", input: "x", assertions: ["contains"] },
  { id: "a", input: "x", tags: [""] },
  { id: "a", input: "x", tags: "t" },
  { id: "a", input: "x", severity: "fatal" },
  { id: "a", input: "x", owner: 1 },
  { id: "a", input: "x", expires_at: null },
  JSON.parse('{"id":"a","input":"x","__proto__":{"polluted":true}}'),
];

describe("parsePlainCase", () => {
  it("gives what CaseInputSchema gives, key order included", () => {
    for (const value of accepted) {
      const fast = parsePlainCase(value);
      const schema = CaseInputSchema.parse(value);
      expect(fast).toEqual(schema);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(schema));
    }
  });

  it("leaves other shapes and every problem to the schema", () => {
    for (const value of leftToSchema) expect(parsePlainCase(value)).toBeUndefined();
    // Some of those are valid: the schema still takes them.
    expect(CaseInputSchema.parse({ id: 7, input: "numeric id" }).id).toBe("7");
  });
});
