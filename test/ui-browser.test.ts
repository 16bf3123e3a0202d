import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultConfig } from "../src/config/index.js";
import { toRecord } from "../src/evalgen/index.js";
import { type CanaryDoc, startCanary, stopCanary } from "../src/live/index.js";
import { sampleAttempt, sampleRun } from "../src/store/test-support/samples.js";
import {
  CHROMIUM,
  type DemoDashboard,
  hasChromium,
  pairedRuns,
  startDemoDashboard,
} from "./ui-harness.js";

// Waits are on selectors and URLs, never on the clock; the limits only catch a hang.
const WAIT = { timeout: 60_000 };
const PROMPT = "support-assistant";

describe.skipIf(!hasChromium())(
  hasChromium()
    ? "the dashboard in Chromium"
    : `the dashboard in Chromium: SKIPPED, no browser at ${CHROMIUM} (apt-get install chromium, or set RATCHET_CHROMIUM)`,
  () => {
    let dash: DemoDashboard;
    let browser: Browser;

    beforeAll(async () => {
      dash = await startDemoDashboard();
      // Root in a container cannot use Chromium's sandbox.
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    });
    afterAll(async () => {
      await browser?.close();
      await dash?.close();
    });

    async function signedIn(token: string): Promise<Page> {
      const context = await browser.newContext();
      context.setDefaultTimeout(WAIT.timeout);
      const page = await context.newPage();
      await page.goto(`${dash.url}/login?token=${token}`);
      await page.waitForURL(`${dash.url}/`, WAIT);
      await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
      return page;
    }

    /** The newest run with a failed attempt, and that attempt, from the store. */
    function failingAttempt(): { runId: string; attemptId: string; reason: string } {
      for (const run of dash.store.web.runs({ limit: 50, offset: 0 }).rows) {
        const [row] = dash.store.web.attempts({
          runId: run.id,
          status: "failed",
          limit: 1,
          offset: 0,
        }).rows;
        if (row === undefined) continue;
        const attempt = dash.store.web.attempt(row.id);
        const failed = attempt?.scores.find((s) => !s.passed && s.reason !== "");
        if (failed) return { runId: run.id, attemptId: row.id, reason: failed.reason };
      }
      throw new Error("the demo store has no failed attempt with grader evidence");
    }

    it("signs in, walks runs → run → failing attempt and shows the grader's evidence", async () => {
      const page = await signedIn(dash.writeToken);
      const target = failingAttempt();
      await page.getByRole("link", { name: "Runs", exact: true }).click();
      await page.waitForURL(`${dash.url}/runs`, WAIT);
      await page.locator(`main a[href="/runs/${target.runId}"]`).click();
      await page.waitForURL(`${dash.url}/runs/${target.runId}`, WAIT);
      await page.locator("select[name=status]").selectOption("failing");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(/status=failing/, WAIT);
      await page.locator(`main a[href="/attempts/${target.attemptId}"]`).click();
      await page.waitForURL(`${dash.url}/attempts/${target.attemptId}`, WAIT);
      await page.getByRole("heading", { name: "Graders" }).waitFor();
      const graders = page.locator("table").first();
      await expect(graders.locator("td", { hasText: target.reason }).count()).resolves.toBe(1);
      await expect(graders.locator("td .fail", { hasText: "no" }).count()).resolves.toBeGreaterThan(
        0,
      );
      await page.context().close();
    });

    it("ticks two runs of one suite in the runs list and reads their paired comparison", async () => {
      const pair = pairedRuns(dash.store);
      if (pair === undefined) throw new Error("the demo store has no two runs sharing a case");
      const { newer, older } = pair;
      const page = await signedIn(dash.readToken);
      await page.goto(`${dash.url}/runs`);
      await page.getByLabel(`compare ${newer.id}`).check();
      await page.getByLabel(`compare ${older.id}`).check();
      await page.getByRole("button", { name: "Compare", exact: true }).click();
      await page.waitForURL(/\/compare\?run=/, WAIT);
      await page.getByRole("heading", { name: "Per dimension", level: 2 }).waitFor();
      const main = (await page.locator("main").textContent()) ?? "";
      // The older run is the baseline, whichever order the boxes were ticked in.
      expect(main).toMatch(new RegExp(`a${older.id}`));
      expect(main).toMatch(new RegExp(`b${newer.id}`));
      expect(main).toMatch(/Pass\/fail flips: \d+ fixed/);
      await page.context().close();
    });

    it("goes to the runs page on `g` then `r`", async () => {
      const page = await signedIn(dash.readToken);
      await page.locator("main").focus();
      await page.keyboard.press("g");
      await page.keyboard.press("r");
      await page.waitForURL(`${dash.url}/runs`, WAIT);
      await page.getByRole("heading", { name: "Runs", level: 1 }).waitFor();
      await page.context().close();
    });

    it("shows a read-only session no rollback and refuses its form", async () => {
      const page = await signedIn(dash.readToken);
      await page.goto(`${dash.url}/prompts/${PROMPT}`);
      await page.getByRole("heading", { name: "Label history" }).waitFor();
      expect(await page.getByRole("link", { name: /roll back/ }).count()).toBe(0);
      const before = await dash.store.prompts.listLabels(PROMPT);
      // The confirmation URL typed by hand: the form is shown, the write is not allowed.
      await page.goto(`${dash.url}/prompts/${PROMPT}/rollback?label=production`);
      await page.getByLabel("Why (recorded)").fill("read-only attempt");
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST", WAIT),
        page.getByRole("button", { name: "Roll back" }).click(),
      ]);
      expect(response.status()).toBe(403);
      await page.getByText("this needs the write token").waitFor();
      expect(await dash.store.prompts.listLabels(PROMPT)).toEqual(before);
      await page.context().close();
    });

    it("refuses a write with a forged or absent CSRF token", async () => {
      const page = await signedIn(dash.writeToken);
      const before = await dash.store.prompts.listLabels(PROMPT);
      for (const tamper of ["forge", "remove"] as const) {
        await page.goto(`${dash.url}/prompts/${PROMPT}/rollback?label=production`);
        await page.getByLabel("Why (recorded)").fill(`csrf ${tamper}`);
        // The page's own script context (this file has no DOM types): tamper with the form.
        await page.evaluate(
          `(() => { const f = document.querySelector("input[name=_csrf]");
            if (f === null) throw new Error("no CSRF field on the form");
            ${tamper === "remove" ? "f.remove();" : 'f.value = "forged-token-forged-token";'} })()`,
        );
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === "POST", WAIT),
          page.getByRole("button", { name: "Roll back" }).click(),
        ]);
        expect(response.status(), tamper).toBe(403);
        await page.getByText("cross-site or stale form").waitFor();
      }
      expect(await dash.store.prompts.listLabels(PROMPT)).toEqual(before);
      await page.context().close();
    });

    it("approves a pending draft from the review queue into a suite file", async () => {
      const [pending] = await dash.store.evalDrafts.list({ status: ["draft"] });
      if (pending === undefined) throw new Error("the harness left no pending draft");
      const draft = toRecord(pending);
      const page = await signedIn(dash.writeToken);
      await page.getByRole("link", { name: "Review queue", exact: true }).click();
      await page.waitForURL(`${dash.url}/review`, WAIT);
      const block = page.locator("section", {
        has: page.locator(`h2 a[href="/review/${encodeURIComponent(draft.id)}"]`),
      });
      // The draft sits beside the failure it came from.
      await block.getByRole("heading", { name: /From failure/ }).waitFor();
      await block.getByLabel("Owner (team)").fill("support-leads");
      await block.locator("select[name=severity]").selectOption("blocking");
      await block.getByLabel("Suite file").fill("suites/browser-approved.yaml");
      await block.getByLabel("Who approves").fill("ana");
      await block.getByRole("button", { name: "Approve" }).click();
      await page.waitForURL(/\/review\?approved=/, WAIT);
      await page.getByRole("status").getByText(`Approved ${draft.case.id}`).waitFor();

      const after = toRecord((await dash.store.evalDrafts.get(draft.id)) ?? pending);
      expect(after).toMatchObject({
        status: "approved",
        reviewer: "ana",
        target_suite: "suites/browser-approved.yaml",
      });
      const suite = parse(
        await readFile(join(dash.project, "suites", "browser-approved.yaml"), "utf8"),
      ) as { cases: Array<{ id: string; owner?: string; severity?: string }> };
      expect(suite.cases.find((c) => c.id === draft.case.id)).toMatchObject({
        owner: "support-leads",
        severity: "blocking",
      });
      await page.context().close();
    });

    it("follows a running run live, says when the connection drops, and reconnects", async () => {
      const runId = "run_browser_live_000001";
      await dash.store.createRun(sampleRun({ id: runId, status: "running" }));
      const save = (i: number) =>
        dash.store.saveAttempt({
          ...sampleAttempt(runId, `live-${i}`, 0, undefined, i),
          id: `att_browser_live_${i}`,
        });
      await save(0);
      const page = await signedIn(dash.readToken);
      const progress = `**/api/runs/${runId}/progress`;
      await page.route(progress, (route) => route.abort("internetdisconnected"));
      await page.goto(`${dash.url}/runs/${runId}`);
      const live = page.getByRole("status");
      await live.getByText("1 attempts so far").waitFor();
      await live.getByText(/Connection lost; reconnecting/).waitFor();
      await save(1);
      await save(2);
      await page.unroute(progress);
      await live.getByText("Reconnected.").waitFor();
      await live.getByText("3 attempts so far").waitFor();
      // A session that ends (cookie gone) is said as such, not retried as a lost connection.
      const cookies = await page.context().cookies();
      await page.context().clearCookies();
      await live.getByText("Signed out").waitFor();
      await page.context().addCookies(cookies);
      await page.reload();
      // The run ends: the page reloads itself into the finished run's view.
      await dash.store.finishRun(
        runId,
        "completed",
        {
          attempts: 3,
          passed: 3,
          failed: 0,
          errors: 0,
          score: 1,
          pass_rate: 1,
          cost_usd: 0,
          input_tokens: 0,
          output_tokens: 0,
          latency_p50_ms: 10,
          latency_p95_ms: 10,
          latency_p99_ms: 10,
          dimension_scores: {},
        },
        new Date().toISOString(),
      );
      await page.locator("main .badge", { hasText: "completed" }).first().waitFor();
      expect(await page.getByRole("status").count()).toBe(0);
      await page.context().close();
    });

    it("keeps a running canary's page through a dropped connection and reloads it after", async () => {
      const production = (await dash.store.prompts.listLabels(PROMPT)).find(
        (l) => l.label === "production",
      );
      const other = (await dash.store.prompts.listVersions(PROMPT)).find(
        (v) => v.hash !== production?.hash,
      );
      if (other === undefined) throw new Error("the demo store has one version only");
      const { id } = await startCanary(dash.store, defaultConfig(), {
        candidate: `${PROMPT}@${other.hash}`,
        actor: "browser-test",
        traffic: 0.1,
        metric: "error_rate",
        guardrails: [],
        force: true,
      });
      const page = await signedIn(dash.readToken);
      await page.goto(`${dash.url}/canaries/${id}`);
      const reloads: string[] = [];
      page.on("load", () => reloads.push(page.url()));
      await page.route(`**/canaries/${id}`, (route) => route.abort("internetdisconnected"));
      await page
        .getByRole("status")
        .getByText(/Connection lost; reconnecting/)
        .waitFor();
      expect(page.url()).toBe(`${dash.url}/canaries/${id}`);
      await page.unroute(`**/canaries/${id}`);
      // The next try finds the server and reloads: the status line is gone with the old page.
      await page.waitForEvent("load", WAIT);
      expect(reloads).toHaveLength(1);
      await page.getByRole("heading", { name: `Canary ${id}`, level: 1 }).waitFor();
      const row = await dash.store.live.getCanary<CanaryDoc>(id);
      if (row) await stopCanary(dash.store, row, { actor: "browser-test", reason: "test over" });
      await page.context().close();
    });

    it("reads a gate decision: the verdict's reasons and the per-dimension table", async () => {
      const page = await signedIn(dash.readToken);
      const [decision] = await dash.store.gate.listDecisions({ limit: 1 });
      if (decision === undefined) throw new Error("the demo store has no gate decision");
      await page.getByRole("link", { name: "Gate", exact: true }).click();
      await page.waitForURL(`${dash.url}/gate`, WAIT);
      await page.locator(`main a[href="/gate/${decision.id}"]`).first().click();
      await page.waitForURL(`${dash.url}/gate/${decision.id}`, WAIT);
      await page.getByRole("heading", { name: "Dimensions", level: 2 }).waitFor();
      const main = (await page.locator("main").textContent()) ?? "";
      expect(main).toContain(decision.verdict);
      for (const reason of decision.reasons.slice(0, 2)) expect(main).toContain(reason);
      await page.context().close();
    });

    it("rolls a label back through the confirmation form and shows it in the history", async () => {
      const history = await dash.store.prompts.labelHistory(PROMPT, "production");
      const current = (await dash.store.prompts.listLabels(PROMPT)).find(
        (l) => l.label === "production",
      );
      const previous = history.at(-1)?.from_hash;
      expect(current?.hash).toBe(history.at(-1)?.to_hash);
      expect(previous).toBeTruthy();

      const page = await signedIn(dash.writeToken);
      await page.getByRole("link", { name: "Prompts", exact: true }).click();
      await page.waitForURL(`${dash.url}/prompts`, WAIT);
      await page.getByRole("link", { name: PROMPT, exact: true }).click();
      await page.waitForURL(`${dash.url}/prompts/${PROMPT}`, WAIT);
      await page.getByRole("link", { name: /roll back to/ }).click();
      await page.waitForURL(/\/rollback\?label=production$/, WAIT);
      await page.getByLabel("Why (recorded)").fill("complaints after the browser test release");
      await page.getByRole("button", { name: "Roll back" }).click();
      await page.waitForURL(`${dash.url}/prompts/${PROMPT}`, WAIT);
      const row = page
        .locator("table")
        .last()
        .locator("tr", { hasText: "complaints after the browser test release" });
      await row.waitFor();
      expect(await row.locator("td").nth(3).textContent()).toBe("rollback");
      const after = (await dash.store.prompts.listLabels(PROMPT)).find(
        (l) => l.label === "production",
      );
      expect(after?.hash).toBe(previous);
      await page.context().close();
    });
  },
);
