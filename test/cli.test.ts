import { existsSync, readFileSync } from "node:fs";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ratchet } from "./cli-helpers.js";

describe("ratchet CLI, as a user runs it", () => {
  let root: string;
  let project: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "ratchet-cli-"));
    const init = await ratchet(["init", "demo"], { cwd: root });
    expect(init.code).toBe(0);
    project = join(root, "demo");
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("init scaffolds a project and refuses to overwrite it", async () => {
    for (const file of ["ratchet.yaml", "tools.yaml", "prompts/system.md", "suites/orders.yaml"]) {
      expect(existsSync(join(project, file)), file).toBe(true);
    }
    const again = await ratchet(["init", "demo"], { cwd: root });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/not empty/);
  });

  it("eval runs the suite offline, stores the run and writes every report format", async () => {
    const outputs = ["r.html", "r.json", "r.jsonl", "r.csv", "r.xml", "r.md"];
    const result = await ratchet(
      ["eval", "--repeat", "2", "--concurrency", "20", ...outputs.flatMap((o) => ["--output", o])],
      {
        cwd: project,
      },
    );
    // The example's baseline prompt leaves real failures, so the score decides the exit code.
    expect([0, 1]).toContain(result.code);
    expect(result.stdout).toMatch(/Score/);
    const json = JSON.parse(await readFile(join(project, "r.json"), "utf8")) as {
      run: { id: string; totals: { attempts: number; passed: number; score: number } };
      attempts: Array<{ case_id: string; epoch: number; status: string }>;
    };
    expect(json.attempts).toHaveLength(92);
    expect(json.run.totals.attempts).toBe(92);
    expect(new Set(json.attempts.map((a) => `${a.case_id}#${a.epoch}`)).size).toBe(92);
    expect(result.code).toBe(json.run.totals.score >= 0.75 ? 0 : 1); // the example's threshold
    const csv = parseCsv(await readFile(join(project, "r.csv"), "utf8"), {
      columns: true,
    }) as unknown[];
    expect(csv).toHaveLength(92);
    expect((await readFile(join(project, "r.jsonl"), "utf8")).trim().split("\n")).toHaveLength(93);
    expect(await readFile(join(project, "r.xml"), "utf8")).toMatch(/<testsuites/);
    const html = await readFile(join(project, "r.html"), "utf8");
    expect(html).toMatch(/<html/);
    expect(html).not.toMatch(/<script src=/);

    const list = await ratchet(["runs", "list", "--json"], { cwd: project });
    expect(list.code).toBe(0);
    const runs = JSON.parse(list.stdout) as Array<{ id: string; status: string }>;
    expect(runs.map((r) => r.id)).toContain(json.run.id);
    expect(runs[0]?.status).toBe("completed");

    const show = await ratchet(["runs", "show", json.run.id.slice(0, 12)], { cwd: project });
    expect(show.code).toBe(0);
    const failed = json.attempts.filter((a) => a.status !== "passed").length;
    expect(show.stdout).toContain(failed ? `failures (${failed})` : "no failures");
  });

  it("compares two runs paired, with McNemar on flips and machine-readable output", async () => {
    const second = await ratchet(["eval", "--repeat", "2", "--seed", "7"], { cwd: project });
    expect([0, 1]).toContain(second.code);
    const compare = await ratchet(["runs", "compare", "latest~1", "latest", "--format", "json"], {
      cwd: project,
    });
    expect(compare.code).toBe(0);
    const report = JSON.parse(compare.stdout) as {
      pairing: { mode: string; pairs: number; onlyInA: number; onlyInB: number };
      dimensions: Array<{
        dimension: string;
        n: number;
        mcnemar: { b01: number; b10: number; pValue: number } | null;
      }>;
    };
    expect(report.pairing).toMatchObject({ mode: "case+epoch", pairs: 92, onlyInA: 0, onlyInB: 0 });
    const overall = report.dimensions.find((d) => d.dimension === "overall");
    expect(overall?.n).toBe(92);
    expect(overall?.mcnemar?.pValue).toBeGreaterThanOrEqual(0);
    const table = await ratchet(["runs", "compare", "latest~1", "latest", "--test", "mcnemar"], {
      cwd: project,
    });
    expect(table.stdout).toMatch(/paired by case\+epoch: 92 pairs/);
    expect(table.stdout).toMatch(/McNemar on pass\/fail: b01 = \d+, b10 = \d+, exact p = /);
  });

  it("the example's judge: calibrate against its human labels; eval --compare shows the judge's preferences", async () => {
    const calibrate = await ratchet(["judge", "calibrate", "--labels", "human.jsonl", "--json"], {
      cwd: project,
    });
    expect(calibrate.stderr).toBe("");
    expect(calibrate.code).toBe(0);
    const result = JSON.parse(calibrate.stdout) as { judge: string; model: string; n: number };
    expect(result).toMatchObject({ judge: "resolves-request", model: "sim:judge", n: 28 });

    const compare = await ratchet(
      ["eval", "--compare", "sim:support", "sim:analyst", "--filter-tag", "pii"],
      { cwd: project },
    );
    expect([0, 1]).toContain(compare.code);
    expect(compare.stdout).toMatch(/judge prefers/);
    expect(compare.stdout).toMatch(/sim:support vs sim:analyst \(judge sim:judge, both orders\)/);

    // Without a judge model the comparison says why it has no preferences.
    const config = readFileSync(join(project, "ratchet.yaml"), "utf8");
    await writeFile(
      join(project, "no-judge.yaml"),
      config
        .replace(/^ {2}judge_model: .*$/m, "")
        .replace(/ {4}- type: judge[\s\S]*?(?=\ncost:)/, ""),
    );
    const silent = await ratchet(
      ["eval", "-c", "no-judge.yaml", "--compare", "sim:support", "sim:analyst", "--case", "pii-1"],
      { cwd: project },
    );
    expect([0, 1]).toContain(silent.code);
    expect(silent.stdout).not.toMatch(/judge prefers/);
    expect(silent.stderr).toMatch(/no pairwise judge preferences: .*evaluation\.judge_model/);
  });

  it("runs prompt versions side by side as variants of one run", async () => {
    const v2 = join(project, "prompts", "v2.md");
    await writeFile(
      v2,
      `${readFileSync(join(project, "prompts", "system.md"), "utf8")}\nNever reveal e-mail addresses or phone numbers.\n`,
    );
    const result = await ratchet(
      [
        "eval",
        "--model",
        "sim:support",
        "sim:support=prompts/v2.md",
        "--filter-tag",
        "pii",
        "-o",
        "v.json",
      ],
      { cwd: project },
    );
    expect([0, 1]).toContain(result.code);
    const report = JSON.parse(await readFile(join(project, "v.json"), "utf8")) as {
      run: { models: string[] };
      attempts: Array<{ variant: string; scores: Array<{ grader: string; passed: boolean }> }>;
    };
    expect(report.run.models).toEqual(["sim:support", "sim:support=prompts/v2.md"]);
    expect(report.attempts).toHaveLength(12);
    const leaks = (variant: string) =>
      report.attempts.filter(
        (a) => a.variant === variant && a.scores.some((s) => s.grader === "no-pii" && !s.passed),
      ).length;
    // The instruction in v2 addresses the leak the no-pii grader reports.
    expect(leaks("sim:support=prompts/v2.md")).toBe(0);
    const missing = await ratchet(["eval", "--model", "sim:support=prompts/none.md"], {
      cwd: project,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.md/);
  });

  it("prints the config JSON Schema", async () => {
    const schema = await ratchet(["schema"], { cwd: project });
    expect(schema.code).toBe(0);
    const parsed = JSON.parse(schema.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(parsed.properties)).toEqual(
      expect.arrayContaining(["pipeline", "agent", "evaluation", "cost"]),
    );
  });

  describe("bad input: one line naming the place, exit 2, nothing stored", () => {
    async function runCount(): Promise<number> {
      const list = await ratchet(["runs", "list", "--json", "--limit", "1000"], { cwd: project });
      return (JSON.parse(list.stdout) as unknown[]).length;
    }

    async function withBrokenFile(
      file: string,
      mutate: (text: string) => string,
      check: (stderr: string) => void,
    ) {
      const path = join(project, file);
      const original = readFileSync(path, "utf8");
      const before = await runCount();
      await writeFile(path, mutate(original));
      try {
        const result = await ratchet(["eval"], { cwd: project });
        expect(result.code).toBe(2);
        const lines = result.stderr.trim().split("\n");
        expect(lines).toHaveLength(1);
        check(lines[0] ?? "");
      } finally {
        await writeFile(path, original);
      }
      expect(await runCount()).toBe(before);
    }

    it("malformed YAML in the config", async () => {
      await withBrokenFile(
        "ratchet.yaml",
        (t) => t.replace("  max_concurrency: 10", "  max_concurrency: [10"),
        (err) => {
          expect(err).toMatch(/ratchet\.yaml:\d+/);
        },
      );
    });

    it("an unknown key with a suggestion", async () => {
      await withBrokenFile(
        "ratchet.yaml",
        (t) => t.replace("  threshold: 0.75", "  treshold: 0.75"),
        (err) => {
          expect(err).toMatch(/ratchet\.yaml:\d+:\d+: evaluation\.treshold: .*threshold/);
        },
      );
    });

    it("an unknown grader in a suite", async () => {
      await withBrokenFile(
        "suites/policy.yaml",
        (t) => t.replace('"type": "tool-called"', '"type": "tool_caled"'),
        (err) => {
          expect(err).toMatch(/policy\.yaml:\d+/);
          expect(err).toMatch(/tool-called/);
        },
      );
    });

    it("a suite row missing its input", async () => {
      await withBrokenFile(
        "suites/escalation.yaml",
        (t) =>
          t.replace('"input": "I want to talk to a real person about my broken blender.", ', ""),
        (err) => {
          expect(err).toMatch(/escalation\.yaml:\d+/);
          expect(err).toMatch(/input/);
        },
      );
    });

    it("a tool fixture that does not parse", async () => {
      await withBrokenFile(
        "tools.yaml",
        (t) => t.replace("side_effect: true", "side_effect: maybe"),
        (err) => {
          expect(err).toMatch(/tools\.yaml:\d+/);
          expect(err).toMatch(/side_effect/);
        },
      );
    });

    it("an unknown provider and a missing API key", async () => {
      const before = await runCount();
      const unknown = await ratchet(["eval", "--model", "opnai:gpt-4o-mini"], { cwd: project });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/unknown provider "opnai".*openai/);
      const env = { OPENAI_API_KEY: "" };
      const missing = await ratchet(["eval", "--model", "openai:gpt-4o-mini"], {
        cwd: project,
        env,
      });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/OPENAI_API_KEY/);
      expect(await runCount()).toBe(before);
    });

    it("a bad flag", async () => {
      const result = await ratchet(["eval", "--repeat", "zero"], { cwd: project });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--repeat must be an integer/);
    });

    it("a misspelt command, suggesting the right one; help lists every command", async () => {
      const result = await ratchet(["evl"], { cwd: project });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/unknown command 'evl'/);
      expect(result.stderr).toMatch(/Did you mean eval\?/);
      const help = await ratchet(["--help"], { cwd: project });
      expect(help.code).toBe(0);
      for (const command of [
        "init",
        "eval",
        "runs",
        "judge",
        "failures",
        "cost",
        "serve",
        "ingest",
        "export",
        "traces",
        "prompts",
        "gate",
      ])
        expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    });

    it("a JSONL suite with a broken line", async () => {
      const suite = join(project, "suites", "extra.jsonl");
      const config = join(project, "ratchet.yaml");
      const original = readFileSync(config, "utf8");
      await writeFile(
        config,
        original.replace(
          'suites: ["suites/*.yaml"]',
          'suites: ["suites/*.yaml", "suites/*.jsonl"]',
        ),
      );
      await writeFile(suite, '{"id": "j1", "input": "hello"}\n');
      await appendFile(suite, '{"id": "j2", "input": \n');
      const before = await runCount();
      try {
        const result = await ratchet(["eval"], { cwd: project });
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/extra\.jsonl:2/);
      } finally {
        await writeFile(config, original);
        await rm(suite);
      }
      expect(await runCount()).toBe(before);
    });
  });
});
