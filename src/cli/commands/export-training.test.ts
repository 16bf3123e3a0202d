import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../../../test/cli-helpers.js";
import type { Attempt } from "../../core/index.js";
import { attempt, run as makeRun, toolConversation } from "../../loop/export/test-support.js";
import type { ExportSummary } from "../../loop/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import { type CliRun, runCli } from "../test-support.js";

let dir: string;
let config: string;
let db: string;
/** Run ids: the baseline eval, the eval with a better prompt, and a hand-made run. */
let baseline: string;
let better: string;
const CRAFTED = "run_crafted000000000001";
const EMAIL = "jane.doe@example.com";
const KEY = "sk-proj-Zq8vN2xK4mB7pL9wR3tY6uE1";

function run(args: string[]): Promise<CliRun> {
  return runCli(...args, "-c", config);
}

async function withStore<T>(action: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(db);
  try {
    return await action(store);
  } finally {
    await store.close();
  }
}

async function lines(path: string): Promise<unknown[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as unknown);
}

function summaryOf(result: CliRun): ExportSummary {
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out) as ExportSummary;
}

/** A fresh folder per export, so that leftovers are visible. */
async function outDir(name: string): Promise<string> {
  const path = join(dir, "out", name);
  await mkdir(path, { recursive: true });
  return path;
}

