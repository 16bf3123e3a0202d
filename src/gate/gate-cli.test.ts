import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/test-support.js";

const EXAMPLE = new URL("../../examples/support-agent", import.meta.url).pathname;

let dir: string;
let config: string;

const ratchet = runCli;

interface DecisionJson {
  id: string;
  verdict: string;
  reasons: string[];
  champion: string;
  challenger: string;
  evidence: {
    champion: { ran: number; reused: number };
    challenger: { ran: number; reused: number };
    rounds: Array<{ round: number; maxEpochs: number }>;
    verdict: { regressions: Array<{ caseId: string; severity: string; flaky: boolean }> };
    promotion: { moved: boolean; label: string };
  };
}

const gateJson = async (...args: string[]) => {
  const result = await ratchet("gate", "-c", config, "--format", "json", ...args);
  return { ...result, decision: JSON.parse(result.out || "null") as DecisionJson | null };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-gate-"));
  cpSync(EXAMPLE, dir, { recursive: true });
  // Two suites (20 cases) keep the test quick; blocking JSON cases are what a bad prompt breaks.
  for (const suite of ["escalation", "pii", "policy", "refunds"]) {
    rmSync(join(dir, "suites", `${suite}.yaml`));
  }
  config = join(dir, "ratchet.yaml");
  writeFileSync(config, readFileSync(config, "utf8").replace("latency_ms: 5", "latency_ms: 0"));
  const prompt = readFileSync(join(dir, "prompts/system.md"), "utf8");
  writeFileSync(
    join(dir, "candidate.md"),
    `${prompt}\nNever guess: always use the tools before answering, and pass order ids exactly as written, with their ORD- prefix.\n`,
  );
  writeFileSync(join(dir, "bad.md"), prompt.replace(/^When the customer asks for JSON.*$/m, ""));
  for (const [file, label] of [
    ["prompts/system.md", "production"],
    ["candidate.md", "candidate"],
    ["bad.md", "bad"],
  ] as const) {
    const added = await ratchet(
      "prompts",
      "add",
      "support",
      join(dir, file),
      "--label",
      label,
      "-c",
      config,
    );
    expect(added.code, added.err).toBe(0);
  }
  const kept = await ratchet("prompts", "label", "support", "production", "original", "-c", config);
  expect(kept.code, kept.err).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ratchet gate", () => {
  it("promotes a better challenger, then reuses every stored attempt on the same question", async () => {
    const first = await gateJson(
      "--champion",
      "support@production",
      "--challenger",
      "support@candidate",
      "--epochs",
      "2",
    );
    expect(first.code, first.err).toBe(0);
    expect(first.decision?.verdict).toBe("promote");
    expect(first.decision?.evidence.champion.ran).toBe(40);

    const again = await gateJson(
      "--champion",
      "support@production",
      "--challenger",
      "support@candidate",
      "--epochs",
      "2",
    );
    expect(again.code, again.err).toBe(0);
    // Same config, versions, cases, epochs and seed: not one attempt runs, on either side.
    expect(again.decision?.evidence.champion).toMatchObject({ ran: 0, reused: 40 });
    expect(again.decision?.evidence.challenger).toMatchObject({ ran: 0, reused: 40 });
    expect(again.decision?.verdict).toBe("promote");
  }, 120_000);

  it("blocks a challenger that breaks blocking cases, in JUnit for CI, and exits 1", async () => {
    const result = await ratchet(
      "gate",
      "-c",
      config,
      "--champion",
      "support@production",
      "--challenger",
      "support@bad",
      "--epochs",
      "2",
      "--format",
      "junit",
    );
    expect(result.code, result.err).toBe(1);
    expect(result.out).toMatch(/^<\?xml/);
    expect(result.out).toMatch(
      /<testcase classname="ratchet.gate" name="verdict"><failure message="block:/,
    );
    expect(result.out).toMatch(
      /classname="ratchet.gate.regression" name="json-summary-\d+"><failure/,
    );
    // The regressions wait as failures for triage and eval drafting, once per case.
    expect(result.err).toMatch(/recorded \d+ regression\(s\) as failures/);
    const failures = await ratchet(
      "failures",
      "list",
      "--type",
      "regression",
      "--json",
      "-c",
      config,
    );
    expect(failures.code, failures.err).toBe(0);
    // One failure per line.
    const listed = failures.out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { signal_type: string; reason: string });
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((f) => f.signal_type === "regression")).toBe(true);
    expect(listed[0]?.reason).toMatch(/passed 100% for the champion, 0% for the challenger/);
  }, 120_000);

  it("writes a pull-request comment with the verdict first", async () => {
    const result = await ratchet(
      "gate",
      "-c",
      config,
      "--champion",
      "support@production",
      "--challenger",
      "support@bad",
      "--epochs",
      "2",
      "--format",
      "markdown",
    );
    expect(result.code).toBe(1);
    const lines = result.out.split("\n");
    expect(lines[0]).toBe("## ⛔ Ratchet gate: **block**");
    expect(result.out).toMatch(/\| overall \| \d+\.\d% \| \d+\.\d% \| −\d+\.\d pts \|/);
    expect(result.out).toMatch(/### Regressions \(\d+\)/);
  }, 120_000);

  it("asks a model change for a shadow run, then promotes it on one of the challenger's own", async () => {
    // A model change needs a shadow of 7 production inputs (the example's traces give 7).
    const modelConfig = join(dir, "ratchet-model.yaml");
    writeFileSync(
      modelConfig,
      `${readFileSync(config, "utf8")}\npromotion:\n  gatekeeper:\n    shadow_sample_size: 7\n`,
    );
    const model = async () => {
      const result = await ratchet(
        "gate",
        "-c",
        modelConfig,
        "--format",
        "json",
        "--champion",
        "support@production",
        "--challenger",
        "support@candidate",
        "--epochs",
        "2",
        "--change-type",
        "model",
      );
      return { ...result, decision: JSON.parse(result.out || "null") as DecisionJson | null };
    };
    const without = await model();
    expect(without.code).toBe(1);
    expect(without.decision?.verdict).toBe("inconclusive");
    expect(without.decision?.reasons[0]).toMatch(
      /needs a shadow run .* has none: run `ratchet shadow --challenger support@[0-9a-f]{12} --sample 7`/,
    );

    const ingested = await ratchet("ingest", join(dir, "traces.jsonl"), "-c", config);
    expect(ingested.code, ingested.err).toBe(0);
    // A shadow of the champion is no evidence for the challenger.
    const other = await ratchet("shadow", "-c", config, "--challenger", "support@production");
    expect(other.code, other.err).toBeLessThan(2);
    expect((await model()).decision?.verdict).toBe("inconclusive");
    // Too few inputs: not enough either.
    const small = await ratchet(
      "shadow",
      "-c",
      config,
      "--challenger",
      "support@candidate",
      "--sample",
      "3",
    );
    expect(small.code, small.err).toBe(0);
    const few = await model();
    expect(few.decision?.verdict).toBe("inconclusive");
    expect(few.decision?.reasons[0]).toMatch(/at least 7 inputs .* replayed 3/);

    const shadow = await ratchet(
      "shadow",
      "-c",
      config,
      "--challenger",
      "support@candidate",
      "--json",
    );
    expect(shadow.code, shadow.err).toBe(0);
    const id = (JSON.parse(shadow.out) as { id: string }).id;
    const withShadow = await model();
    expect(withShadow.code, withShadow.err).toBe(0);
    expect(withShadow.decision?.verdict).toBe("promote");
    expect((withShadow.decision?.evidence as { shadow?: string } | undefined)?.shadow).toBe(id);
  }, 120_000);

  it("adds epochs in rounds with --until-decided, never beyond --max-epochs", async () => {
    const result = await gateJson(
      "--champion",
      "support@production",
      "--challenger",
      "support@candidate",
      "--until-decided",
      "--max-epochs",
      "3",
    );
    const decision = result.decision;
    expect(decision).not.toBeNull();
    expect(result.code).toBe(decision?.verdict === "promote" ? 0 : 1);
    const rounds = decision?.evidence.rounds ?? [];
    expect(rounds.map((r) => r.round)).toEqual(rounds.map((_, i) => i + 1));
    expect(rounds.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...rounds.map((r) => r.maxEpochs))).toBeLessThanOrEqual(3);
    // A better challenger is never blocked by looking after every round.
    expect(decision?.verdict).not.toBe("block");
  }, 120_000);

  it("--promote moves the label after confirming on fresh seeds, and the history points at the decision", async () => {
    const result = await gateJson(
      "--champion",
      "support@production",
      "--challenger",
      "support@candidate",
      "--epochs",
      "2",
      "--promote",
    );
    expect(result.code, result.err).toBe(0);
    expect(result.decision?.evidence.promotion).toMatchObject({ moved: true, label: "production" });
    const candidate = result.decision?.challenger.split("@")[1] ?? "";

    const show = await ratchet("prompts", "show", "support@production", "-c", config);
    expect(show.out).toContain(candidate.slice(0, 12));
    const history = await ratchet("prompts", "history", "support", "-c", config);
    expect(history.out).toMatch(/production\s+promote/);
    const evidence = await ratchet("gate", "show", result.decision?.id ?? "", "-c", config);
    expect(evidence.code).toBe(0);
    expect(evidence.out).toMatch(/label moves:\n.*support@production: \w{12} → \w{12}/);
  }, 120_000);

  it("holds the sealed split out of the decision and confirms a promotion on it", async () => {
    const sealed = join(dir, "ratchet-sealed.yaml");
    writeFileSync(
      sealed,
      `${readFileSync(config, "utf8")}\npromotion:\n  gatekeeper:\n    sealed_tag: json\n`,
    );
    const result = await ratchet(
      "gate",
      "-c",
      sealed,
      "--champion",
      "support@original",
      "--challenger",
      "support@candidate",
      "--epochs",
      "2",
      "--promote",
      "--format",
      "json",
    );
    const decision = JSON.parse(result.out || "null") as {
      verdict: string;
      evidence: {
        cases: number;
        sealedCases: number;
        confirmation?: { on: string; cases: number };
      };
    } | null;
    expect(decision?.evidence).toMatchObject({ cases: 12, sealedCases: 8 });
    expect(decision?.evidence.confirmation).toMatchObject({ on: "sealed split", cases: 8 });
  }, 120_000);

  it("lists decisions and refuses an unknown one", async () => {
    const list = await ratchet("gate", "list", "--json", "-c", config);
    expect(list.code).toBe(0);
    const decisions = JSON.parse(list.out) as Array<{ verdict: string }>;
    expect(decisions.length).toBeGreaterThanOrEqual(5);
    expect(decisions.map((d) => d.verdict)).toContain("block");
    const missing = await ratchet("gate", "show", "gate_nope", "-c", config);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no gate decision matches 'gate_nope'/);
  });

  it("refuses bad input with exit 2 and leaves the registry as it was", async () => {
    const before = await ratchet("prompts", "history", "support", "-c", config);
    const decisionsBefore = (await ratchet("gate", "list", "--json", "-c", config)).out;
    const cases: Array<[string[], RegExp]> = [
      [["--champion", "support@nope", "--challenger", "support@candidate"], /--champion.*nope/s],
      [["--champion", "nobody@production", "--challenger", "support@candidate"], /nobody/],
      [["--champion", "support@candidate", "--challenger", "support@candidate"], /same version/],
      [["--champion", "support@production"], /--challenger/],
      [
        ["--champion", "support@production", "--challenger", "support@bad", "--max-epochs", "3"],
        /--until-decided/,
      ],
      [
        ["--champion", "support@production", "--challenger", "support@bad", "--test", "z_test"],
        /--test must be one of/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await ratchet("gate", "-c", config, ...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.err, args.join(" ")).toMatch(message);
    }
    expect((await ratchet("prompts", "history", "support", "-c", config)).out).toBe(before.out);
    expect((await ratchet("gate", "list", "--json", "-c", config)).out).toBe(decisionsBefore);
  }, 120_000);
});
