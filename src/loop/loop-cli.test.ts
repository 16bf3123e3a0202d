import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exploreHint } from "../cli/commands/demo.js";
import { runCli as ratchet } from "../cli/test-support.js";
import type { OptimizationRecord, ProposalRecord } from "../optimize/index.js";
import { openStore } from "../store/index.js";
import { type CycleRecord, runCycle } from "./index.js";

const EXAMPLE = new URL("../../examples/support-agent", import.meta.url).pathname;
let dir: string;
let config: string;

/** The example from its two-line prompt, evaluated once, its failures clustered. */
function project(prefix: string): { dir: string; config: string } {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cpSync(EXAMPLE, d, { recursive: true });
  const c = join(d, "ratchet.yaml");
  writeFileSync(
    c,
    readFileSync(c, "utf8")
      .replace("latency_ms: 5", "latency_ms: 0")
      .replace("system_prompt_file: prompts/system.md", "system_prompt_file: prompts/plain.md"),
  );
  return { dir: d, config: c };
}

async function labels(configPath: string): Promise<Record<string, string>> {
  const store = await openStore({ path: join(configPath, "..", ".ratchet", "ratchet.db") });
  try {
    return Object.fromEntries((await store.prompts.listLabels()).map((l) => [l.label, l.hash]));
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  ({ dir, config } = project("ratchet-loop-"));
  // One case sealed: only the gate may run it.
  const orders = join(dir, "suites", "orders.yaml");
  writeFileSync(
    orders,
    readFileSync(orders, "utf8")
      .split("\n")
      .map((line) =>
        line.includes('"id": "order-status-2b"')
          ? line.replace('"tags": ["orders"', '"tags": ["sealed", "orders"')
          : line,
      )
      .join("\n"),
  );
  expect((await ratchet("eval", "-c", config)).code).toBe(1);
  expect((await ratchet("clusters", "build", "-c", config, "--run", "latest")).code).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ratchet optimize", () => {
  it("refuses bad requests with exit 2 and leaves the registry as it was", async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /--cluster <id> or --all/],
      [["--all", "--budget-calls", "0"], /budget of zero/],
      [["--all", "--budget-calls", "2"], /cannot buy one proposal/],
      // Not stored for seed 7: the base's scores on the targets come first, and are counted.
      [
        ["--all", "--budget-calls", "30", "--seed", "7"],
        /cannot buy one proposal.*after \d+ calls for the base's scores/,
      ],
      [["--cluster", "clu_nope"], /no cluster matches 'clu_nope'/],
      [["--all", "--proposer", "merge"], /--proposer must be one of/],
    ];
    for (const [args, message] of cases) {
      const run = await ratchet("optimize", "-c", config, ...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.err, args.join(" ")).toMatch(message);
    }
    const before = await labels(config);
    expect(Object.keys(before).length).toBeLessThanOrEqual(1); // at most the registered champion
  });

  it("refuses a base prompt already over patching.max_prompt_length", async () => {
    const tight = join(dir, "tight.yaml");
    writeFileSync(
      tight,
      `${readFileSync(config, "utf8")}\noptimization:\n  patching:\n    max_prompt_length: 10\n`,
    );
    const run = await ratchet("optimize", "-c", tight, "--all");
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/already has \d+ tokens, over patching.max_prompt_length 10/);
  });

  it("fixes clusters with validated patches, stores every proposal, and keeps the sealed split out", async () => {
    const run = await ratchet("optimize", "-c", config, "--all", "--json");
    expect(run.code, run.err).toBe(0);
    const result = JSON.parse(run.out) as OptimizationRecord & { proposals: ProposalRecord[] };
    expect(result.status).toBe("finished");
    expect(result.best_version).toMatch(/^support-assistant@[0-9a-f]{64}$/);
    expect(result.proposals.some((p) => p.verdict === "accepted")).toBe(true);
    for (const p of result.proposals.filter((x) => x.verdict === "accepted")) {
      expect(p.stages.target?.checks?.fixed).toBeGreaterThan(0);
      expect(p.stages.train?.regressions?.filter((r) => r.severity === "blocking")).toEqual([]);
    }
    expect(result.prompt_tokens.length).toBeGreaterThan(1);
    expect(result.splits.sealed).toBe(1);
    expect(result.spend.rollouts).toBeGreaterThan(0);
    // Optimization spend is kept apart: its runs say so.
    const store = await openStore({ path: join(dir, ".ratchet", "ratchet.db") });
    try {
      const runs = await store.listRuns({ limit: 100 });
      expect(new Set(runs.map((r) => r.purpose))).toEqual(new Set(["evaluation", "optimization"]));
      for (const r of runs.filter((x) => x.purpose === "optimization")) {
        for await (const attempt of store.iterateAttempts(r.id))
          expect(attempt.case_id).not.toBe("order-status-2b");
      }
      // The best version is in the registry with its lineage, and no label moved to it.
      const [name = "", hash = ""] = (result.best_version ?? "").split("@");
      const version = await store.prompts.getVersion(name, hash);
      expect(version?.author_kind).toBe("optimizer");
      expect((await store.prompts.listLabels(name)).map((l) => l.hash)).not.toContain(hash);
    } finally {
      await store.close();
    }
    const show = await ratchet("optimize", "show", "latest", "-c", config);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/── proposal 1 \(rule\)/);
    expect(show.out).toMatch(/^ {3}\+\w/m); // a diff line
    expect((await ratchet("optimize", "show", "opt_nope", "-c", config)).code).toBe(2);
  }, 120_000);

  it("stops at a hard budget with a consistent record", async () => {
    // On a seed nothing is stored for, the refusal says what one proposal costs; a budget just
    // above it buys the targeted check and runs out in the training split.
    const refused = await ratchet(
      "optimize",
      "-c",
      config,
      "--all",
      "--seed",
      "7",
      "--budget-calls",
      "2",
    );
    const [, check = "0", base = "0"] =
      /take (\d+) calls .*after (\d+) calls for the base's scores/.exec(refused.err) ?? [];
    const budget = Number(check) + Number(base) + 3;
    expect(budget).toBeGreaterThan(3);
    const run = await ratchet(
      "optimize",
      "-c",
      config,
      "--all",
      "--seed",
      "7",
      "--budget-calls",
      String(budget),
      "--json",
    );
    expect(run.out, run.err).not.toBe("");
    const result = JSON.parse(run.out) as OptimizationRecord & { proposals: ProposalRecord[] };
    expect(result.status).toBe("budget_exhausted");
    expect(result.proposals.length).toBeGreaterThan(0);
    expect(result.spend.rollouts + result.spend.proposer_calls).toBeLessThanOrEqual(budget);
    expect(result.reason).toMatch(/budget exhausted/);
    // A proposal cut off by the budget is "stopped", never counted as validated.
    for (const p of result.proposals) {
      if (p.verdict === "accepted") expect(p.stages.train).toBeDefined();
    }
    expect(result.proposals.at(-1)?.verdict).toMatch(/stopped|rejected|invalid|accepted/);
  }, 60_000);

  it("a reflective proposer that answers garbage is recorded, never applied", async () => {
    const run = await ratchet(
      "optimize",
      "-c",
      config,
      "--all",
      "--model",
      "sim:reflector?garbage_rate=1",
      "--rounds",
      "2",
      "--patience",
      "2",
      "--json",
    );
    expect(run.code).toBe(1);
    const result = JSON.parse(run.out) as OptimizationRecord & { proposals: ProposalRecord[] };
    expect(result.settings.proposer).toBe("reflective");
    expect(result.best_version).toBeUndefined();
    expect(result.proposals.length).toBeGreaterThan(0);
    for (const p of result.proposals) {
      expect(p.verdict).toBe("invalid");
      expect(p.reason).toMatch(/no JSON object|truncated/);
    }
  }, 60_000);

  it("the reflective proposer with sim:reflector finds accepted patches offline", async () => {
    const run = await ratchet(
      "optimize",
      "-c",
      config,
      "--all",
      "--model",
      "sim:reflector",
      "--json",
    );
    const result = JSON.parse(run.out) as OptimizationRecord & { proposals: ProposalRecord[] };
    expect(result.proposals.filter((p) => p.proposer === "reflective").length).toBeGreaterThan(0);
    expect(result.spend.proposer_calls).toBeGreaterThan(0);
    expect(result.proposals.some((p) => p.verdict === "accepted")).toBe(true);
  }, 120_000);
});

