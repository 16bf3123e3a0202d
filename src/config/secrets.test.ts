import { describe, expect, it } from "vitest";
import { parseConfig, redactionOptions, secretVariables } from "./index.js";

/** `${NAME}` as the config writes it. */
const ref = (name: string) => `\${${name}}`;

describe("the secrets a config names", () => {
  const config = parseConfig({
    agent: {
      kind: "http",
      http: {
        url: "http://agent.local/run",
        headers: { "X-Agent-Key": ref("AGENT_KEY") },
        body: { auth: ref("AGENT_BODY_TOKEN"), text: "{{input}}" },
      },
    },
    providers: {
      local: {
        type: "openai-compatible",
        base_url: "http://x/v1",
        api_key_env: "LOCAL_KEY",
        headers: { "X-Org": ref("ORG_SECRET:-none") },
      },
    },
    server: { token_env: "MY_SERVER_TOKEN" },
  });

  it("lists every variable read as a credential", () => {
    expect(secretVariables(config).sort()).toEqual(
      [
        "AGENT_BODY_TOKEN",
        "AGENT_KEY",
        "ANTHROPIC_API_KEY",
        "LOCAL_KEY",
        "MY_SERVER_TOKEN",
        "OPENAI_API_KEY",
        "ORG_SECRET",
      ].sort(),
    );
    const exec = parseConfig({
      agent: { kind: "exec", exec: { command: "bot", env: { BOT_TOKEN: ref("BOT_TOKEN") } } },
    });
    expect(secretVariables(exec)).toContain("BOT_TOKEN");
    expect(secretVariables(undefined).sort()).toEqual(
      ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "RATCHET_SERVER_TOKEN"].sort(),
    );
  });

  it("hands their values (set ones only) and a literal server token to the redactor", () => {
    const options = redactionOptions(
      config,
      { LOCAL_KEY: "local-key-value-1", AGENT_KEY: "agent-key-value-2", PATH: "/usr/bin" },
      ["EXTRA_TOKEN"],
    );
    expect(options.secrets).toEqual(["local-key-value-1", "agent-key-value-2"]);
    expect(options.enabled).toBe(true);
    const literal = parseConfig({ server: { token: "literal-token-0123456789" } });
    expect(
      redactionOptions(literal, { EXTRA_TOKEN: "extra-token-value" }, ["EXTRA_TOKEN"]).secrets,
    ).toEqual(["extra-token-value", "literal-token-0123456789"]);
  });
});
