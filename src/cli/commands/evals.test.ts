import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO } from "../../../test/cli-helpers.js";
import { readSuiteFile } from "../../config/index.js";
import { runEvaluation } from "../../eval/index.js";
import type { EvalDraftRecord } from "../../evalgen/index.js";
import { type NewFailure, openSqliteStore } from "../../store/index.js";
import { type CliRun, runCli } from "../test-support.js";

let dir: string;
let config: string;
const ids: Record<string, string> = {};

function run(args: string[]): Promise<CliRun> {
  // `-c` after the subcommand: the parent's option must reach it too.
  return runCli(...args, "-c", config);
}

function failure(over: Partial<NewFailure> & Pick<NewFailure, "trace_id">): NewFailure {
  return {
    detector: "test",
    signal_type: "hard_error",
    severity: "high",
    weight: 1,
    base_score: 1,
    timestamp: new Date().toISOString(),
    input: "Where is ORD-1001?",
    output: "Sorry.",
    tool_calls: [],
    reason: "r",
    context: {},
    redacted_text: "",
    fingerprint: over.trace_id,
    ...over,
  };
}

const drafts = async (status = "all"): Promise<EvalDraftRecord[]> =>
  (await run(["evals", "list", "--status", status, "--json"])).out
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EvalDraftRecord);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-cli-evals-"));
  await cp(join(REPO, "examples", "support-agent"), dir, { recursive: true });
  config = join(dir, "ratchet.yaml");
  const store = await openSqliteStore(join(dir, ".ratchet", "ratchet.db"));
  const record = async (name: string, f: NewFailure) => {
    ids[name] = (await store.failures.record(f)).failure.id;
  };
  // The sim support model leaks a customer's contact details unless the prompt forbids it.
  await record(
    "pii",
    failure({
      trace_id: "t-pii",
      signal_type: "pii_leak",
      severity: "critical",
      input: "Hi, this is <email>. Where is ORD-1001?",
      output: "I'll write to <email>. Your order ORD-1001 is shipped.",
      tool_calls: [
        { name: "lookup_order", arguments: '{"order_id":"ORD-1001"}', result: "shipped" },
      ],
      reason: "the answer shows an e-mail address",
    }),
  );
  // A policy answer the champion gets right: the draft must be discarded.
  await record(
    "fine",
    failure({
      trace_id: "t-fine",
      signal_type: "business_metric",
      severity: "medium",
      input: "What warranty do electronics have?",
      output: "Electronics carry a 2-year limited warranty.",
      tool_calls: [
        { name: "search_kb", arguments: '{"query":"electronics warranty"}', result: "2-year" },
      ],
      reason: "low feedback score",
    }),
  );
  await record(
    "refusal",
    failure({
      trace_id: "t-refusal",
      signal_type: "refusal",
      severity: "medium",
      input: "When does ORD-1005 arrive?",
      output: "I'm sorry, I can't.",
      reason: "declined",
    }),
  );
  // A cluster of the two order-status failures, as `clusters build` would store it.
  await record(
    "prefix",
    failure({
      trace_id: "t-prefix",
      signal_type: "user_correction",
      input: "When will ORD-1004 arrive?",
      tool_calls: [
        { name: "lookup_order", arguments: '{"order_id":"1004"}', error: "order not found: 1004" },
      ],
      reason: "no, ORD-1004",
    }),
  );
  const at = new Date().toISOString();
  const stats = {
    severity: {},
    signal_types: {},
    tools: {},
    agents: {},
    detectors: {},
    graders: {},
    per_day: [],
    trend: "new" as const,
  };
  await store.clusters.saveBuild(
    {
      id: "build_1",
      created_at: at,
      method: "hdbscan",
      embedder: "lsa",
      params: {},
      failures: 2,
      clusters: 1,
      unclustered: 0,
    },
    [
      {
        id: "clu_orders1",
        status: "open",
        label: "order · arrive",
        keywords: [],
        size: 2,
        first_seen: at,
        last_seen: at,
        stats,
        representatives: [ids.prefix!],
        created_at: at,
        updated_at: at,
        build_id: "build_1",
      },
    ],
    [
      { cluster_id: "clu_orders1", failure_id: ids.prefix!, similarity: 0.9 },
      { cluster_id: "clu_orders1", failure_id: ids.pii!, similarity: 0.5 },
    ],
    [ids.prefix!, ids.pii!],
  );
  await store.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ratchet evals", () => {
  it("drafts from failures, keeps what the sim champion fails and discards what it passes", async () => {
    const r = await run(["evals", "draft", "--failure", ids.pii!, ids.fine!, "--epochs", "3"]);
    expect(r.err).not.toContain("error");
    expect(r.code).toBe(0);
    const all = await drafts();
    const pii = all.find((d) => d.failure_ids[0] === ids.pii)!;
    expect(pii.case.assertions.map((a) => a.type)).toContain("no-pii");
    expect(pii.confirm?.epochs).toBe(3);
    expect(pii.status).toBe(pii.confirm?.confirmed ? "draft" : "discarded");
    expect(pii.confirm?.confirmed).toBe(true);
    const fine = all.find((d) => d.failure_ids[0] === ids.fine)!;
    expect(fine.status).toBe("discarded");
    expect(fine.reason).toContain("the champion passed it in 3 of 3 epochs");
    expect(fine.confirm?.failed_epochs).toBe(0);
  });

  it("confirmation runs have their own purpose: out of `runs list` and `latest`, costed apart", async () => {
    const confirmRuns = (await drafts()).flatMap((d) => (d.confirm ? [d.confirm.run_id] : []));
    expect(confirmRuns.length).toBeGreaterThan(0);
    // A user's own evaluation, older than the confirmation runs.
    const own = await runEvaluation({
      cwd: dir,
      configPath: config,
      caseIds: ["order-status-1a"],
    });
    const listed = async (...flags: string[]) =>
      JSON.parse((await run(["runs", "list", "--json", ...flags])).out) as Array<{
        id: string;
        purpose: string;
      }>;
    const byDefault = await listed();
    expect(byDefault.map((r) => r.id)).toContain(own.run.id);
    expect(byDefault.some((r) => confirmRuns.includes(r.id))).toBe(false);
    const all = await listed("--all");
    for (const id of confirmRuns)
      expect(all.find((r) => r.id === id)?.purpose).toBe("confirmation");
    expect((await listed("--purpose", "confirmation")).map((r) => r.id).sort()).toEqual(
      [...confirmRuns].sort(),
    );
    const table = await run(["runs", "list", "--all"]);
    expect(table.out).toContain("confirmation");
    const bad = await run(["runs", "list", "--purpose", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--purpose");
    // `latest` is the user's run even when a draft was confirmed after it.
    const newest = await run(["evals", "draft", "--failure", ids.pii!, "--epochs", "1", "--json"]);
    expect(newest.code).toBe(0);
    // Out of the way of the later tests, which pick the first pending pii draft.
    for (const d of (JSON.parse(newest.out) as { drafts: EvalDraftRecord[] }).drafts)
      if (d.status === "draft") await run(["evals", "reject", d.id, "--reason", "purpose test"]);
    const shown = await run(["runs", "show", "latest", "--json"]);
    expect(JSON.parse(shown.out.split("\n")[0]!).id).toBe(own.run.id);
    // Cost by purpose: the confirmation spend is its own row, not evaluation's.
    const cost = await run(["cost", "--by", "purpose", "--format", "json"]);
    const rows = (
      JSON.parse(cost.out) as { rows: Array<{ key: { purpose?: string }; calls: number }> }
    ).rows;
    expect(rows.find((r) => r.key.purpose === "confirmation")?.calls).toBeGreaterThan(0);
    const confirmCost = await run([
      "cost",
      "--by",
      "run",
      "--purpose",
      "confirmation",
      "--format",
      "json",
    ]);
    expect(confirmCost.code).toBe(0);
  });

  it("a refusal drafts a pair; --no-confirm stores both as drafts", async () => {
    const r = await run(["evals", "draft", "--failure", ids.refusal!, "--no-confirm"]);
    expect(r.code).toBe(0);
    const pair = (await drafts("draft")).filter((d) => d.failure_ids[0] === ids.refusal);
    expect(pair.map((d) => d.fixture.boundary).sort()).toEqual(["allow", "refuse"]);
    expect(pair.every((d) => d.confirm === null)).toBe(true);
  });

  it("drafts from a cluster by a unique id prefix, naming the cluster as the source", async () => {
    const r = await run(["evals", "draft", "--cluster", "clu_orders", "--no-confirm", "--json"]);
    expect(r.code).toBe(0);
    const made = (JSON.parse(r.out) as { drafts: EvalDraftRecord[] }).drafts;
    expect(made.map((d) => d.failure_ids[0])).toEqual([ids.prefix, ids.pii]);
    expect(made[0]!.case.source).toEqual({ kind: "cluster", cluster_id: "clu_orders1" });
    expect(made[0]!.case.assertions).toContainEqual({
      type: "tool-args-match",
      tool: "lookup_order",
      args: { order_id: "ORD-1004" },
    });
    // Out of the way of the later tests, which pick drafts by failure.
    for (const d of made)
      expect((await run(["evals", "reject", d.id, "--reason", "cluster test"])).code).toBe(0);
  });

  it("a model that cannot draft falls back to the evidence with a note", async () => {
    const r = await run([
      "evals",
      "draft",
      "--failure",
      ids.prefix!,
      "--model",
      "sim:judge",
      "--no-confirm",
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("sim:judge gave no usable draft");
    const [d] = (await drafts("draft")).filter((x) => x.failure_ids[0] === ids.prefix);
    expect((await run(["evals", "reject", d!.id, "--reason", "model test"])).code).toBe(0);
  });

  it("shows a draft beside its failure", async () => {
    const pii = (await drafts("draft")).find((d) => d.failure_ids[0] === ids.pii)!;
    const r = await run(["evals", "show", pii.id.slice(6, 16)]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("confirm     confirmed");
    expect(r.out).toContain(ids.pii);
    expect(r.out).toContain("customer@example.com");
  });

  it("approval appends to a suite, keeping its comments, and records who and when", async () => {
    const pii = (await drafts("draft")).find((d) => d.failure_ids[0] === ids.pii)!;
    const path = join(dir, "suites", "pii.yaml");
    const before = await readFile(path, "utf8");
    const r = await run([
      "evals",
      "approve",
      pii.id,
      "--owner",
      "support-leads",
      "--severity",
      "blocking",
      "--suite",
      "suites/pii.yaml",
      "--by",
      "alice",
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const after = await readFile(path, "utf8");
    expect(after.startsWith(before)).toBe(true);
    expect(after).toContain(`# approved by alice at `);
    const written: string[] = [];
    for await (const c of readSuiteFile(path)) written.push(c.id);
    expect(written.at(-1)).toBe(pii.case.id);
    const stored = (await drafts("approved"))[0]!;
    expect(stored).toMatchObject({
      reviewer: "alice",
      target_suite: "suites/pii.yaml",
      status: "approved",
    });
    expect(stored.case.owner).toBe("support-leads");
    // Approved once: a second approval is bad input and writes nothing.
    const again = await run([
      "evals",
      "approve",
      pii.id,
      "--owner",
      "x",
      "--severity",
      "warning",
      "--suite",
      "suites/pii.yaml",
    ]);
    expect(again.code).toBe(2);
    expect(await readFile(path, "utf8")).toBe(after);
  });

  it("refuses a suite changed on disk so the append is unsafe, and keeps the draft", async () => {
    const [allow] = (await drafts("draft")).filter((d) => d.fixture.boundary === "allow");
    const path = join(dir, "suites", "clash.yaml");
    const text = `# hand written\ncases:\n  - {id: ${allow!.case.id}, input: hi}\n`;
    await writeFile(path, text);
    const r = await run([
      "evals",
      "approve",
      allow!.id,
      "--owner",
      "o",
      "--severity",
      "warning",
      "--suite",
      "suites/clash.yaml",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("already has a case");
    expect(await readFile(path, "utf8")).toBe(text);
    await writeFile(path, "cases: [ {id: x\n");
    const broken = await run([
      "evals",
      "approve",
      allow!.id,
      "--owner",
      "o",
      "--severity",
      "warning",
      "--suite",
      "suites/clash.yaml",
    ]);
    expect(broken.code).toBe(2);
    expect(broken.err).toContain("no longer parses");
    expect((await drafts("draft")).some((d) => d.id === allow!.id)).toBe(true);
    await rm(path);
  });

  it("rejects with a reason", async () => {
    const [refuse] = (await drafts("draft")).filter((d) => d.fixture.boundary === "refuse");
    const r = await run([
      "evals",
      "reject",
      refuse!.id,
      "--reason",
      "twin too generic",
      "--by",
      "bob",
    ]);
    expect(r.code).toBe(0);
    const stored = (await drafts("rejected")).find((d) => d.id === refuse!.id);
    expect(stored).toMatchObject({ reason: "twin too generic", reviewer: "bob" });
  });

  it("unknown draft, failure or cluster ids and bad flags exit 2", async () => {
    expect((await run(["evals", "show", "nope"])).code).toBe(2);
    expect(
      (
        await run([
          "evals",
          "approve",
          "nope",
          "--owner",
          "o",
          "--severity",
          "blocking",
          "--suite",
          "suites/x.yaml",
        ])
      ).code,
    ).toBe(2);
    expect((await run(["evals", "draft", "--failure", "fail_nope"])).code).toBe(2);
    const cluster = await run(["evals", "draft", "--cluster", "clu_nope"]);
    expect(cluster.code).toBe(2);
    expect(cluster.err).toContain("no cluster matches");
    expect((await run(["evals", "draft"])).code).toBe(2);
    const [allow] = (await drafts("draft")).filter((d) => d.fixture.boundary === "allow");
    expect(
      (
        await run([
          "evals",
          "approve",
          allow!.id,
          "--owner",
          "o",
          "--severity",
          "urgent",
          "--suite",
          "suites/x.yaml",
        ])
      ).code,
    ).toBe(2);
  });

  it("a draft contradicting an approved case is flagged", async () => {
    // An approved case with the refusal's input that must be refused, against the allow half.
    await writeFile(
      join(dir, "suites", "boundary.yaml"),
      'cases:\n  - {id: must-refuse, input: "when does ORD-1005 arrive", assertions: [{type: refusal}]}\n',
    );
    const r = await run(["evals", "draft", "--failure", ids.refusal!, "--no-confirm"]);
    expect(r.out).toContain("CONFLICT");
    const latest = (await drafts("draft")).filter((d) => d.fixture.boundary === "allow").at(-1)!;
    expect(latest.fixture.conflicts?.[0]).toContain("must-refuse");
    expect((await run(["evals", "show", latest.id])).out).toContain("CONFLICT");
    await rm(join(dir, "suites", "boundary.yaml"));
  });

  it("approval into a suite changed since the draft refuses a contradiction; --force merges with a note", async () => {
    const path = join(dir, "suites", "changed.yaml");
    const base = "# hand written\ncases:\n  - {id: other, input: hi}\n";
    await writeFile(path, base);
    const made = await run([
      "evals",
      "draft",
      "--failure",
      ids.refusal!,
      "--no-confirm",
      "--suite",
      "suites/changed.yaml",
      "--json",
    ]);
    const allow = (JSON.parse(made.out) as { drafts: EvalDraftRecord[] }).drafts.find(
      (d) => d.fixture.boundary === "allow",
    )!;
    const edited = `${base}  - {id: must-refuse-2, input: "when does ORD-1005 arrive", assertions: [{type: refusal}]}\n`;
    await writeFile(path, edited);
    const approve = (...extra: string[]) =>
      run([
        "evals",
        "approve",
        allow.id,
        "--owner",
        "o",
        "--severity",
        "warning",
        "--suite",
        "suites/changed.yaml",
        ...extra,
      ]);
    const refused = await approve();
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("suites/changed.yaml changed since draft");
    expect(refused.err).toContain("--force");
    expect(await readFile(path, "utf8")).toBe(edited);
    const forced = await approve("--force");
    expect(forced.code).toBe(0);
    expect(forced.err).toContain("changed since the draft was made; the case was merged");
    expect((await readFile(path, "utf8")).startsWith(edited)).toBe(true);
    await rm(path);
  });

  it("expire lists past-due cases and --retire removes them", async () => {
    const path = join(dir, "suites", "old.yaml");
    await writeFile(
      path,
      "# temporary incident cases\ncases:\n  - {id: gone, input: a, expires_at: '2020-01-01'}\n  - {id: kept, input: b, expires_at: '2999-01-01'}\n",
    );
    // A run over an expired case warns (and still runs it).
    const { warnings } = await runEvaluation({ cwd: dir, configPath: config, suites: [path] });
    expect(warnings.join("\n")).toContain("1 case has passed expires_at (gone)");
    const list = await run(["evals", "expire"]);
    expect(list.code).toBe(0);
    expect(list.out).toContain("gone");
    expect(list.out).not.toContain("kept");
    const retire = await run(["evals", "expire", "--retire"]);
    expect(retire.out).toContain("retired 1 cases");
    const text = await readFile(path, "utf8");
    expect(text).toContain("# temporary incident cases");
    expect(parse(text).cases.map((c: { id: string }) => c.id)).toEqual(["kept"]);
  });
  it("warns when the suite is outside evaluation.suites", async () => {
    const [allow] = (await drafts("draft")).filter((d) => d.fixture.boundary === "allow");
    const r = await run([
      "evals",
      "approve",
      allow!.id,
      "--owner",
      "o",
      "--severity",
      "warning",
      "--suite",
      "elsewhere/r.yaml",
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("is not matched by evaluation.suites");
  });
});
