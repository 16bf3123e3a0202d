import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareRuns } from "../cli/commands/compare.js";
import type { Run } from "../core/index.js";
import { addPrompt, labelPrompt } from "../prompts/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { sampleAttempt, sampleRun } from "../store/test-support/samples.js";
import { createWebApp } from "./index.js";

const READ = "read-token-0123456789abcdef";
const WRITE = "write-token-0123456789abcdef";
let store: Store;
let app: ReturnType<typeof createWebApp>;
let v1: string;
let v2: string;

async function signIn(token: string): Promise<string> {
  const res = await app.request(`/login?token=${token}`);
  expect(res.status).toBe(303);
  const cookie = res.headers.get("set-cookie") ?? "";
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(";")[0] as string;
}

async function get(path: string, cookie: string) {
  const res = await app.request(path, { headers: { cookie } });
  return { status: res.status, text: await res.text() };
}

const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1];

beforeAll(async () => {
  store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), "ratchet-web-")), "r.db"));
  await store.createRun(sampleRun({ id: "run_web_1", status: "completed" }));
  for (let i = 0; i < 120; i++) {
    const base = sampleAttempt("run_web_1", `case-${String(i).padStart(3, "0")}`, 0, undefined, i);
    await store.saveAttempt({
      ...base,
      id: `att_web_${i}`,
      status: i % 10 === 0 ? "failed" : "passed",
      overall: i % 10 === 0 ? 0.2 : 0.9,
      output: i === 0 ? "<script>alert('x')</script> the order shipped" : "the order shipped",
    });
  }
  v1 = (
    await addPrompt(store, { name: "support", content: "A.", author: "ann", label: "production" })
  ).version.hash;
  v2 = (await addPrompt(store, { name: "support", content: "B.", author: "ann" })).version.hash;
  await labelPrompt(store, "support", v2, "production", { actor: "ann" });
  app = createWebApp({ store, readToken: READ, writeToken: WRITE });
});

afterAll(async () => {
  await store.close();
});