interface ChatLine {
  messages: Array<{ role: string; content?: string; tool_calls?: unknown[] }>;
  tools?: unknown[];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-cli-export-"));
  await cp(join(REPO, "examples", "support-agent"), dir, { recursive: true });
  config = join(dir, "ratchet.yaml");
  db = join(dir, ".ratchet", "ratchet.db");
  expect((await run(["eval"])).code).toBe(1);
  const prompt = await readFile(join(dir, "prompts", "system.md"), "utf8");
  await writeFile(
    join(dir, "better.md"),
    `${prompt}\nNever guess: always use the tools before answering, and pass order ids exactly as written, with their ORD- prefix. Never give out an e-mail address or a phone number.\n`,
  );
  expect(
    (await run(["prompts", "add", "support", join(dir, "better.md"), "--label", "candidate"])).code,
  ).toBe(0);
  expect([0, 1]).toContain((await run(["eval", "--prompt", "support@candidate"])).code);
  await withStore(async (store) => {
    const [newest, older] = await store.listRuns();
    better = newest?.id ?? "";
    baseline = older?.id ?? "";
    // Hand-made: personal data and a key in a passing attempt, one conversation twice (new
    // tool-call ids, other spacing), one passed below the bar, one failed.
    await store.createRun(makeRun({ id: CRAFTED, started_at: "2020-01-01T00:00:00.000Z" }));
    const crafted: Attempt[] = [
      attempt({
        id: "att_leak",
        run_id: CRAFTED,
        case_id: "leak",
        messages: [
          { role: "system", content: "You are the support assistant of a shop." },
          {
            role: "user",
            content: `I am ${EMAIL}; my key ${KEY} stopped working. Where is ORD-1001?`,
          },
          {
            role: "assistant",
            content: "",
            tool_calls: [
              {
                id: "call_k",
                name: "lookup_order",
                arguments: { order_id: "ORD-1001", note: KEY },
              },
            ],
          },
          { role: "tool", content: `{"owner":"${EMAIL}"}`, tool_call_id: "call_k" },
          { role: "assistant", content: `Shipped. We wrote to ${EMAIL}.` },
        ],
      }),
      attempt({
        id: "att_dup1",
        run_id: CRAFTED,
        case_id: "dup-1",
        messages: toolConversation(undefined, undefined, "call_1"),
      }),
      attempt({
        id: "att_dup2",
        run_id: CRAFTED,
        case_id: "dup-2",
        messages: toolConversation("where is  ORD-1001? ", undefined, "call_2"),
      }),
      attempt({ id: "att_low", run_id: CRAFTED, case_id: "low", overall: 0.5 }),
      attempt({ id: "att_failed", run_id: CRAFTED, case_id: "failed", status: "failed" }),
    ];
    for (const a of crafted) await store.saveAttempt(a);
  });
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("export finetune", () => {
  it("writes chat lines from passing attempts, split by case, as the summary says", async () => {
    const out = await outDir("finetune");
    const train = join(out, "train.jsonl");
    const result = await run(["export", "finetune", "--out", train, "--json"]);
    const summary = summaryOf(result);
    expect(summary.files).toEqual({ train, validation: join(out, "train.validation.jsonl") });
    expect(summary.sources.runs.sort()).toEqual([baseline, better, CRAFTED].sort());
    const trainLines = (await lines(train)) as ChatLine[];
    const validationLines = (await lines(join(out, "train.validation.jsonl"))) as ChatLine[];
    expect(trainLines.length).toBe(summary.train);
    expect(validationLines.length).toBe(summary.validation);
    expect(summary.validation).toBeGreaterThan(0);
    expect(summary.examples).toBe(summary.train + summary.validation);
    for (const line of [...trainLines, ...validationLines]) {
      expect(line.messages.at(-1)?.role).toBe("assistant");
      expect(line.messages.some((m) => m.role === "user")).toBe(true);
      // The support agent has tools: every line declares them.
      expect(line.tools?.length).toBeGreaterThan(0);
    }
    expect(trainLines.some((l) => l.messages.some((m) => m.tool_calls?.length))).toBe(true);
    // Both runs answered the same cases: a case's examples all sit on one side.
    const users = (ls: ChatLine[]) =>
      new Set(ls.map((l) => l.messages.find((m) => m.role === "user")?.content));
    const inValidation = users(validationLines);
    for (const user of users(trainLines)) expect(inValidation.has(user)).toBe(false);
    expect(summary.skipped["not passed"]).toBeGreaterThan(0);
    expect(summary.skipped["below --min-score"]).toBeGreaterThanOrEqual(1);
    expect(result.err).toContain(`warning: ${summary.train} training examples`);
    expect((await readdir(out)).sort()).toEqual(["train.jsonl", "train.validation.jsonl"]);

    // The same seed gives the same files; the text summary names them.
    const again = join(await outDir("finetune-again"), "train.jsonl");
    const text = await run(["export", "finetune", "--out", again]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(again);
    expect(text.out).toContain(join(dirname(again), "train.validation.jsonl"));
    expect(await readFile(again, "utf8")).toBe(await readFile(train, "utf8"));
  });

  it("writes a conversation once, whatever its tool-call ids and spacing", async () => {
    const out = join(await outDir("dedup"), "t.jsonl");
    const summary = summaryOf(
      await run([
        "export",
        "finetune",
        "--run",
        CRAFTED,
        "--out",
        out,
        "--validation-share",
        "0",
        "--json",
      ]),
    );
    expect(summary.skipped).toEqual({ duplicate: 1, "below --min-score": 1, "not passed": 1 });
    expect(summary.examples).toBe(2);
    expect(summary.files.validation).toBeUndefined();
    expect((await lines(out)).length).toBe(2);
  });

  it("masks e-mails and keys by default; --no-mask-pii keeps the e-mail but never the key", async () => {
    const folder = await outDir("redaction");
    const masked = join(folder, "masked.jsonl");
    summaryOf(await run(["export", "finetune", "--run", CRAFTED, "--out", masked, "--json"]));
    const text = await readFile(masked, "utf8");
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(KEY);
    expect(text).toContain("<EMAIL>");
    expect(text).toContain("<SECRET>");

    const kept = join(folder, "kept.jsonl");
    summaryOf(
      await run(["export", "finetune", "--run", CRAFTED, "--out", kept, "--no-mask-pii", "--json"]),
    );
    const keptText = await readFile(kept, "utf8");
    expect(keptText).toContain(EMAIL);
    expect(keptText).not.toContain(KEY);
    expect(keptText).toContain("<SECRET>");
  });

  it("writes Anthropic's shape", async () => {
    const out = join(await outDir("anthropic"), "a.jsonl");
    summaryOf(
      await run([
        "export",
        "finetune",
        "--run",
        CRAFTED,
        "--format",
        "anthropic",
        "--out",
        out,
        "--json",
      ]),
    );
    const [first] = (await lines(out)) as Array<{
      system: string;
      messages: Array<{ role: string; content: unknown }>;
      tools: Array<{ name: string; input_schema: unknown }>;
    }>;
    expect(first?.system).toBe("You are the support assistant of a shop.");
    expect(first?.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(first?.messages[1]?.content).toEqual([
      expect.objectContaining({ type: "tool_use", name: "lookup_order" }),
    ]);
    expect(first?.messages[2]?.content).toEqual([expect.objectContaining({ type: "tool_result" })]);
    expect(first?.tools[0]?.name).toBe("lookup_order");
  });

  it("takes production traces with --include-traces only when nothing open was found on them", async () => {
    expect((await run(["ingest", join(dir, "traces.jsonl")])).code).toBe(0);
    const folder = await outDir("traces");
    const exportTraces = async (name: string) => {
      const out = join(folder, name);
      const summary = summaryOf(
        await run([
          "export",
          "finetune",
          "--run",
          CRAFTED,
          "--include-traces",
          "--validation-share",
          "0",
          "--out",
          out,
          "--json",
        ]),
      );
      return { summary, text: await readFile(out, "utf8") };
    };
    const before = await exportTraces("before.jsonl");
    // prod-0001 and prod-0008 raised nothing; prod-0003 was flagged (feedback 0).
    expect(before.summary.sources.traces).toBe(2);
    expect(before.text).toContain("Where is my order ORD-1001?");
    expect(before.text).not.toContain("What is your return policy?");
    expect(before.summary.skipped["trace has an open failure"]).toBe(6);

    await withStore(async (store) => {
      const flagged = (
        await store.failures.list({ status: ["new", "accepted", "duplicate"] })
      ).filter((f) => f.trace_id === "prod-0003");
      expect(flagged.length).toBeGreaterThan(0);
      for (const f of flagged)
        await store.failures.triage(f.id, { status: "dismissed", by: "test" });
    });
    await writeFile(
      join(dir, "late.jsonl"),
      `${JSON.stringify({
        trace_id: "late-1",
        messages: [
          { role: "user", content: "Late question?" },
          { role: "assistant", content: "Late answer." },
        ],
        outcome: "success",
      })}\n`,
    );
    expect((await run(["ingest", join(dir, "late.jsonl"), "--no-mine"])).code).toBe(0);
    const after = await exportTraces("after.jsonl");
    expect(after.text).toContain("What is your return policy?");
    expect(after.text).not.toContain("Late question?");
    expect(after.summary.skipped["trace not mined yet"]).toBe(1);
  });
});

describe("export dpo", () => {
  it("pairs two runs of the same cases, the better answer chosen", async () => {
    const out = join(await outDir("dpo"), "pairs.jsonl");
    const summary = summaryOf(
      await run([
        "export",
        "dpo",
        "--run",
        baseline,
        "--run",
        better,
        "--out",
        out,
        "--validation-share",
        "0",
        "--no-mask-pii",
        "--json",
      ]),
    );
    expect(summary.sources.runs).toEqual([baseline, better]);
    const pairs = (await lines(out)) as Array<{
      input: { messages: Array<{ role: string; content: string }> };
      preferred_output: Array<{ role: string; content: string }>;
      non_preferred_output: Array<{ role: string; content: string }>;
    }>;
    expect(pairs.length).toBe(summary.examples);
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) {
      // The prompts differ between the runs: no system message in the shared input.
      expect(pair.input.messages.map((m) => m.role)).toEqual(["user"]);
      expect(pair.preferred_output).toEqual([{ role: "assistant", content: expect.any(String) }]);
      expect(pair.non_preferred_output[0]?.role).toBe("assistant");
      expect(pair.preferred_output[0]?.content).not.toBe(pair.non_preferred_output[0]?.content);
    }
    // A case the baseline failed and the better prompt passed: the better answer is chosen.
    const flip = await withStore(async (store) => {
      const passed = new Map<string, Attempt>();
      for await (const a of store.iterateAttempts(better, { statuses: ["passed"] })) {
        passed.set(a.case_id, a);
      }
      for await (const a of store.iterateAttempts(baseline, { statuses: ["failed"] })) {
        const other = passed.get(a.case_id);
        if (other && other.output !== a.output) return { worse: a, better: other };
      }
      return undefined;
    });
    expect(flip).toBeDefined();
    const question = flip?.better.messages.findLast((m) => m.role === "user")?.content;
    const pair = pairs.find((p) => p.input.messages[0]?.content === question);
    expect(pair?.preferred_output[0]?.content).toBe(flip?.better.output);
    expect(pair?.non_preferred_output[0]?.content).toBe(flip?.worse.output);

    // TRL's strings, and the same pairs from a gate decision naming the two runs.
    const trl = join(await outDir("dpo-trl"), "pairs.jsonl");
    summaryOf(
      await run([
        "export",
        "dpo",
        "--run",
        baseline,
        "--run",
        better,
        "--format",
        "trl",
        "--out",
        trl,
        "--validation-share",
        "0",
        "--no-mask-pii",
        "--json",
      ]),
    );
    const [first] = (await lines(trl)) as Array<Record<string, unknown>>;
    expect(Object.keys(first ?? {}).sort()).toEqual(["chosen", "prompt", "rejected"]);
    expect(typeof first?.prompt).toBe("string");

    await withStore((store) =>
      store.gate.saveDecision({
        id: "gate_test000000000001",
        created_at: new Date().toISOString(),
        prompt_name: "support",
        champion: "support@a",
        challenger: "support@b",
        change_type: "prompt",
        verdict: "promote",
        reasons: [],
        actor: "test",
        champion_runs: [baseline],
        challenger_runs: [better],
        evidence: {},
      }),
    );
    const fromGate = join(await outDir("dpo-gate"), "pairs.jsonl");
    const gateSummary = summaryOf(
      await run([
        "export",
        "dpo",
        "--out",
        fromGate,
        "--validation-share",
        "0",
        "--no-mask-pii",
        "--json",
      ]),
    );
    expect(gateSummary.sources.decisions).toEqual(["gate_test000000000001"]);
    expect(await readFile(fromGate, "utf8")).toBe(await readFile(out, "utf8"));
  });
});

describe("bad input exits 2 and leaves no file", () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      "an unknown format",
      ["finetune", "--format", "xml"],
      /--format: must be one of openai-chat, anthropic, got 'xml'/,
    ],
    [
      "a min score out of range",
      ["finetune", "--min-score", "1.5"],
      /--min-score must be a number between 0 and 1/,
    ],
    [
      "a run that does not exist",
      ["finetune", "--run", "no-such-run"],
      /no run matches 'no-such-run'/,
    ],
    [
      "nothing to export",
      ["finetune", "--run", CRAFTED, "--min-score", "1"],
      /nothing to export: no examples qualified \(left out: .*below --min-score/,
    ],
    ["one run for pairs", ["dpo", "--run", "latest"], /exactly two runs/],
    [
      "the same run twice",
      ["dpo", "--run", "latest", "--run", "latest"],
      /the same run is named twice/,
    ],
    [
      "an unknown preference format",
      ["dpo", "--format", "openai-chat"],
      /--format: must be one of openai, trl, got 'openai-chat'/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const folder = await outDir(`bad-${what.replaceAll(" ", "-")}`);
      const result = await run(["export", ...args, "--out", join(folder, "x.jsonl")]);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
      expect(await readdir(folder)).toEqual([]);
    });
  }

  it("an output folder that does not exist", async () => {
    const result = await run(["export", "finetune", "--out", join(dir, "missing", "x.jsonl")]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--out: cannot write .*the folder .*missing does not exist/);
  });
});
