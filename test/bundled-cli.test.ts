import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCli } from "../scripts/bundle-cli.js";
import { type CliResult, REPO, runNode } from "./cli-helpers.js";

/**
 * What `npx ratchet` runs is the esbuild bundle (bin/ratchet.js → dist/cli-bundle), not the
 * sources the other CLI tests run through tsx. Bundling can break a dependency that finds its
 * own files at run time, so every command family runs here from a fresh bundle. It is built
 * inside the repository so that the packages kept outside it resolve as they do from dist/.
 */
const BUNDLE = join(REPO, "node_modules", ".cache", "ratchet-bundled-cli-test");

function bundled(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runNode([join(BUNDLE, "bin.js"), ...args], { cwd, env });
}

describe("the bundled CLI", () => {
  let root: string;
  let project: string;

  beforeAll(async () => {
    await rm(BUNDLE, { recursive: true, force: true });
    await bundleCli(BUNDLE);
    root = await mkdtemp(join(tmpdir(), "ratchet-bundled-"));
    project = join(root, "demo");
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(BUNDLE, { recursive: true, force: true });
  });

  it("scaffolds the example, evaluates it twice on the sim and reports", async () => {
    const init = await bundled(["init", "demo"], root);
    expect(init.code).toBe(0);
    expect(existsSync(join(project, "ratchet.yaml"))).toBe(true);

    // The example fails its threshold on purpose (exit 1); the run is stored either way.
    const first = await bundled(["eval", "--output", "r.html", "--output", "r.xml"], project);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/score/);
    expect(await readFile(join(project, "r.html"), "utf8")).toContain('id="ratchet-attempts"');
    expect(await readFile(join(project, "r.xml"), "utf8")).toMatch(/^<\?xml/);
    expect((await bundled(["eval", "--model", "sim:analyst"], project)).code).toBe(1);

    const list = await bundled(["runs", "list", "--json"], project);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(2);
    const show = await bundled(["runs", "show", "latest"], project);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/failures \(\d+\)/);
    // Compare runs the paired tests: the @stdlib distributions load on demand from the bundle.
    const compare = await bundled(
      ["runs", "compare", "latest~1", "latest", "--test", "wilcoxon"],
      project,
    );
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout).toMatch(/McNemar exact p = [\d.]+/);
    expect(compare.stdout).toMatch(/^overall .* wilcoxon_signed_rank +[\d.]+ /m);
    const cost = await bundled(["cost", "--by", "model"], project);
    expect(cost.code, cost.stderr).toBe(0);
    expect(cost.stdout).toMatch(/evaluation\s+support/);
  });

  it("prints the config schema", async () => {
    const schema = await bundled(["schema"], root);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.stdout)).toHaveProperty("properties.pipeline");
  });

  it("ingests traces and mines their failures", async () => {
    const prod = join(root, "prod");
    expect((await bundled(["init", "prod"], root)).code).toBe(0);
    const traces = join(prod, "traces.jsonl");
    const conversation = {
      trace_id: "t1",
      messages: [
        { role: "user", content: "where is my order?" },
        { role: "assistant", content: "It shipped." },
        { role: "user", content: "No, that is wrong, it has not arrived" },
      ],
      outcome: "failure",
      feedback: { score: 0, correction: "It has not shipped yet" },
    };
    await writeFile(traces, `${JSON.stringify(conversation)}\n`);
    const ingest = await bundled(["ingest", traces], prod);
    expect(ingest.code, ingest.stderr).toBe(0);
    const failures = await bundled(["failures", "list", "--json"], prod);
    expect(failures.code, failures.stderr).toBe(0);
    const first = JSON.parse(failures.stdout.trim().split("\n")[0] ?? "{}") as {
      trace_id?: string;
    };
    expect(first.trace_id).toBe("t1");
  });

  it("runs a module agent and a TypeScript custom grader in worker threads", async () => {
    // The worker's program is source text and finds tsx from the bundle's own location.
    const dir = join(root, "user-code");
    await mkdir(dir);
    await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
    await writeFile(
      join(dir, "agent.mjs"),
      'export default ({ input }) => ({ output: "echo " + input });\n',
    );
    await writeFile(
      join(dir, "grader.ts"),
      [
        "export default function grade(input: { case: { id: string }; output: string }): boolean {",
        '  if (input.case.id === "spins") for (;;) {}',
        '  return input.output === "echo question";',
        "}",
      ].join("\n"),
    );
    await writeFile(
      join(dir, "suite.yaml"),
      'cases:\n  - { id: answers, input: "question" }\n  - { id: spins, input: "question" }\n',
    );
    await writeFile(
      join(dir, "ratchet.yaml"),
      [
        "agent:",
        "  kind: module",
        "  module: { path: agent.mjs }",
        "evaluation:",
        "  suites: [suite.yaml]",
        "  assertions:",
        "    - { type: custom, module: grader.ts, timeout_ms: 1000 }",
      ].join("\n"),
    );
    const result = await bundled(["eval", "-o", "r.json"], dir);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(await readFile(join(dir, "r.json"), "utf8")) as {
      attempts: Array<{ case_id: string; status: string; scores: Array<{ reason: string }> }>;
    };
    const byCase = new Map(report.attempts.map((a) => [a.case_id, a]));
    expect(byCase.get("answers")?.status).toBe("passed");
    expect(byCase.get("spins")?.scores[0]?.reason).toBe(
      "grader error: custom grader grader.ts did not finish within 1000 ms",
    );
  });

  it("serves the OTLP receiver and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [join(BUNDLE, "bin.js"), "serve", "--port", "0", "--db", join(root, "serve.db")],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: "1", RATCHET_SERVER_TOKEN: "bundle-test-token" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
        const match = /listening on (http:\/\/[^ ]+)/.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      child.on("close", (code) => reject(new Error(`serve exited early (${code})`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const bad = await fetch(`${url}/v1/traces`, {
        method: "POST",
        headers: {
          "content-type": "application/x-protobuf",
          authorization: "Bearer bundle-test-token",
        },
        body: new Uint8Array([0xff, 0xff, 0xff]),
      });
      expect(bad.status).toBe(400);
      // The OpenTelemetry SDK exporter, bundled, sends the first test's run to this receiver.
      const exported = await bundled(
        ["export", "otlp", "latest", "--endpoint", `${url}/v1/traces`, "--token-env", "TOKEN"],
        project,
        { TOKEN: "bundle-test-token" },
      );
      expect(exported.code, exported.stderr).toBe(0);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
