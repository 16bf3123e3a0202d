import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "./index.js";

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"])(
    "%s stays on this machine",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(["0.0.0.0", "::", "[::]", "192.168.1.10", "10.0.0.2", "fe80::1", "example.com"])(
    "%s is reachable from elsewhere",
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});
