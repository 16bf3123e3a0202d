import { describe, expect, it } from "vitest";
import { runCli } from "./test-support.js";

describe("the CLI's entry", () => {
  it("prints the version for --version and -V, exit 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const run = await runCli(flag);
      expect(run.code, flag).toBe(0);
      expect(run.out.trim(), flag).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it("still lists every command for --help and suggests one for a misspelling", async () => {
    const help = await runCli("--help");
    expect(help.code).toBe(0);
    for (const command of ["eval", "runs", "ui", "metrics"]) expect(help.out).toContain(command);
    const typo = await runCli("evla");
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/Did you mean eval\?/);
  });
});
