import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO, TSX } from "./cli-helpers.js";

interface Step {
  name?: string;
  id?: string;
  run?: string;
}

const WORKFLOW = join(REPO, "examples/github-actions/ratchet-gate.yml");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * The example workflow's own shell steps, run in order on a repository made from the example:
 * a base branch and a pull request that changes the prompt. GitHub's `${{ … }}` expressions
 * and `$GITHUB_OUTPUT` are given the values a pull-request event would have.
 */
function runWorkflow(change: (prompt: string) => string): {
  code: number | null;
  dir: string;
  output: string;
} {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-workflow-"));
  dirs.push(dir);
  cpSync(join(REPO, "examples/support-agent"), dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], {
      cwd: dir,
      stdio: "ignore",
    });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-qm", "base");
  git("update-ref", "refs/remotes/origin/main", "HEAD");
  const promptFile = join(dir, "prompts/system.md");
  writeFileSync(promptFile, change(readFileSync(promptFile, "utf8")));

  const workflow = parse(readFileSync(WORKFLOW, "utf8")) as {
    jobs: { gate: { env: Record<string, string>; steps: Step[] } };
  };
  const { env, steps } = workflow.jobs.gate;
  const shellSteps = steps.filter((step) => step.run?.includes("ratchet"));
  expect(shellSteps.map((step) => step.name)).toEqual(["Register both versions", "Gate"]);
  const expressions: Record<string, string> = {
    "github.base_ref": "main",
    "github.actor": "octocat",
    "github.event.number": "7",
  };
  const script = shellSteps
    .map((step) => step.run ?? "")
    .join("\n")
    .replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => expressions[name] ?? "");
  const bin = join(REPO, "src/cli/bin.ts");
  const prelude = `set -e\nnpx() { shift; node --import ${TSX} ${bin} "$@"; }\n`;
  try {
    const output = execFileSync("bash", ["-c", prelude + script], {
      cwd: dir,
      env: {
        ...process.env,
        ...Object.fromEntries(
          Object.entries(env).filter(([, value]) => !String(value).includes("${{")),
        ),
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: join(dir, "github-output"),
        NO_COLOR: "1",
      },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, dir, output };
  } catch (error) {
    const failed = error as { status: number | null; stderr?: string };
    return { code: failed.status, dir, output: failed.stderr ?? "" };
  }
}

describe("the example GitHub Actions workflow", () => {
  it("gates a pull request that changes the prompt and leaves a comment and reports", () => {
    const run = runWorkflow(
      (prompt) =>
        `${prompt}\nNever guess: always use the tools before answering, and pass order ids exactly as written, with their ORD- prefix.\n`,
    );
    expect(run.code, run.output).toBe(0);
    const comment = readFileSync(join(run.dir, "comment.md"), "utf8");
    expect(comment).toMatch(/^## (✅|⛔|⚠️) Ratchet gate: \*\*(promote|block|inconclusive)\*\*/);
    const decision = JSON.parse(readFileSync(join(run.dir, "gate.json"), "utf8")) as {
      verdict: string;
    };
    const exit = readFileSync(join(run.dir, "github-output"), "utf8");
    // The last step fails the job unless the verdict is promote.
    expect(exit.trim()).toBe(`exit=${decision.verdict === "promote" ? 0 : 1}`);
    expect(readFileSync(join(run.dir, "gate.xml"), "utf8")).toMatch(/^<\?xml/);
  }, 300_000);
});
