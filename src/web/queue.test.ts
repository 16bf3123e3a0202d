import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO } from "../../test/cli-helpers.js";
import { main } from "../cli/main.js";
import type { Output } from "../cli/output.js";
import { defaultConfig } from "../config/index.js";
import { draftAndStore } from "../evalgen/index.js";
import { type NewFailure, openSqliteStore, type Store } from "../store/index.js";
import { createWebApp } from "./index.js";

const READ = "read-token-for-the-queue-tests";
const WRITE = "write-token-for-the-queue-tests";
const ORIGIN = "http://localhost";

let dir: string;
let store: Store;
let app: ReturnType<typeof createWebApp>;
const ids: Record<string, string> = {};

function failure(over: Partial<NewFailure> & Pick<NewFailure, "trace_id">): NewFailure {
  return {
    detector: "test",
    signal_type: "hard_error",
    severity: "high",
    weight: 1,
    base_score: 1,
    timestamp: "2026-11-30T10:00:00.000Z",
    input: "Where is ORD-1001?",
    output: "Sorry.",
    tool_calls: [],
    reason: "a tool call failed",
    context: {},
    redacted_text: "",
    fingerprint: over.trace_id,
    ...over,
  };
}

const quiet: Output = { out: () => {}, err: () => {}, isTTY: false, color: false };

async function signIn(token: string): Promise<string> {
  const res = await app.request(`/login?token=${token}`);
  expect(res.status).toBe(303);
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error("no session cookie");
  return cookie;
}

async function get(path: string, cookie: string): Promise<{ status: number; text: string }> {
  const res = await app.request(path, { headers: { cookie } });
  return { status: res.status, text: await res.text() };
}

function csrfOf(page: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error("the page has no CSRF field");
  return token;
}

