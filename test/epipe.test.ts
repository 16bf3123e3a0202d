import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, ratchet, TSX } from "./cli-helpers.js";

describe("output to a reader that stops early", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ratchet-epipe-"));
    const traces = join(REPO, "examples", "support-agent", "traces.jsonl");
    expect((await ratchet(["ingest", traces, "--db", join(dir, "r.db")], { cwd: dir })).code).toBe(
      0,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("ends quietly, without an EPIPE stack trace", async () => {
    // `true` exits without reading, long before the CLI has started: every write meets a
    // closed pipe.
    const cli = `node --import ${TSX} ${JSON.stringify(join(REPO, "src/cli/bin.ts"))}`;
    const script = `${cli} traces list --db r.db | true; echo "rc=\${PIPESTATUS[0]}" >&2`;
    const { stderr } = await new Promise<{ stderr: string }>((resolve, reject) => {
      const child = spawn("bash", ["-c", script], {
        cwd: dir,
        stdio: ["ignore", "ignore", "pipe"],
      });
      let err = "";
      child.stderr.on("data", (c: Buffer) => {
        err += c.toString("utf8");
      });
      child.on("error", reject);
      child.on("close", () => resolve({ stderr: err }));
    });
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(stderr).toMatch(/rc=0/);
  });
});
