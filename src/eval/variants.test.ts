import { describe, expect, it } from "vitest";
import { inputErrorOf, tempDir } from "../config/testdata/helpers.js";
import { runEvaluation } from "./index.js";

const CASE = '{"id":"a","input":"hi","assertions":[{"type":"contains","value":"x"}]}\n';

describe("variants of one run", () => {
  it("refuses the same model twice before anything is stored", async () => {
    const dir = await tempDir({
      "ratchet.yaml": "evaluation:\n  suites: [cases.jsonl]\n",
      "cases.jsonl": CASE,
    });
    const error = await inputErrorOf(() =>
      runEvaluation({ cwd: dir, models: ["sim:support", "sim:analyst", "sim:support"] }),
    );
    expect(error.message).toBe("`sim:support` is given twice; each model or variant runs once");
    expect(error.location.key).toBe("--compare");
  });
});
