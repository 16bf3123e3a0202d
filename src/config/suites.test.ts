import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Case } from "../core/index.js";
import { collectSuites, listSuiteFiles, loadSuites } from "./index.js";
import { inputErrorOf, lineOf, tempDir } from "./testdata/helpers.js";

const YAML_SUITE = `name: refunds
defaults:
  tags: [refunds]
  severity: blocking
  assertions:
    - type: no_pii
cases:
  - id: refund-1
    input: I want a refund for order A100
    expected:
      output: refund issued
      tool_calls: [{ name: refund, arguments: { order_id: A100 } }]
    assertions: [{ type: contains, value: refund }]
    tags: [happy]
  - id: refund-2
    input:
      - { role: user, content: "Where is my order?" }
    severity: warning
    owner: support-team
    expires_at: "2027-01-01"
`;

const JSONL_SUITE = [
  '{"id": "j1", "input": "hello", "tags": ["greet"]}',
  "",
  '{"id": "j2", "input": "bye", "expected": {"output": "goodbye"}}',
  "",
].join("\n");

const CSV_SUITE = [
  "id,input,expected_output,tags,severity,assert:contains,assert:max_length",
  'c1,"Hi, there",hello,a;b ; c,blocking,hello,',
  'c2,"line one',
  'line two",,,,,"{""value"": 20}"',
  "",
].join("\n");

async function all(globs: string[], dir: string): Promise<Case[]> {
  return collectSuites(globs, dir);
}

describe("loadSuites: formats", () => {
  it("YAML with suite defaults, origins on each case's line", async () => {
    const dir = await tempDir({ "suites/refunds.yaml": YAML_SUITE });
    const cases = await all(["suites/*.yaml"], dir);
    expect(cases.map((c) => c.id)).toEqual(["refund-1", "refund-2"]);
    const [one, two] = cases;
    expect(one?.tags).toEqual(["refunds", "happy"]);
    expect(one?.severity).toBe("blocking");
    expect(one?.assertions).toEqual([{ type: "no_pii" }, { type: "contains", value: "refund" }]);
    expect(one?.expected?.tool_calls).toEqual([
      { name: "refund", arguments: { order_id: "A100" } },
    ]);
    expect(one?.origin).toBe(`suites/refunds.yaml:${lineOf(YAML_SUITE, "id: refund-1")}`);
    expect(two?.severity).toBe("warning");
    expect(two?.input).toEqual([{ role: "user", content: "Where is my order?" }]);
    expect(two?.owner).toBe("support-team");
    expect(two?.origin).toBe(`suites/refunds.yaml:${lineOf(YAML_SUITE, "id: refund-2")}`);
  });

  it("YAML as a top-level list; severity defaults to warning", async () => {
    const dir = await tempDir({ "s.yml": "- id: 1\n  input: hi\n- id: two\n  input: yo\n" });
    const cases = await all(["s.yml"], dir);
    expect(cases.map((c) => [c.id, c.severity, c.origin])).toEqual([
      ["1", "warning", "s.yml:1"],
      ["two", "warning", "s.yml:3"],
    ]);
  });

  it("JSONL, one case per line", async () => {
    const dir = await tempDir({ "a.jsonl": JSONL_SUITE });
    const cases = await all(["*.jsonl"], dir);
    expect(cases.map((c) => [c.id, c.origin])).toEqual([
      ["j1", "a.jsonl:1"],
      ["j2", "a.jsonl:3"],
    ]);
    expect(cases[1]?.expected?.output).toBe("goodbye");
  });

  it("CSV with tags, severity and assert:<type> columns", async () => {
    const dir = await tempDir({ "a.csv": CSV_SUITE });
    const cases = await all(["a.csv"], dir);
    expect(cases[0]).toMatchObject({
      id: "c1",
      input: "Hi, there",
      expected: { output: "hello" },
      tags: ["a", "b", "c"],
      severity: "blocking",
      assertions: [{ type: "contains", value: "hello" }],
      origin: "a.csv:2",
    });
    expect(cases[1]?.input).toBe("line one\nline two");
    // A record spanning lines is reported where it starts.
    expect(cases[1]?.origin).toBe(`a.csv:${lineOf(CSV_SUITE, "c2,")}`);
    expect(cases[1]?.assertions).toEqual([{ type: "max_length", value: { value: 20 } }]);
    expect(cases[1]?.expected).toBeUndefined();
  });
});

