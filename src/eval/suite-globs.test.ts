import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputErrorOf, lineOf, tempDir } from "../config/testdata/helpers.js";
import { runEvaluation } from "./index.js";

const CASE = '{"id":"a","input":"hi","assertions":[{"type":"contains","value":"x"}]}\n';

describe("a suite glob that matches no file", () => {
  it("is named, with its line, when the run has no cases", async () => {
    const config = "evaluation:\n  suites:\n    - suites/*.yml\n    - more/*.jsonl\n";
    const dir = await tempDir({ "ratchet.yaml": config, "suites/a.yaml": "cases: []\n" });
    const error = await inputErrorOf(() => runEvaluation({ cwd: dir }));
    expect(error.message).toContain("`suites/*.yml` matched no suite file");
    expect(error.location).toMatchObject({
      file: join(dir, "ratchet.yaml"),
      line: lineOf(config, "- suites/*.yml"),
      key: "evaluation.suites[0]",
    });
  });

  it("names the default glob when evaluation.suites is absent", async () => {
    const dir = await tempDir({ "ratchet.yaml": "pipeline:\n  name: x\n" });
    const error = await inputErrorOf(() => runEvaluation({ cwd: dir }));
    expect(error.message).toContain("the default suite glob `suites/**/*.{yaml,yml,jsonl,csv}`");
    expect(error.location.key).toBe("evaluation.suites");
  });

  it("is a warning when other globs found cases", async () => {
    const config = "evaluation:\n  suites: [cases.jsonl, typo/*.jsonl]\n";
    const dir = await tempDir({ "ratchet.yaml": config, "cases.jsonl": CASE });
    const result = await runEvaluation({ cwd: dir });
    expect(result.warnings).toContain(
      `${join(dir, "ratchet.yaml")}:2: evaluation.suites[1]: \`typo/*.jsonl\` matched no suite file (relative to ${dir})`,
    );
  });
});
