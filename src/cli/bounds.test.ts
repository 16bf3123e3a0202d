import { describe, expect, it } from "vitest";
import { EXIT } from "../core/index.js";
import { main } from "./main.js";
import type { Output } from "./output.js";

async function run(args: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const output: Output = {
    out: () => {},
    err: (text) => {
      err += text;
    },
    isTTY: false,
    color: false,
  };
  const code = await main(args, output);
  return { code, err };
}

describe("eval flags have the config's bounds", () => {
  for (const [flag, value] of [
    ["--repeat", "1000000000"],
    ["--concurrency", "1e9"],
    ["--timeout", "1e12"],
    ["--retries", "1000"],
  ] as const) {
    it(`refuses ${flag} ${value} before anything runs (exit 2)`, async () => {
      const { code, err } = await run(["eval", flag, value, "-c", "/nonexistent/ratchet.yaml"]);
      expect(code).toBe(EXIT.input);
      expect(err).toContain(`${flag} must be`);
      expect(err).toContain(`got '${value}'`);
    });
  }

  it("refuses a non-integer --repeat", async () => {
    const { code, err } = await run(["eval", "--repeat", "1.5", "-c", "/nonexistent/ratchet.yaml"]);
    expect(code).toBe(EXIT.input);
    expect(err).toContain("--repeat must be an integer");
  });
});