async function post(
  path: string,
  cookie: string,
  fields: Record<string, string>,
): Promise<{ status: number; text: string; location: string | null }> {
  const res = await app.request(path, {
    method: "POST",
    headers: { cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, text: await res.text(), location: res.headers.get("location") };
}

/** Drafts one case from a failure, unconfirmed (the CLI's `evals draft --no-confirm`). */
async function draftFrom(failureId: string): Promise<string> {
  const report = await draftAndStore(
    { store, config: defaultConfig(), dir, loaded: undefined },
    { failures: [failureId], epochs: 0 },
  );
  const d = report.drafts.find((x) => x.status === "draft");
  if (!d) throw new Error(`no pending draft from ${failureId}: ${JSON.stringify(report.notes)}`);
  return d.id;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-web-queue-"));
  const db = join(dir, "s.db");
  // A real multi-agent trace, ingested the way a user does, for the attribution column.
  const sample = join(REPO, "examples", "support-agent", "multi-agent.whowhen.jsonl");
  expect(
    await main(["ingest", sample, "--db", db, "--format", "whowhen", "--no-mine"], quiet),
  ).toBe(0);
  store = await openSqliteStore(db);
  const trace = (await store.traces.listTraces()).find(
    (t) => t.root_name === "whowhen support-order-2",
  );
  if (!trace) throw new Error("the sample trace was not ingested");
  const record = async (name: string, f: NewFailure) => {
    ids[name] = (await store.failures.record(f)).failure.id;
  };
  await record(
    "xss",
    failure({
      trace_id: "t-xss",
      severity: "critical",
      output: "Your order <script>alert(1)</script> shipped",
      reason: "the answer shows an e-mail address",
      signal_type: "pii_leak",
    }),
  );
  await record("order", failure({ trace_id: trace.trace_id, reason: "wrong order status given" }));
  await record(
    "refund",
    failure({
      trace_id: "t-refund",
      signal_type: "user_correction",
      severity: "medium",
      input: "I want a refund for ORD-2002",
      output: "Refunds take 90 days.",
      reason: "the user corrected the refund window",
    }),
  );
  await store.clusters.saveBuild(
    {
      id: "build_1",
      created_at: "2026-12-01T00:00:00.000Z",
      method: "agglomerative",
      embedder: "lsa",
      params: {},
      failures: 3,
      clusters: 1,
      unclustered: 1,
    },
    [
      {
        id: "clu_orders",
        status: "open",
        label: "order · status · lookup",
        keywords: [{ term: "order", weight: 1 }],
        size: 2,
        first_seen: "2026-11-30T10:00:00.000Z",
        last_seen: "2026-11-30T10:00:00.000Z",
        stats: {
          severity: { critical: 1, high: 1 },
          signal_types: { pii_leak: 1, hard_error: 1 },
          tools: { lookup_order: 2 },
          agents: { OrderLookup: 1 },
          detectors: { test: 2 },
          graders: {},
          per_day: [
            { day: "2026-11-29", count: 0 },
            { day: "2026-11-30", count: 2 },
          ],
          trend: "rising",
        },
        representatives: [ids.order as string, ids.xss as string],
        created_at: "2026-12-01T00:00:00.000Z",
        updated_at: "2026-12-01T00:00:00.000Z",
        build_id: "build_1",
      },
    ],
    [
      { cluster_id: "clu_orders", failure_id: ids.order as string, similarity: 0.9 },
      { cluster_id: "clu_orders", failure_id: ids.xss as string, similarity: 0.8 },
    ],
    [ids.order as string, ids.xss as string],
  );
  app = createWebApp({
    store,
    readToken: READ,
    writeToken: WRITE,
    project: { config: defaultConfig(), dir, loaded: undefined },
  });
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("failures pages", () => {
  it("lists ranked failures with evidence and a cluster link, filtered by the query string", async () => {
    const cookie = await signIn(READ);
    const all = await get("/failures", cookie);
    expect(all.status).toBe(200);
    expect(all.text).toContain("the user corrected the refund window");
    expect(all.text).toContain(`href="/clusters/clu_orders"`);
    expect(all.text).toContain(`href="/failures/${ids.order}"`);
    const typed = await get("/failures?type=user_correction", cookie);
    expect(typed.text).toContain("the user corrected the refund window");
    expect(typed.text).not.toContain("wrong order status given");
    const searched = await get("/failures?q=wrong+order", cookie);
    expect(searched.text).toContain("wrong order status given");
    expect(searched.text).not.toContain("refund window");
    const bad = await get("/failures?type=nonsense", cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/role="alert">Filter not applied: type must be one of/);
  });

  it("escapes HTML from a failure's output", async () => {
    const cookie = await signIn(READ);
    const page = await get(`/failures/${ids.xss}`, cookie);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("<script>alert(1)</script>");
    expect(page.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("records a triage as the CLI does, and refuses a read session and a form without CSRF", async () => {
    const reader = await signIn(READ);
    const readPage = await get(`/failures/${ids.refund}`, reader);
    expect(readPage.text).toContain("Triage needs the write token");
    const denied = await post(`/failures/${ids.refund}/triage`, reader, {
      _csrf: "x",
      status: "dismissed",
      by: "mallory",
    });
    expect(denied.status).toBe(403);

    const writer = await signIn(WRITE);
    const noCsrf = await post(`/failures/${ids.refund}/triage`, writer, {
      status: "dismissed",
      by: "ana",
    });
    expect(noCsrf.status).toBe(403);
    expect(await store.failures.history(ids.refund as string)).toEqual([]);

    const csrf = csrfOf((await get(`/failures/${ids.refund}`, writer)).text);
    const ok = await post(`/failures/${ids.refund}/triage`, writer, {
      _csrf: csrf,
      expected: "new",
      status: "dismissed",
      by: "ana",
      note: "expected behaviour: refunds do take long",
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/failures/${ids.refund}`);
    const history = await store.failures.history(ids.refund as string);
    expect(history).toMatchObject([
      { status: "dismissed", by: "ana", note: "expected behaviour: refunds do take long" },
    ]);
    expect((await store.failures.get(ids.refund as string))?.status).toBe("dismissed");
    const shown = await get(`/failures/${ids.refund}`, writer);
    expect(shown.text).toContain("expected behaviour: refunds do take long");

    // A second form loaded before the first triage is stale.
    const again = await post(`/failures/${ids.refund}/triage`, writer, {
      _csrf: csrf,
      expected: "new",
      status: "accepted",
      by: "bo",
    });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(/role="alert">Not recorded: someone set this failure to dismissed/);
    expect(await store.failures.history(ids.refund as string)).toHaveLength(1);
  });
});

describe("clusters pages", () => {
  it("lists the latest build's clusters with a sparkline, severity mix and track", async () => {
    const cookie = await signIn(READ);
    const list = await get("/clusters", cookie);
    expect(list.status).toBe(200);
    expect(list.text).toContain("order · status · lookup");
    expect(list.text).toContain("<svg");
    expect(list.text).toContain("2026-11-30: 2");
    // Zero members the first day (bottom), two the second (top).
    expect(list.text).toContain('points="0.0,22.0 120.0,2.0"');
    expect(list.text).toContain("critical 1, high 1");
    expect(list.text).toContain("lookup_order 2");
    expect(list.text).toMatch(/(prompt|code|rag|finetune)[^<]*\(confidence \d/);
    expect((await get("/clusters?agent=Nobody", cookie)).text).toContain(
      "No cluster matches these filters.",
    );
  });

  it("lists the largest open clusters on the overview, and draws the chart a link asks for", async () => {
    const cookie = await signIn(READ);
    const overview = await get("/?chart=score", cookie);
    expect(overview.status).toBe(200);
    expect(overview.text).toMatch(/<h2>Largest open clusters<\/h2><table>/);
    expect(overview.text).toContain('href="/clusters/clu_orders">order · status · lookup</a>');
    expect(overview.text).toContain('<strong aria-current="true">Score</strong>');
    // An unknown chart falls back to the pass rate.
    expect((await get("/?chart=nonsense", cookie)).text).toContain(
      '<strong aria-current="true">Pass rate</strong>',
    );
  });

  it("shows a cluster's members linked to their failures, and attributes the trace member", async () => {
    const cookie = await signIn(READ);
    const page = await get("/clusters/clu_orders", cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="/failures/${ids.order}"`);
    expect(page.text).toContain(`href="/failures/${ids.xss}"`);
    // The Who&When sample labels OrderLookup at step 3; the heuristic finds the same.
    expect(page.text).toContain("agent <strong>OrderLookup</strong>, step 3");
    expect(page.text).toContain("not a stored trace");
    expect((await get("/clusters/clu_nothing", cookie)).status).toBe(404);
  });
});

describe("review queue", () => {
  it("shows each draft beside its failure, approves it into the suite once, then 409", async () => {
    const draft = await draftFrom(ids.order as string);
    const writer = await signIn(WRITE);
    const queue = await get("/review", writer);
    expect(queue.status).toBe(200);
    expect(queue.text).toContain(`href="/review/${draft}"`);
    expect(queue.text).toContain("wrong order status given");
    expect(queue.text).toContain("1 pending draft, oldest first.");
    const csrf = csrfOf(queue.text);
    const seen = new RegExp(
      `action="/review/${draft}/approve"[^]*?name="seen" value="([0-9a-f]+)"`,
    ).exec(queue.text)?.[1];
    expect(seen).toBeDefined();

    const outside = await post(`/review/${draft}/approve`, writer, {
      _csrf: csrf,
      seen: seen as string,
      owner: "support",
      severity: "blocking",
      suite: "../elsewhere.yaml",
      by: "ana",
    });
    expect(outside.status).toBe(400);
    expect(outside.text).toContain("must stay inside the project folder");

    const fields = {
      _csrf: csrf,
      seen: seen as string,
      owner: "support",
      severity: "blocking",
      suite: "suites/regressions.yaml",
      by: "ana",
    };
    const ok = await post(`/review/${draft}/approve`, writer, fields);
    expect(ok.status).toBe(303);
    expect(ok.location).toMatch(/^\/review\?approved=[^&]+$/);
    const text = await readFile(join(dir, "suites", "regressions.yaml"), "utf8");
    expect(text).toContain(`approved by ana at `);
    expect(text).toContain(`from draft ${draft}`);
    const suite = parse(text) as { cases: Array<Record<string, unknown>> };
    expect(suite.cases).toHaveLength(1);
    expect(suite.cases[0]).toMatchObject({ owner: "support", severity: "blocking" });
    const stored = await store.evalDrafts.get(draft);
    expect(stored).toMatchObject({ status: "approved", reviewer: "ana" });

    const after = await get("/review?approved=reg-1&merged=1", writer);
    expect(after.text).toContain("Approved reg-1; its suite file had changed since the draft");
    expect(after.text).not.toContain('name="force"');

    const twice = await post(`/review/${draft}/approve`, writer, fields);
    expect(twice.status).toBe(409);
    expect(twice.text).toMatch(/role="alert">Not approved: this draft was already approved by ana/);
    expect(await readFile(join(dir, "suites", "regressions.yaml"), "utf8")).toBe(text);
  });

  it("rejects with the reason recorded; a read session cannot, a second reject is a 409", async () => {
    const draft = await draftFrom(ids.refund as string);
    const reader = await signIn(READ);
    expect((await get("/review", reader)).text).toContain(
      "Approving, editing and rejecting need the write token",
    );
    expect(
      (await post(`/review/${draft}/reject`, reader, { _csrf: "x", reason: "no", by: "m" })).status,
    ).toBe(403);
    const writer = await signIn(WRITE);
    expect((await post(`/review/${draft}/reject`, writer, { reason: "no", by: "m" })).status).toBe(
      403,
    );
    const csrf = csrfOf((await get(`/review/${draft}`, writer)).text);
    const empty = await post(`/review/${draft}/reject`, writer, {
      _csrf: csrf,
      reason: " ",
      by: "bo",
    });
    expect(empty.status).toBe(400);
    expect((await store.evalDrafts.get(draft))?.status).toBe("draft");
    const ok = await post(`/review/${draft}/reject`, writer, {
      _csrf: csrf,
      reason: "refund windows are policy, not a bug",
      by: "bo",
    });
    expect(ok.status).toBe(303);
    expect(await store.evalDrafts.get(draft)).toMatchObject({
      status: "rejected",
      reason: "refund windows are policy, not a bug",
      reviewer: "bo",
    });
    const rejected = await get("/review?status=rejected", writer);
    expect(rejected.text).toContain("refund windows are policy, not a bug");
    const again = await post(`/review/${draft}/reject`, writer, {
      _csrf: csrf,
      reason: "again",
      by: "cy",
    });
    expect(again.status).toBe(409);
    expect((await store.evalDrafts.get(draft))?.reason).toBe(
      "refund windows are policy, not a bug",
    );
  });

  it("saves a valid edit, shows the error of a bad one and keeps the draft", async () => {
    const draft = await draftFrom(ids.xss as string);
    const writer = await signIn(WRITE);
    const page = await get(`/review/${draft}`, writer);
    const csrf = csrfOf(page.text);
    const before = await store.evalDrafts.get(draft);
    const bad = await post(`/review/${draft}/edit`, writer, {
      _csrf: csrf,
      case: "id: x\ninput: hi\nassertions: [{type: no_such_grader}]\nseverity: warning\n",
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/role="alert">Edit not saved: /);
    expect(bad.text).toContain("no_such_grader");
    expect((await store.evalDrafts.get(draft))?.case).toEqual(before?.case);
    const unparsable = await post(`/review/${draft}/edit`, writer, { _csrf: csrf, case: "id: [" });
    expect(unparsable.status).toBe(400);
    expect(unparsable.text).toContain("does not parse as YAML or JSON");

    const edited = { ...(before?.case as Record<string, unknown>), tags: ["edited-in-ui"] };
    const ok = await post(`/review/${draft}/edit`, writer, {
      _csrf: csrf,
      case: JSON.stringify(edited),
    });
    expect(ok.status).toBe(303);
    expect((await store.evalDrafts.get(draft))?.case).toMatchObject({ tags: ["edited-in-ui"] });
    // An approval from the page loaded before the edit would write a case its reviewer never saw.
    const seen = /name="seen" value="([0-9a-f]+)"/.exec(page.text)?.[1] as string;
    const stale = await post(`/review/${draft}/approve`, writer, {
      _csrf: csrf,
      seen,
      owner: "support",
      severity: "warning",
      suite: "suites/other.yaml",
      by: "ana",
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("the case was edited since you loaded the page");
    expect((await store.evalDrafts.get(draft))?.status).toBe("draft");
  });
});

describe("empty store", () => {
  it("each page says what to run first", async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), "ratchet-web-empty-"));
    const blank = await openSqliteStore(join(emptyDir, "s.db"));
    try {
      const web = createWebApp({ store: blank, readToken: READ, writeToken: WRITE });
      const headers = { authorization: `Bearer ${READ}` };
      const text = async (path: string) => (await web.request(path, { headers })).text();
      expect(await text("/failures")).toContain("No failures yet. Run <code>npx ratchet ingest");
      expect(await text("/clusters")).toContain("No clusters yet. Run <code>");
      expect(await text("/review")).toContain(
        "No eval drafts yet. Run <code>npx ratchet evals draft",
      );
    } finally {
      await blank.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it("pages failures 50 at a time, in rank order, keeping the filters", async () => {
    const manyDir = await mkdtemp(join(tmpdir(), "ratchet-web-many-"));
    const many = await openSqliteStore(join(manyDir, "s.db"));
    try {
      await many.failures.recordMany(
        Array.from({ length: 55 }, (_, i) =>
          failure({ trace_id: `t${i}`, base_score: 1 + i / 100, reason: `reason number ${i}` }),
        ),
      );
      const web = createWebApp({ store: many, readToken: READ, writeToken: WRITE });
      const headers = { authorization: `Bearer ${READ}` };
      const first = await (await web.request("/failures?type=hard_error", { headers })).text();
      expect(first.match(/<tr><td class="num">/g)).toHaveLength(50);
      expect(first).toContain("reason number 54");
      expect(first).not.toContain("reason number 4<");
      expect(first).toContain('href="/failures?type=hard_error&amp;page=1"');
      const second = await (
        await web.request("/failures?type=hard_error&page=1", { headers })
      ).text();
      expect(second.match(/<tr><td class="num">/g)).toHaveLength(5);
      expect(second).toContain("reason number 0<");
      expect(second).toContain("page 2 of 2 · 55 in all");
    } finally {
      await many.close();
      await rm(manyDir, { recursive: true, force: true });
    }
  });
});
