import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/index.js";
import { REPO } from "./cli-helpers.js";

describe("README", () => {
  it("its configuration reference is a config that loads", async () => {
    const readme = await readFile(join(REPO, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Configuration reference"));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), "ratchet-readme-"));
    try {
      await writeFile(join(dir, "ratchet.yaml"), block ?? "");
      const loaded = await loadConfig(join(dir, "ratchet.yaml"), { env: {} });
      expect(loaded.config.pipeline.name).toBe("support-agent");
      expect(loaded.config.evaluation.latency.p95_ms).toBe(5000);
      expect(loaded.config.providers.local?.type).toBe("openai-compatible");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
