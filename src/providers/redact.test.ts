import { describe, expect, it } from "vitest";
import { redactSecrets } from "./index.js";

describe("redactSecrets", () => {
  it("scrubs key headers and fields quoted as JSON, as error bodies and dumped requests show them", () => {
    const secret = "qwertyuiopasdfgh12345";
    for (const text of [
      `{"x-api-key":"${secret}"}`,
      `{"headers":{"api-key": "${secret}"}}`,
      `{"api_key": "${secret}"}`,
      `'access_token': '${secret}'`,
    ]) {
      expect(redactSecrets(text)).not.toContain(secret);
    }
  });
});
