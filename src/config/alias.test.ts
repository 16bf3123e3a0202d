import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./index.js";
import { inputErrorOf, lineOf, tempDir } from "./testdata/helpers.js";

describe("YAML aliases", () => {
  it("refuses an alias inside its own anchor, naming the file, line and alias", async () => {
    const text = "pipeline:\n  name: loop\nagent: &me\n  kind: prompt\n  again: *me\n";
    const dir = await tempDir({ "ratchet.yaml": text });
    const file = join(dir, "ratchet.yaml");
    const error = await inputErrorOf(() => loadConfig(file));
    expect(error.message).toContain("*me");
    expect(error.location).toMatchObject({
      file,
      line: lineOf(text, "again: *me"),
      key: "agent.again",
    });
  });

  it("refuses a cycle through a sequence", async () => {
    const dir = await tempDir({ "ratchet.yaml": "evaluation:\n  suites: &s [a.yaml, *s]\n" });
    const error = await inputErrorOf(() => loadConfig(join(dir, "ratchet.yaml")));
    expect(error.message).toContain("*s");
    expect(error.location.line).toBe(2);
  });

  it("still accepts an alias that repeats an earlier value", async () => {
    const dir = await tempDir({
      "ratchet.yaml": "pipeline:\n  name: &n shared\nagent:\n  identifier: *n\n",
    });
    const { config } = await loadConfig(join(dir, "ratchet.yaml"));
    expect(config.agent.identifier).toBe("shared");
  });
});
