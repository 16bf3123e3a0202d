import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultConfig } from "../config/index.js";
import { isInputError } from "../core/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { approveDraft, draftAndStore, type Project, SuiteChangedError } from "./service.js";
import type { EvalDraftRecord } from "./types.js";

let dir: string;
let store: Store;
let project: Project;
let suite: string;
const SUITE_TEXT = `# Refunds: hand written
cases:
  # keep me
  - {id: r-1, input: "Refund ORD-1", assertions: [{type: contains, value: refund}]}
`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-approve-"));
  store = await openSqliteStore(join(dir, "r.db"));
  project = { store, config: defaultConfig(), dir, loaded: undefined };
  await mkdir(join(dir, "suites"));
  suite = join(dir, "suites", "refunds.yaml");
  await writeFile(suite, SUITE_TEXT);
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A refusal drafts the allow half (`no-refusal`) first; drafted with the suite recorded. */
async function draft(): Promise<EvalDraftRecord> {
  const { failure } = await store.failures.record({
    trace_id: "t1",
    detector: "d",
    signal_type: "refusal",
    severity: "high",
    weight: 1,
    base_score: 1,
    timestamp: new Date().toISOString(),
    input: "Can I return ORD-1001?",
    output: "I cannot help with that.",
    tool_calls: [],
    reason: "refused a normal return",
    context: {},
    redacted_text: "",
    fingerprint: "fp1",
  });
  const report = await draftAndStore(project, {
    failures: [failure.id],
    epochs: 0,
    suite: "suites/refunds.yaml",
  });
  const allow = report.drafts.find((d) => d.fixture.boundary === "allow");
  if (!allow) throw new Error("no allow half drafted");
  return allow;
}

const approve = (d: EvalDraftRecord, force = false) =>
  approveDraft(project, d.id, {
    owner: "support",
    severity: "warning",
    suite: "suites/refunds.yaml",
    by: "alice",
    ...(force ? { force } : {}),
  });

describe("approving into a suite that changed since the draft was made", () => {
  it("records the target suite's content hash with the draft", async () => {
    const d = await draft();
    const stored = await store.evalDrafts.get(d.id);
    expect(Object.keys(stored?.suite_snapshots ?? {})).toEqual(["suites/refunds.yaml"]);
    expect(stored?.suite_snapshots?.["suites/refunds.yaml"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("an unchanged suite is appended to and reported unchanged", async () => {
    const d = await draft();
    const result = await approve(d);
    expect(result.changed).toBe(false);
    expect((await readFile(suite, "utf8")).startsWith(SUITE_TEXT)).toBe(true);
  });

  it("a change that does not touch the draft is merged: the new case lands after the edit", async () => {
    const d = await draft();
    const edited = `${SUITE_TEXT}  # added by hand after the draft
  - {id: r-2, input: "Refund ORD-2", assertions: [{type: contains, value: refund}]}
`;
    await writeFile(suite, edited);
    const result = await approve(d);
    expect(result.changed).toBe(true);
    const text = await readFile(suite, "utf8");
    expect(text.startsWith(edited)).toBe(true);
    expect(parse(text).cases.map((c: { id: string }) => c.id)).toEqual(["r-1", "r-2", d.case.id]);
    expect((await store.evalDrafts.get(d.id))?.status).toBe("approved");
  });

  it("a change that now contradicts the draft is refused, naming the file; --force writes it", async () => {
    const d = await draft();
    // Someone approved the opposite expectation for the same input meanwhile.
    const edited = `${SUITE_TEXT}  - {id: must-refuse, input: "Can I return ORD-1001?", assertions: [{type: refusal}]}
`;
    await writeFile(suite, edited);
    const error = await approve(d).catch((e: unknown) => e);
    expect(isInputError(error)).toBe(true);
    // The one refusal a reviewer may overrule: the dashboard offers "approve anyway" for it.
    expect(error).toBeInstanceOf(SuiteChangedError);
    const message = String((error as Error).message);
    expect(message).toContain("suites/refunds.yaml changed since draft");
    expect(message).toContain("case `must-refuse`");
    expect(message).toContain("--force");
    expect(await readFile(suite, "utf8")).toBe(edited);
    expect((await store.evalDrafts.get(d.id))?.status).toBe("draft");

    const forced = await approve(d, true);
    expect(forced.changed).toBe(true);
    expect(parse(await readFile(suite, "utf8")).cases).toHaveLength(3);
  });

  it("hand-written cases of any shape are read for contradictions without failing", async () => {
    const d = await draft();
    const edited = `${SUITE_TEXT}  - {id: odd-1, input: 42}
  - {id: odd-2, input: [null, {role: user}], assertions: {type: refusal}}
  - id: chat
    input:
      - {role: system, content: "Can I return ORD-1001?"}
      - {role: user, content: "can I return ord-1001"}
    assertions: [{type: refusal}]
`;
    await writeFile(suite, edited);
    // Only the chat case's last user message matches the draft's input, and it must refuse.
    const error = await approve(d).catch((e: unknown) => e);
    expect(isInputError(error)).toBe(true);
    expect(String((error as Error).message)).toContain("case `chat`");
    expect(String((error as Error).message)).not.toContain("odd-");
  });

  it("a suite deleted since the draft is not silently re-created", async () => {
    const d = await draft();
    await rm(suite);
    const error = await approve(d).catch((e: unknown) => e);
    expect(isInputError(error)).toBe(true);
    expect(String((error as Error).message)).toContain("suites/refunds.yaml was deleted since");
    expect(await readdir(join(dir, "suites"))).toEqual([]);
  });

  it("drafts made before snapshots were recorded approve as before", async () => {
    const d = await draft();
    await writeFile(
      suite,
      `${SUITE_TEXT}  - {id: must-refuse, input: "Can I return ORD-1001?", assertions: [{type: refusal}]}
`,
    );
    // An older draft: no snapshot column value.
    await store.evalDrafts.save({
      ...(await store.evalDrafts.get(d.id))!,
      id: "draft_old",
      suite_snapshots: null,
    });
    const result = await approve({ ...d, id: "draft_old" });
    expect(result.changed).toBe(false);
  });
});
