import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../main.js";
import type { Output } from "../output.js";
import { registerServe } from "./serve.js";

const TOKEN_ENV = "RATCHET_SERVE_TEST_TOKEN";

function capture() {
  const lines = { out: "", err: "" };
  const output: Output = {
    out: (t) => {
      lines.out += `${t}\n`;
    },
    err: (t) => {
      lines.err += `${t}\n`;
    },
    isTTY: false,
    color: false,
  };
  return { lines, output };
}

/** `ratchet serve …` in-process; it stops as soon as it has started listening. */
async function serveOnce(args: string[]) {
  const { lines, output } = capture();
  const program = new Command().exitOverride();
  registerServe(program, output, { until: async () => "test" });
  await program.parseAsync(["serve", ...args], { from: "user" });
  return lines;
}

describe("ratchet serve", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-serve-cli-"));
  });
  afterEach(() => {
    delete process.env[TOKEN_ENV];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const common = () => ["--db", join(dir, "s.db"), "--port", "0", "--token-env", TOKEN_ENV];

  it("warns on stderr when listening on every interface, saying where the token comes from", async () => {
    process.env[TOKEN_ENV] = "a".repeat(32);
    const lines = await serveOnce([...common(), "--host", "0.0.0.0"]);
    expect(lines.out).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+/);
    expect(lines.err).toMatch(
      /warning: listening on every network interface \(--host 0\.0\.0\.0\)/,
    );
    expect(lines.err).toContain(`A bearer token is set (from ${TOKEN_ENV})`);
    expect(lines.err).not.toContain("a".repeat(32));
  });

  it("says nothing on stderr when listening on loopback", async () => {
    process.env[TOKEN_ENV] = "a".repeat(32);
    const lines = await serveOnce([...common(), "--host", "127.0.0.1"]);
    expect(lines.out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(lines.err).toBe("");
  });

  it("a short token: exit 2, the minimum and how to make a good one", async () => {
    const { lines, output } = capture();
    process.env[TOKEN_ENV] = "secret";
    const code = await main(["serve", ...common()], output);
    expect(code).toBe(2);
    expect(lines.err).toMatch(/too short \(6 characters; the minimum is 16\)/);
    expect(lines.err).toContain(`${TOKEN_ENV}=$(openssl rand -hex 16)`);
    expect(lines.err).not.toContain("secret");
  });
});
