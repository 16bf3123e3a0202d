import { describe, expect, it } from "vitest";
import { runCli } from "../test-support.js";
import { signInLines, uiTokens } from "./ui.js";

describe("ratchet ui tokens", () => {
  it("prints tokens it made, and only names the ones from the environment", () => {
    const env = { RATCHET_UI_READ_TOKEN: "r".repeat(20), RATCHET_UI_WRITE_TOKEN: "w".repeat(20) };
    const fromEnv = uiTokens(env);
    const lines = signInLines("http://127.0.0.1:4319", fromEnv).join("\n");
    expect(lines).toContain("login?token=$RATCHET_UI_READ_TOKEN");
    expect(lines).not.toContain("r".repeat(20));
    expect(lines).not.toContain("w".repeat(20));
    const made = uiTokens({});
    expect(made.read).not.toBe(made.write);
    expect(signInLines("http://x", made).join("\n")).toContain(`login?token=${made.write}`);
  });

  it("refuses short or equal tokens with the variable named", async () => {
    expect(() => uiTokens({ RATCHET_UI_READ_TOKEN: "short" })).toThrow(
      /RATCHET_UI_READ_TOKEN is too short/,
    );
    const same = "s".repeat(20);
    expect(() => uiTokens({ RATCHET_UI_READ_TOKEN: same, RATCHET_UI_WRITE_TOKEN: same })).toThrow(
      /must differ/,
    );
    const bad = await runCli("ui", "--port", "70000");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--port must be an integer between 0 and 65535/);
  });
});
