import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnRatchet } from "./cli-helpers.js";

/**
 * Users' code that hangs or exits must never hang `ratchet eval` or let it pass. Each test
 * runs the real CLI on a small project with a module agent and a custom grader that misbehave
 * on chosen cases. Nothing here depends on timing: signals are sent once the grader says (by a
 * file) that it is spinning, and the only limits are generous ones on the whole process.
 */

const AGENT = `export default async function agent({ case: c, input }) {
  if (c.id === "agent-spins") for (;;) {}
  if (c.id === "agent-spins-after-await") {
    await new Promise((resolve) => setTimeout(resolve, 1));
    for (;;) {}
  }
  if (c.id === "agent-exits") process.exit(0);
  return { output: "echo " + input };
}
`;

const GRADER = `import { writeFileSync } from "node:fs";
export default async function grade(
  input: { case: { id: string }; output: string },
  config: { marker?: string } | undefined,
): Promise<boolean> {
  const id = input.case.id;
  if (id.startsWith("grader-spins")) {
    if (config?.marker) writeFileSync(config.marker + "-" + id, "spinning");
    if (id === "grader-spins-after-await") await new Promise((resolve) => setTimeout(resolve, 1));
    for (;;) {}
  }
  if (id === "grader-exits") process.exit(0);
  return input.output.startsWith("echo ");
}
`;

async function writeProject(
  dir: string,
  cases: string[],
  grader: Record<string, unknown>,
): Promise<void> {
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await writeFile(join(dir, "agent.mjs"), AGENT);
  await writeFile(join(dir, "grader.ts"), GRADER);
  await writeFile(
    join(dir, "suite.yaml"),
    `cases:\n${cases.map((id) => `  - { id: ${id}, input: "question ${id}" }`).join("\n")}\n`,
  );
  await writeFile(
    join(dir, "ratchet.yaml"),
    `pipeline:
  name: user-code
  max_concurrency: 1
  retries: 0
agent:
  kind: module
  module: { path: agent.mjs }
evaluation:
  suites: [suite.yaml]
  assertions:
    - ${JSON.stringify({ type: "custom", module: "grader.ts", ...grader })}
`,
  );
}

interface StoredAttempt {
  case_id: string;
  status: string;
  error: string | null;
  scores: string;
}

function readRun(dir: string): { status: string; attempts: StoredAttempt[] } {
  const db = new Database(join(dir, ".ratchet", "ratchet.db"), { readonly: true });
  try {
    const runs = db.prepare("SELECT id, status FROM runs").all() as Array<{
      id: string;
      status: string;
    }>;
    expect(runs).toHaveLength(1);
    const attempts = db
      .prepare(
        "SELECT case_id, status, error, scores FROM attempts WHERE run_id = ? ORDER BY case_id",
      )
      .all(runs[0]!.id) as StoredAttempt[];
    return { status: runs[0]!.status, attempts };
  } finally {
    db.close();
  }
}

function reasonOf(attempt: StoredAttempt | undefined): string {
  const scores = JSON.parse(attempt?.scores ?? "[]") as Array<{ reason: string }>;
  return scores[0]?.reason ?? "";
}

/**
 * Resolves once `condition()` holds (a file exists, a line was printed), checked every 25 ms
 * (fs.watch misses events on some file systems); rejects if the process exits first.
 */
