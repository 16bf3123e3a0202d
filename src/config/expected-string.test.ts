import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectSuites } from "./index.js";
import { tempDir } from "./testdata/helpers.js";

describe("a case whose `expected` is a plain string (promptfoo-style)", () => {
  it("reads it as expected.output in JSONL and YAML suites", async () => {
    const dir = await tempDir({
      "s.jsonl": '{"id":"a","input":"capital of France?","expected":"Paris"}\n',
      "s.yaml": "cases:\n  - id: b\n    input: capital of Italy?\n    expected: Rome\n",
    });
    const cases = await collectSuites([join(dir, "s.jsonl"), join(dir, "s.yaml")], dir);
    expect(cases.map((c) => [c.id, c.expected])).toEqual([
      ["a", { output: "Paris" }],
      ["b", { output: "Rome" }],
    ]);
  });
});
