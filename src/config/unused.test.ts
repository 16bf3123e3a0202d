import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./index.js";
import { lineOf, tempDir } from "./testdata/helpers.js";

const SEED = join(import.meta.dirname, "testdata", "seed-template.yaml");

describe("keys accepted for the seed template but not used yet", () => {
  it("are listed with their line, and the file still loads", async () => {
    const text = await readFile(SEED, "utf8");
    const loaded = await loadConfig(SEED);
    const byKey = new Map((loaded.notices ?? []).map((n) => [n.key, n]));
    for (const [key, needle] of [
      ["pipeline.promotion.gatekeeper.shadow_sample_size", "shadow_sample_size:"],
      ["pipeline.rollback.enabled", "enabled: true"],
    ] as const) {
      expect(byKey.get(key)).toMatchObject({
        file: SEED,
        line: lineOf(text, needle),
        message: "not used yet by this version; accepted for the seed template",
      });
    }
    // What the gate and the registry read is in use.
    expect(byKey.has("pipeline.promotion")).toBe(false);
    expect(byKey.has("pipeline.optimization.clustering")).toBe(false);
    expect(byKey.has("pipeline.promotion.gatekeeper.minimum_score")).toBe(false);
    expect(byKey.has("pipeline.optimization.patching.regression_tolerance")).toBe(false);
    // The optimizer reads the patching keys.
    expect(byKey.has("pipeline.optimization.patching.max_prompt_length")).toBe(false);
    expect(byKey.has("pipeline.optimization.patching.validation_scenarios")).toBe(false);
    expect(byKey.has("pipeline.rollback.max_versions_retained")).toBe(false);
    // The accuracy dimension's judge model is the judges' default; the others do nothing yet.
    expect(byKey.has("pipeline.evaluation.dimensions[0].judge_model")).toBe(false);
    expect(byKey.get("pipeline.evaluation.dimensions[1].judge_model")?.line).toBe(
      lineOf(text, 'judge_model: "claude-3-5-sonnet"', 2),
    );
    expect(byKey.get("pipeline.evaluation.dimensions[2].judge_model")?.line).toBe(
      lineOf(text, 'judge_model: "claude-3-5-sonnet"', 3),
    );
    expect(loaded.modelConfigured).toBe(false);
  });

  it("are not reported when absent, and a named model counts as configured", async () => {
    const dir = await tempDir({ "ratchet.yaml": "agent:\n  model: sim:support\n" });
    const loaded = await loadConfig(join(dir, "ratchet.yaml"));
    expect(loaded.notices).toEqual([]);
    expect(loaded.modelConfigured).toBe(true);
  });
});