async function until(condition: () => boolean, what: string, exited: Promise<unknown>) {
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!condition()) {
    if (done) throw new Error(`ratchet exited before ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("users' code that hangs or exits", () => {
  let root: string;
  /** CLI processes still running when a test fails are killed, not left spinning. */
  const running = new Set<ChildProcess>();
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "ratchet-user-code-"));
  });
  afterAll(async () => {
    for (const child of running) child.kill("SIGKILL");
    await rm(root, { recursive: true, force: true });
  });

  /** `ratchet <args>` in the background: its exit code (-1 if killed by a signal), its stderr. */
  function start(args: string[], cwd: string) {
    const child = spawnRatchet(args, { cwd });
    running.add(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on("close", (code, signal) => {
        running.delete(child);
        resolve(signal ? -1 : code);
      }),
    );
    return { child, exited, stderr: () => stderr };
  }

  it("a grader or module agent that spins or calls process.exit fails its own attempt; the run completes and fails", async () => {
    const dir = join(root, "timeouts");
    await mkdir(dir);
    await writeProject(
      dir,
      [
        "ok-1",
        "grader-spins",
        "grader-spins-after-await",
        "grader-exits",
        "agent-spins",
        "agent-spins-after-await",
        "agent-exits",
        "ok-2",
      ],
      { timeout_ms: 1000 },
    );
    const result = start(["eval", "--timeout", "1"], dir);
    expect(await result.exited, result.stderr()).toBe(1);
    const run = readRun(dir);
    expect(run.status).toBe("completed");
    const byCase = new Map(run.attempts.map((a) => [a.case_id, a]));
    expect([...byCase.keys()].sort()).toEqual(
      [
        "agent-exits",
        "agent-spins",
        "agent-spins-after-await",
        "grader-exits",
        "grader-spins",
        "grader-spins-after-await",
        "ok-1",
        "ok-2",
      ].sort(),
    );
    expect(byCase.get("ok-1")?.status).toBe("passed");
    expect(byCase.get("ok-2")?.status).toBe("passed");
    for (const id of ["grader-spins", "grader-spins-after-await"]) {
      expect(byCase.get(id)?.status).toBe("failed");
      expect(reasonOf(byCase.get(id))).toBe(
        "grader error: custom grader grader.ts did not finish within 1000 ms",
      );
    }
    expect(byCase.get("grader-exits")?.status).toBe("failed");
    expect(reasonOf(byCase.get("grader-exits"))).toBe(
      "grader error: process.exit(0) was called in grader.ts; user code must return or throw, not exit",
    );
    for (const id of ["agent-spins", "agent-spins-after-await"]) {
      expect(byCase.get(id)?.status).toBe("error");
      expect(JSON.parse(byCase.get(id)?.error ?? "{}")).toMatchObject({ class: "timeout" });
    }
    expect(byCase.get("agent-exits")?.status).toBe("error");
    expect(JSON.parse(byCase.get("agent-exits")?.error ?? "{}")).toMatchObject({
      class: "agent_error",
      message: expect.stringMatching(/^process\.exit\(0\) was called in .*agent\.mjs; user code/),
    });
  }, 240_000);

  for (const how of ["SIGTERM", "Ctrl-C once", "Ctrl-C twice"] as const) {
    it(`${how} during a grader that spins with no useful timeout ends the run, keeping what finished`, async () => {
      const dir = join(root, how.replace(/\W/g, ""));
      await mkdir(dir);
      const marker = join(dir, "marker");
      await writeProject(dir, ["ok-1", "ok-2", "grader-spins", "ok-3"], {
        timeout_ms: 600_000,
        config: { marker },
      });
      const { child, exited, stderr } = start(["eval"], dir);
      await until(() => existsSync(`${marker}-grader-spins`), "the grader spun", exited);
      if (how === "SIGTERM") {
        child.kill("SIGTERM");
      } else if (how === "Ctrl-C once") {
        // The attempt in flight never finishes: the stop's grace period must end it.
        child.kill("SIGINT");
      } else {
        child.kill("SIGINT");
        // Cancel before the grace period would.
        await until(() => stderr().includes("Ctrl-C again to cancel them"), "it said so", exited);
        child.kill("SIGINT");
      }
      const code = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(() => resolve("still running after 60 s"), 60_000)),
      ]);
      if (code === "still running after 60 s") child.kill("SIGKILL");
      expect(code, stderr()).toBe(1);
      expect(stderr()).toMatch(/was interrupted; finish it with: ratchet eval --resume run_/);
      const run = readRun(dir);
      expect(run.status).toBe("interrupted");
      expect(run.attempts.map((a) => [a.case_id, a.status])).toEqual([
        ["ok-1", "passed"],
        ["ok-2", "passed"],
      ]);
    }, 240_000);
  }
});
