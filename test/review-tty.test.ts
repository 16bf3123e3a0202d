import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultConfig } from "../src/config/index.js";
import { draftAndStore } from "../src/evalgen/index.js";
import { openSqliteStore } from "../src/store/index.js";
import { TSX } from "./cli-helpers.js";

/**
 * `evals review` on a real terminal: util-linux `script` runs the CLI on a pseudo-terminal, so
 * its stdin is a TTY and the queue reads single keys in raw mode, as a person at a terminal
 * would use it. Keys are sent only once the prompt they answer is on the screen.
 */

const BIN = fileURLToPath(new URL("../src/cli/bin.ts", import.meta.url));
/** util-linux `script` that can open a pseudo-terminal here (not every container can). */
const hasScript =
  spawnSync("script", ["-qfec", "true", "/dev/null"], { stdio: "ignore" }).status === 0;

let dir: string;
/** Sessions still running when a test ends (a failed wait) are ended with it. */
const running = new Set<ChildProcess>();
const db = () => join(dir, ".ratchet", "ratchet.db");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-review-tty-"));
  const store = await openSqliteStore(db());
  const project = { store, config: defaultConfig(), dir, loaded: undefined };
  try {
    for (const [i, order] of ["ORD-1001", "ORD-1002", "ORD-1003", "ORD-1004"].entries()) {
      const { failure } = await store.failures.record({
        trace_id: `t${i}`,
        detector: "d",
        signal_type: "user_correction",
        severity: "high",
        weight: 1,
        base_score: 1,
        timestamp: new Date().toISOString(),
        input: `Where is ${order}?`,
        output: "wrong order",
        tool_calls: [],
        reason: `no, ${order}`,
        context: {},
        redacted_text: "",
        fingerprint: `fp${i}`,
      });
      await draftAndStore(project, { failures: [failure.id], epochs: 0 });
    }
  } finally {
    await store.close();
  }
});

afterEach(() => {
  for (const child of running) child.kill();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The terminal session: wait for text on screen, type keys, and the exit status at the end. */
function terminal(args: string[]) {
  const command = [process.execPath, "--import", TSX, BIN, ...args].map(quote).join(" ");
  // -q quiet, -f flush each write, -e exit with the child's status; no typescript file kept.
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", TERM: "dumb", EDITOR: "false" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    screen += chunk.toString("utf8");
    for (const w of waiters.splice(0)) w();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const count = (text: string) => screen.split(text).length - 1;
  return {
    screen: () => screen,
    /** Resolves once `text` has appeared `times` times on the screen (or the session ended). */
    async waitFor(text: string, times = 1): Promise<void> {
      let ended = false;
      void exited.then(() => {
        ended = true;
        for (const w of waiters.splice(0)) w();
      });
      while (count(text) < times) {
        if (ended) throw new Error(`session ended before '${text}' #${times}:\n${screen}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    type: (keys: string) => child.stdin.write(keys),
    exited,
  };
}

const MENU = "[q]uit > ";

describe.skipIf(!hasScript)("evals review on a terminal (raw keypresses)", () => {
  // Keys are sent without Enter: a reader in line mode would wait for one, and the test would
  // hang until the deadline (checked by forcing line mode: it does).
  it("approves, rejects with a reason, skips and quits, one key each", async () => {
    const t = terminal(["evals", "review", "--by", "carol"]);
    await t.waitFor(MENU, 1);
    t.type("a"); // a single key: no Enter
    await t.waitFor("owner (team): ");
    t.type("support\r");
    await t.waitFor("severity (blocking/warning/exploratory) [blocking]: ");
    t.type("\r"); // the draft's own severity
    await t.waitFor("suite file [suites/regressions.yaml]: ");
    t.type("\r"); // suites/regressions.yaml
    await t.waitFor(MENU, 2);
    t.type("r");
    // The whole prompt: the failure shown above it has a `reason` line too.
    await t.waitFor("reason: ");
    t.type("duplicate of ORD-1001\r");
    await t.waitFor(MENU, 3);
    t.type("s");
    await t.waitFor(MENU, 4);
    t.type("q");
    expect(await t.exited).toBe(0);
    const screen = t.screen();
    expect(screen).toContain("reviewed: 1 approved, 1 rejected, 0 edited, 1 skipped");
    expect(screen).toContain("approved: case ");

    const store = await openSqliteStore(db());
    try {
      const approved = await store.evalDrafts.list({ status: ["approved"] });
      expect(approved).toHaveLength(1);
      expect(approved[0]).toMatchObject({
        reviewer: "carol",
        target_suite: "suites/regressions.yaml",
      });
      expect(approved[0]!.failure_ids).toHaveLength(1);
      const rejected = await store.evalDrafts.list({ status: ["rejected"] });
      expect(rejected.map((d) => [d.reason, d.reviewer])).toEqual([
        ["duplicate of ORD-1001", "carol"],
      ]);
      // The skipped draft and the one never reached still wait.
      expect(await store.evalDrafts.list({ status: ["draft"] })).toHaveLength(2);
      const suite = parse(await readFile(join(dir, "suites", "regressions.yaml"), "utf8"));
      expect(suite.cases).toHaveLength(1);
      expect(suite.cases[0]).toMatchObject({
        id: (approved[0]!.case as { id: string }).id,
        owner: "support",
        severity: "blocking",
      });
    } finally {
      await store.close();
    }
  });

  it("Ctrl-C at an answer ends the review, keeping the draft", async () => {
    const pending = async () => {
      const store = await openSqliteStore(db());
      try {
        return (await store.evalDrafts.list({ status: ["draft"] })).map((d) => d.id);
      } finally {
        await store.close();
      }
    };
    const before = await pending();
    expect(before.length).toBeGreaterThan(0);
    const t = terminal(["evals", "review", "--by", "dave"]);
    await t.waitFor(MENU, 1);
    t.type("a");
    await t.waitFor("owner (team): ");
    t.type("\x03");
    expect(await t.exited).toBe(0);
    expect(t.screen()).toContain("reviewed: 0 approved, 0 rejected, 0 edited, 0 skipped");
    expect(await pending()).toEqual(before);
  });
});