describe("ratchet improve", () => {
  it("review mode holds a promotion for a person: production stays, the candidate label moves", async () => {
    const p = project("ratchet-review-");
    try {
      const run = await ratchet("improve", "-c", p.config, "--mode", "review", "--cycles", "2");
      expect(run.code, run.err).toBe(0);
      expect(run.err).toMatch(/running 1 cycle of 2/);
      const after = await labels(p.config);
      expect(run.out).toMatch(/held for review|held:/);
      if (after.candidate) expect(after.candidate).not.toBe(after.production);
      const list = await ratchet("cycles", "list", "-c", p.config);
      expect(list.out.trim().split("\n")).toHaveLength(1);
    } finally {
      rmSync(p.dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("auto mode promotes through the gate, cycle after cycle, and the record tells why", async () => {
    const p = project("ratchet-auto-");
    try {
      const run = await ratchet(
        "improve",
        "-c",
        p.config,
        "--mode",
        "auto",
        "--cycles",
        "3",
        "--preset",
        "repair-only",
      );
      expect(run.code, run.err).toBe(0);
      expect(run.out).toMatch(/gate gate_\w+: promote — promoted/);
      const cycles = await ratchet("cycles", "list", "-c", p.config, "--json");
      const records = JSON.parse(cycles.out) as CycleRecord[];
      const promoted = records.filter((r) => r.champion_after);
      expect(promoted.length).toBeGreaterThan(0);
      // Scores only go up from one promoted cycle to the next.
      const scores = [...records].reverse().map((r) => r.evaluation?.mean ?? 0);
      for (let i = 1; i < scores.length; i++)
        expect(scores[i]).toBeGreaterThanOrEqual((scores[i - 1] ?? 0) - 0.02);
      const show = await ratchet("cycles", "show", "latest", "-c", p.config);
      expect(show.out).toMatch(/decisions:/);
      expect((await ratchet("cycles", "show", "cyc_nope", "-c", p.config)).code).toBe(2);
      expect((await ratchet("improve", "-c", p.config, "--preset", "nope")).code).toBe(2);
      const shown = await ratchet("improve", "--show-preset", "harden");
      expect(shown.out).toMatch(/extends: harden\n/);
      expect(shown.out).toMatch(/below_minimum: "block"/);
      expect((await ratchet("improve", "--show-preset", "nope")).code).toBe(2);
    } finally {
      rmSync(p.dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("a cycle stopped after any phase is consistent, leaves registry and suites alone, and resumes there", async () => {
    const p = project("ratchet-resume-");
    const suites = () => readFileSync(join(p.dir, "suites", "orders.yaml"), "utf8");
    try {
      const suitesBefore = suites();
      // Each phase's last progress line, and the phase the record must stop before.
      const stops: Array<[RegExp, string]> = [
        [/^evaluated the champion/, "mine"],
        [/^mined failures/, "cluster"],
        [/^clustered the open failures/, "draft"],
        [/^optimized /, "gate"],
      ];
      let firstEvaluation: number | undefined;
      let production: string | undefined;
      for (const [trigger, phase] of stops) {
        const stop = new AbortController();
        const stopped = await runCycle({
          cwd: p.dir,
          configPath: p.config,
          preset: "repair-only",
          mode: "review",
          actor: "test",
          stopSignal: stop.signal,
          onProgress: (message) => {
            if (trigger.test(message)) stop.abort();
          },
        });
        expect(stopped.status, phase).toBe("stopped");
        expect(stopped.phase).toBe(phase);
        expect(stopped.outcome).toMatch(/--resume/);
        firstEvaluation ??= stopped.evaluation?.rollouts;
        expect(suites()).toBe(suitesBefore);
        // Review mode never moves production, stopped or not.
        production ??= (await labels(p.config)).production;
        expect((await labels(p.config)).production).toBe(production);
        const resumed = await ratchet("improve", "-c", p.config, "--resume", stopped.id, "--json");
        expect(resumed.code, resumed.err).toBe(0);
        const [record] = JSON.parse(resumed.out) as CycleRecord[];
        expect(record?.id).toBe(stopped.id);
        expect(record?.status).toBe("finished");
        // What ran before the stop is not run again.
        expect(record?.evaluation?.rollouts).toBe(stopped.evaluation?.rollouts);
        expect((await ratchet("improve", "-c", p.config, "--resume", stopped.id)).code).toBe(2);
      }
      // Only the first cycle paid for the champion's evaluation; later ones reused it.
      expect(firstEvaluation).toBeGreaterThan(0);
    } finally {
      rmSync(p.dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe("a held candidate", () => {
  it("is the next cycle's starting point while the champion stays, and the gate still compares with the champion", async () => {
    const p = project("ratchet-carry-");
    try {
      // A first cycle in review mode registers the champion and runs an optimization.
      const first = await runCycle({
        cwd: p.dir,
        configPath: p.config,
        preset: "repair-only",
        mode: "review",
        actor: "test",
      });
      expect(first.status).toBe("finished");
      const candidate = first.optimization?.best_version;
      expect(candidate).toBeDefined();
      // Say the gate had held it as inconclusive (the case of a fix too small to tell from noise).
      const store = await openStore({ path: join(p.dir, ".ratchet", "ratchet.db") });
      try {
        const held: CycleRecord = {
          ...first,
          gate: {
            decision_id: "gate_test",
            verdict: "inconclusive",
            reasons: ["too few cases"],
            promoted: false,
            label: "production",
          },
        };
        await store.loop.saveCycle({
          id: held.id,
          started_at: held.started_at,
          updated_at: new Date().toISOString(),
          status: "finished",
          phase: "done",
          prompt_name: held.prompt_name,
          doc: held,
        });
      } finally {
        await store.close();
      }
      const next = await runCycle({
        cwd: p.dir,
        configPath: p.config,
        preset: "repair-only",
        mode: "review",
        actor: "test",
      });
      expect(next.champion_before).toBe(first.champion_before);
      expect(next.carried_from).toEqual({ version: candidate, cycle: first.id });
      expect(next.decisions.join("\n")).toMatch(/building on .* held by cycle/);
      // A held cycle is followed by one on the next seed.
      expect(next.seed).toBe(first.seed + 1);
      if (next.optimization) {
        const opt = await ratchet(
          "optimize",
          "show",
          next.optimization.id,
          "-c",
          p.config,
          "--json",
        );
        expect((JSON.parse(opt.out) as OptimizationRecord).base_version).toBe(candidate);
      }
      if (next.gate) {
        const gate = await ratchet(
          "gate",
          "show",
          next.gate.decision_id,
          "-c",
          p.config,
          "--format",
          "json",
        );
        expect(gate.out).toContain(first.champion_before.split("@")[1]?.slice(0, 12) ?? "none");
      }
    } finally {
      rmSync(p.dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe("ratchet demo", () => {
  it("runs the loop offline and tells what was wrong, what changed and why", async () => {
    const target = mkdtempSync(join(tmpdir(), "ratchet-demo-test-"));
    try {
      const run = await ratchet("demo", "--dir", target);
      expect(run.code, run.err).toBe(0);
      expect(run.out).toMatch(/What happened/);
      expect(run.out).toMatch(/promote \(promoted\)/);
      expect(run.out).toMatch(/The prompt now \(2 → \d+ lines\)/);
      // The commands it prints to explore the result run as printed, from where the demo ran.
      const hints = run.out
        .split("\n")
        .filter((line) => line.startsWith("  npx ratchet "))
        .map((line) => line.trim().split(/\s+/).slice(2));
      expect(hints).toHaveLength(5);
      for (const args of hints) {
        expect(args.slice(-2)).toEqual(["-c", join(target, "ratchet.yaml")]);
        const look = await ratchet(...args);
        expect(look.code, `${args.join(" ")}: ${look.err}`).toBe(0);
      }
      const again = await ratchet("demo", "--dir", target);
      expect(again.code).toBe(2);
      expect(again.err).toMatch(/not empty/);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  }, 180_000);

  it("quotes a demo folder whose path the shell would split", () => {
    const hint = exploreHint("/tmp/my demo's", "support-assistant");
    expect(hint).toContain(`npx ratchet cycles list -c '/tmp/my demo'\\''s/ratchet.yaml'`);
    expect(exploreHint("/tmp/plain", "p")).toContain(
      "npx ratchet prompts history p -c /tmp/plain/ratchet.yaml",
    );
  });
});
