/**
 * Screenshots of the dashboard's main pages on the offline demo's store, for the docs:
 * `npx tsx scripts/ui-screenshots.ts` (Debian's Chromium, or RATCHET_CHROMIUM) writes
 * docs/screenshots/{overview,runs,run,attempt,compare,clusters,review,prompt,gate,cycle,canaries,cost}.png.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM, hasChromium, pairedRuns, startDemoDashboard } from "../test/ui-harness.js";

const OUT = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));

if (!hasChromium()) {
  console.error(`ui-screenshots: no browser at ${CHROMIUM} (apt-get install chromium)`);
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });
const dash = await startDemoDashboard();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${dash.url}/login?token=${dash.writeToken}`);
  await page.waitForURL(`${dash.url}/`);
  // The run with the most failures, and its lowest-scoring attempt.
  const runs = dash.store.web.runs({ limit: 50, offset: 0 }).rows;
  const failing = runs
    .map((r) => ({ run: r, n: r.totals?.failed ?? 0 }))
    .sort((a, b) => b.n - a.n)[0]?.run;
  if (failing === undefined) throw new Error("the demo made no runs");
  const attempt = dash.store.web.attempts({ runId: failing.id, limit: 1, offset: 0 }).rows[0];
  if (attempt === undefined) throw new Error(`run ${failing.id} has no attempts`);
  const prompt = (await dash.store.prompts.listNames())[0] ?? "";
  const [decision] = await dash.store.gate.listDecisions({ limit: 1 });
  const cycle = dash.store.web.cycleOfDecision(decision?.id ?? "");
  const pair = pairedRuns(dash.store);
  const shots: Array<[string, string]> = [
    ["overview", "/"],
    ["runs", "/runs"],
    ["run", `/runs/${failing.id}`],
    ["attempt", `/attempts/${attempt.id}`],
    ...(pair
      ? [["compare", `/compare?a=${pair.older.id}&b=${pair.newer.id}`] as [string, string]]
      : []),
    ["clusters", "/clusters"],
    ["review", "/review"],
    ["prompt", `/prompts/${encodeURIComponent(prompt)}`],
    ...(decision ? [["gate", `/gate/${decision.id}`] as [string, string]] : []),
    ...(cycle ? [["cycle", `/cycles/${cycle}`] as [string, string]] : []),
    ["canaries", "/canaries"],
    ["cost", "/cost"],
  ];
  for (const [name, path] of shots) {
    await page.goto(`${dash.url}${path}`);
    await page.locator("main h1").waitFor();
    await page.screenshot({ path: `${OUT}${name}.png`, fullPage: false });
    console.log(`wrote docs/screenshots/${name}.png (${path})`);
  }
} finally {
  await browser.close();
  await dash.close();
}
