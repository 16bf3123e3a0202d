import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineOf, tempDir } from "../config/testdata/helpers.js";
import { EXIT } from "../core/index.js";
import { main } from "./main.js";

describe("ratchet eval on a config without a model", () => {
  it("warns on stderr that the offline sim:support model runs, and which keys do nothing", async () => {
    const config =
      "pipeline:\n  name: no-model\n  rollback:\n    enabled: true\nevaluation:\n  suites: [cases.jsonl]\n";
    const dir = await tempDir({
      "ratchet.yaml": config,
      "cases.jsonl": '{"id":"a","input":"hi","assertions":[{"type":"contains","value":"x"}]}\n',
    });
    let err = "";
    const code = await main(["eval", "-c", join(dir, "ratchet.yaml")], {
      out: () => {},
      err: (text) => {
        err += `${text}\n`;
      },
      isTTY: false,
      color: false,
    });
    expect(code).not.toBe(EXIT.input);
    expect(err).toContain("agent.model: no model configured: using the offline sim:support model");
    expect(err).toContain(
      `ratchet.yaml:${lineOf(config, "enabled:")}: pipeline.rollback.enabled: not used yet by this version; accepted for the seed template`,
    );
  });
});