describe("loadSuites: bad input names file, line and field", () => {
  it("a YAML case missing input", async () => {
    const text = "cases:\n  - id: ok\n    input: hi\n  - id: broken\n    tags: [x]\n";
    const dir = await tempDir({ "s.yaml": text });
    const error = await inputErrorOf(() => all(["s.yaml"], dir));
    expect(error.location).toMatchObject({
      file: join(dir, "s.yaml"),
      line: lineOf(text, "id: broken"),
      key: "cases[1].input",
    });
    expect(error.message).toMatch(/missing/);
  });

  it("a YAML case with a typo'd field", async () => {
    const text = "cases:\n  - id: a\n    input: hi\n    expeted: { output: x }\n";
    const dir = await tempDir({ "s.yaml": text });
    const error = await inputErrorOf(() => all(["s.yaml"], dir));
    expect(error.location).toMatchObject({ line: 4, key: "cases[0].expeted" });
    expect(error.message).toContain("did you mean `expected`?");
  });

  it("a JSONL line missing id; a JSONL line that is not JSON", async () => {
    const dir = await tempDir({
      "a.jsonl": '{"id": "a", "input": "x"}\n{"input": "no id"}\n',
      "b.jsonl": '{"id": "b", "input": "x"}\n{"id": "c", "input": \n',
    });
    const missing = await inputErrorOf(() => all(["a.jsonl"], dir));
    expect(missing.location).toMatchObject({ file: join(dir, "a.jsonl"), line: 2, key: "id" });
    const broken = await inputErrorOf(() => all(["b.jsonl"], dir));
    expect(broken.location).toMatchObject({ file: join(dir, "b.jsonl"), line: 2 });
    expect(broken.message).toMatch(/invalid JSON/);
  });

  it("a CSV row missing input; an unknown CSV column", async () => {
    const dir = await tempDir({
      "a.csv": "id,input\nx,hello\ny,\n",
      "b.csv": "id,input,expected_ouput\nx,hello,hi\n",
    });
    const missing = await inputErrorOf(() => all(["a.csv"], dir));
    expect(missing.location).toMatchObject({ file: join(dir, "a.csv"), line: 3, key: "input" });
    const column = await inputErrorOf(() => all(["b.csv"], dir));
    expect(column.location).toMatchObject({ line: 1, key: "expected_ouput" });
    expect(column.message).toContain("did you mean `expected_output`?");
  });

  it("duplicate ids across files name both places", async () => {
    const dir = await tempDir({
      "s/a.yaml": "- id: same\n  input: one\n",
      "s/b.jsonl": '{"id": "other", "input": "x"}\n{"id": "same", "input": "two"}\n',
    });
    const error = await inputErrorOf(() => all(["s/*"], dir));
    expect(error.location).toMatchObject({ file: join(dir, "s", "b.jsonl"), line: 2, key: "id" });
    expect(error.message).toContain("s/a.yaml:1");
  });

  it("streams: cases before a bad JSONL line are delivered first", async () => {
    const dir = await tempDir({
      "a.jsonl": '{"id": "a", "input": "x"}\n{"id": "b", "input": "y"}\nnot json\n',
    });
    const seen: string[] = [];
    const error = await inputErrorOf(async () => {
      for await (const c of loadSuites(["a.jsonl"], dir)) seen.push(c.id);
    });
    expect(seen).toEqual(["a", "b"]);
    expect(error.location.line).toBe(3);
  });
});

describe("listSuiteFiles", () => {
  it("expands globs relative to the base dir, sorted, with exclusions", async () => {
    const dir = await tempDir({
      "suites/b.yaml": "[]",
      "suites/a/x.jsonl": "",
      "suites/a/y.csv": "id,input\n",
      "suites/README.md": "not a suite",
      "suites/skip/z.yaml": "[]",
      "node_modules/n.yaml": "[]",
    });
    const files = await listSuiteFiles(
      ["suites/**/*.{yaml,yml,jsonl,csv}", "!suites/skip/**"],
      dir,
    );
    expect(files).toEqual([
      join(dir, "suites/a/x.jsonl"),
      join(dir, "suites/a/y.csv"),
      join(dir, "suites/b.yaml"),
    ]);
  });

  it("a literal path that does not exist is an error", async () => {
    const dir = await tempDir();
    const error = await inputErrorOf(() => listSuiteFiles(["missing.yaml"], dir));
    expect(error.location.key).toBe("evaluation.suites");
    expect(error.message).toContain("missing.yaml");
  });
});