describe("dashboard", () => {
  it("asks for a token, refuses a wrong one, and never puts a token in the page", async () => {
    const anonymous = await app.request("/runs");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toMatch(/Paste the read or write token/);
    expect((await app.request("/login?token=nope")).status).toBe(401);
    const cookie = await signIn(WRITE);
    const page = await get("/runs", cookie);
    expect(page.text).not.toContain(WRITE);
    expect(page.text).not.toContain(READ);
  });

  it("lists runs and pages a run's attempts, failures first, escaping their text", async () => {
    const cookie = await signIn(READ);
    const runs = await get("/runs", cookie);
    expect(runs.text).toContain('href="/runs/run_web_1"');
    const first = await get("/runs/run_web_1", cookie);
    expect(first.status).toBe(200);
    // 12 failing of 120: all on the first page of 50, before any passing one.
    const cases = [...first.text.matchAll(/href="\/attempts\/[^"]+">(case-\d+)</g)].map(
      (m) => m[1],
    );
    expect(cases).toHaveLength(50);
    expect(cases.slice(0, 12)).toEqual(
      Array.from({ length: 12 }, (_, i) => `case-${String(i * 10).padStart(3, "0")}`),
    );
    expect(first.text).toContain("page 1 of 3");
    expect(first.text).not.toContain("<script>alert('x')</script>");
    expect(first.text).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    const third = await get("/runs/run_web_1?page=2", cookie);
    expect([...third.text.matchAll(/href="\/attempts\//g)]).toHaveLength(20);
    const failing = await get("/runs/run_web_1?status=failing&q=case-01", cookie);
    expect(
      [...failing.text.matchAll(/href="\/attempts\/[^"]+">(case-\d+)</g)].map((m) => m[1]),
    ).toEqual(["case-010"]);
    const attempt = await get("/attempts/att_web_10", cookie);
    expect(attempt.text).toContain("case-010");
    expect((await get("/attempts/nosuch", cookie)).status).toBe(404);
  });

  it("leaves drafts' confirmation runs out of the run lists unless asked for", async () => {
    await store.createRun(
      sampleRun({ id: "run_web_confirm", status: "completed", purpose: "confirmation" }),
    );
    const cookie = await signIn(READ);
    for (const path of ["/runs", "/"]) {
      const page = await get(path, cookie);
      expect(page.text).toContain('href="/runs/run_web_1"');
      expect(page.text).not.toContain("run_web_confirm");
    }
    for (const purpose of ["all", "confirmation"]) {
      const page = await get(`/runs?purpose=${purpose}`, cookie);
      expect(page.text).toContain('href="/runs/run_web_confirm"');
      expect(page.text).toContain(`<option selected>${purpose}</option>`);
    }
    const evaluation = await get("/runs?purpose=evaluation", cookie);
    expect(evaluation.text).not.toContain("run_web_confirm");
    // Its own page still opens.
    expect((await get("/runs/run_web_confirm", cookie)).status).toBe(200);
  });

  it("rolls a label back only for a write session, from our page, with a fresh view", async () => {
    const reader = await signIn(READ);
    const readPage = await get("/prompts/support", reader);
    expect(readPage.text).not.toContain("roll back to");
    const refused = await app.request("/prompts/support/rollback", {
      method: "POST",
      headers: {
        cookie: reader,
        origin: "http://localhost",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        label: "production",
        expected: v2,
        _csrf: csrfOf(readPage.text) ?? "",
      }),
    });
    expect(refused.status).toBe(403);

    const writer = await signIn(WRITE);
    const confirm = await get("/prompts/support/rollback?label=production", writer);
    expect(confirm.text).toContain(`back to <code>${v1.slice(0, 12)}</code>`);
    const csrf = csrfOf(confirm.text) as string;
    const post = (form: Record<string, string>, origin = "http://localhost") =>
      app.request("/prompts/support/rollback", {
        method: "POST",
        headers: { cookie: writer, origin, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form),
      });
    expect((await post({ label: "production", expected: v2 })).status).toBe(403);
    expect(
      (await post({ label: "production", expected: v2, _csrf: csrf }, "http://evil.test")).status,
    ).toBe(403);
    // Someone else moved the label since the page was loaded: a conflict, nothing moved.
    const stale = await post({ label: "production", expected: v1, _csrf: csrf });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toMatch(/someone moved support@production/);
    expect((await store.prompts.listLabels("support"))[0]?.hash).toBe(v2);

    const done = await post({
      label: "production",
      expected: v2,
      reason: "complaints",
      _csrf: csrf,
    });
    expect(done.status).toBe(303);
    const labels = await store.prompts.listLabels("support");
    expect(labels.find((l) => l.label === "production")?.hash).toBe(v1);
    const last = (await store.prompts.labelHistory("support", "production")).at(-1);
    expect(last).toMatchObject({ kind: "rollback", actor: "dashboard", reason: "complaints" });
  });

  it("compares two runs paired, as `runs compare` does, with every flip linked", async () => {
    await store.createRun(
      sampleRun({ id: "run_web_2", status: "completed", started_at: "2025-01-03T00:00:00.000Z" }),
    );
    for (let i = 0; i < 120; i++) {
      const base = sampleAttempt(
        "run_web_2",
        `case-${String(i).padStart(3, "0")}`,
        0,
        undefined,
        i,
      );
      // Run 1 failed i % 10 == 0; run 2 fails i % 10 == 5 instead: 12 fixed, 12 regressed.
      const failed = i % 10 === 5;
      await store.saveAttempt({
        ...base,
        id: `att_web2_${i}`,
        status: failed ? "failed" : "passed",
        overall: failed ? 0.2 : 0.9,
      });
    }
    const cookie = await signIn(READ);
    // Ticked in the runs list, newest first: the older run still becomes a.
    const page = await get("/compare?run=run_web_2&run=run_web_1", cookie);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<strong class="pass">12 fixed<\/strong>/);
    expect(page.text).toMatch(/<strong class="fail">12 regressed<\/strong>/);
    // Exact McNemar with 12 discordant pairs each way is p = 1.
    expect(page.text).toContain("McNemar exact p = 1.");
    expect(page.text).toContain('href="/attempts/att_web_5"');
    expect(page.text).toContain('href="/attempts/att_web2_5"');
    expect(page.text).toContain('href="/attempts/att_web_0"');
    // The table carries the same numbers as the CLI's JSON for the same two runs.
    const cli = JSON.parse(
      await compareRuns(
        store,
        (await store.getRun("run_web_1")) as Run,
        (await store.getRun("run_web_2")) as Run,
        { test: "t", format: "json", seed: 1 },
      ),
    ) as { dimensions: Array<{ dimension: string; test: { pValue: number } }> };
    const rows = [...page.text.matchAll(/<tr><td>([a-z_]+)(?: <span[^<]*<\/span>)?<\/td>/g)].map(
      (m) => m[1],
    );
    expect(rows).toEqual(cli.dimensions.map((d) => d.dimension));

    const runPage = await get("/runs/run_web_2", cookie);
    expect(runPage.text).toContain('href="/compare?a=run_web_1&amp;b=run_web_2"');
    expect((await get("/compare?a=run_web_1&b=run_nosuch", cookie)).status).toBe(404);
    expect((await get("/compare?a=run_web_1&b=run_web_2&test=anova", cookie)).status).toBe(400);
    expect((await get("/compare?run=run_web_1", cookie)).status).toBe(400);
  });

  it("shows a run's breakdown, and a running run's progress as JSON for its live line", async () => {
    await store.createRun(sampleRun({ id: "run_web_live", status: "running" }));
    for (let i = 0; i < 3; i++) {
      await store.saveAttempt({
        ...sampleAttempt("run_web_live", `case-${i}`, 0, undefined, i),
        id: `att_live_${i}`,
        status: i === 0 ? "failed" : "passed",
        severity: i === 0 ? "blocking" : "warning",
      });
    }
    const bearer = { headers: { authorization: `Bearer ${READ}` } };
    const res = await app.request("/api/runs/run_web_live/progress", bearer);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      id: "run_web_live",
      status: "running",
      attempts: 3,
      passed: 2,
      failed: 1,
      errors: 0,
    });
    expect((await app.request("/api/runs/run_nosuch/progress", bearer)).status).toBe(404);
    const page = await (await app.request("/runs/run_web_live", bearer)).text();
    expect(page).toContain("3 attempts so far (2 passed, 1 failed, 0 errors)");
    expect(page).toMatch(
      /<td>severity<\/td><td>blocking<\/td><td class="num">1<\/td><td class="num">0\.0%<\/td>/,
    );
    expect(page).toMatch(
      /<td>severity<\/td><td>warning<\/td><td class="num">2<\/td><td class="num">100\.0%<\/td>/,
    );
  });

  it("answers API callers with a bearer token and no cookie", async () => {
    const res = await app.request("/runs", { headers: { authorization: `Bearer ${READ}` } });
    expect(res.status).toBe(200);
    const denied = await app.request("/api/anything", {
      headers: { authorization: "Bearer wrong" },
    });
    expect(denied.status).toBe(401);
  });

  it("sends headers that keep the pages out of frames and scripts off other origins", async () => {
    const res = await app.request("/", { headers: { authorization: `Bearer ${READ}` } });
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
  });
});
