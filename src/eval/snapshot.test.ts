import { describe, expect, it } from "vitest";
import { configSnapshot } from "./snapshot.js";

describe("configSnapshot", () => {
  it("replaces literal secrets and keeps the names of the variables that hold them", () => {
    const snapshot = configSnapshot({
      config: {
        server: { token: "a-literal-token-0123456789", token_env: "RATCHET_SERVER_TOKEN" },
        providers: {
          local: {
            api_key_env: "LOCAL_KEY",
            headers: { Authorization: "Bearer sk-written-out", "x-team": "search" },
          },
        },
        agent: { max_steps: 8 },
      },
      flags: { repeat: 2 },
    });
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain("a-literal-token");
    expect(text).not.toContain("sk-written-out");
    expect(snapshot).toMatchObject({
      config: {
        server: { token: "<SECRET>", token_env: "RATCHET_SERVER_TOKEN" },
        providers: {
          local: {
            api_key_env: "LOCAL_KEY",
            headers: { Authorization: "<SECRET>", "x-team": "search" },
          },
        },
        agent: { max_steps: 8 },
      },
      flags: { repeat: 2 },
    });
  });
});
