import { html } from "hono/html";
import type { Run } from "../../core/index.js";
import { type Flip, pairRuns, type RunComparison } from "../../report/index.js";
import type { PairedDimensionResult } from "../../stats/index.js";
import type { Store } from "../../store/index.js";
import { num, shortVersion, when } from "../format.js";
import { empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";

const TESTS = ["t", "wilcoxon", "mcnemar"] as const;
type TestName = (typeof TESTS)[number];
/** Flips listed per side; the rest are counted. */
const FLIPS_SHOWN = 100;
/** Bootstrap seed: the CLI's default, so the page and `runs compare` print the same numbers. */
const SEED = 1;
/**
 * Pairs up to which the page draws the CLI's BCa bootstrap (10,000 resamples) and so prints
 * the CLI's numbers. Above it the bootstrap of eight dimensions costs seconds on a first view,
 * while the paired t interval (R's t.test) agrees with it at that size and costs nothing; the
 * table's header says which one it shows.
 */
const BOOTSTRAP_PAIRS = 2_000;
const intervalFor = (pairs: number) => (pairs <= BOOTSTRAP_PAIRS ? "bca" : "t");

/**
 * A finished run does not change (a resumed one gets a new end and count, which the key holds),
 * so its comparison is kept: a shared link is opened more than once. A running run is never
 * cached; each store (each dashboard) keeps its own.
 */
const caches = new WeakMap<Store, Map<string, RunComparison>>();
const CACHE_SIZE = 32;

async function compared(ctx: PageContext, a: Run, b: Run, test: TestName) {
  let cache = caches.get(ctx.store);
  if (cache === undefined) {
    cache = new Map();
    caches.set(ctx.store, cache);
  }
  // A resumed run gets more attempts and a new end: both are in the key.
  const version = (r: Run) => `${r.id}:${r.finished_at ?? ""}:${r.totals?.attempts ?? ""}`;
  const key = `${version(a)}|${version(b)}|${test}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = await pairRuns(a, b, (id) => ctx.store.web.pairable(id), {
    test,
    seed: SEED,
    intervalFor,
  });
  if (a.status !== "running" && b.status !== "running") {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, result);
  }
  return result;
}

/**
 * Two runs compared paired, as `ratchet runs compare` does: the pass/fail flips with both
 * attempts linked, and per dimension the means, the delta with its bootstrap interval, the
 * paired test's p-value and the Holm-adjusted one. `?a=&b=` take run ids or `latest`,
 * `latest~1`; `?run=x&run=y` is what the runs list's checkboxes send.
 */
export async function comparePage(
  ctx: PageContext,
  url: URL,
): Promise<{ body: Html; status: 200 | 400 | 404 }> {
  const picked = url.searchParams.getAll("run").filter((r) => r !== "");
  const refA = url.searchParams.get("a")?.trim() || picked[0];
  const refB = url.searchParams.get("b")?.trim() || picked[1];
  const testParam = url.searchParams.get("test") ?? "t";
  const render = (body: Html, status: 200 | 400 | 404 = 200) => ({
    body: page(ctx, { title: "Compare runs", path: "/runs", body }),
    status,
  });
  if (!TESTS.includes(testParam as TestName)) {
    return render(
      html`<p class="empty fail" role="alert">The test must be t, wilcoxon or mcnemar, not “${testParam}”.</p>`,
      400,
    );
  }
  const test = testParam as TestName;
  if (refA === undefined || refB === undefined) {
    const { total } = ctx.store.web.runs({ limit: 1, offset: 0 });
    if (total < 2)
      return render(empty("Comparing needs two runs of one suite.", "npx ratchet eval"));
    return render(
      html`${picked.length === 1 ? html`<p class="empty fail" role="alert">Pick two runs to compare; one was picked.</p>` : ""}${pickForm(undefined, undefined, test)}`,
      picked.length === 1 ? 400 : 200,
    );
  }
  let [a, b] = await Promise.all([resolve(ctx, refA), resolve(ctx, refB)]);
  // Ticked in the runs list (newest first): the older run is the baseline.
  if (!url.searchParams.has("a") && a && b && a.started_at > b.started_at) [a, b] = [b, a];
  if (a === undefined || b === undefined) {
    const missing = a === undefined ? refA : refB;
    return render(
      html`<p class="empty fail" role="alert">No run matches “${missing}”. <a href="/runs">Runs</a></p>${pickForm(refA, refB, test)}`,
      404,
    );
  }
  const result = await compared(ctx, a, b, test);
  return render(html`${pickForm(a.id, b.id, test)}${comparison(a, b, result, test)}`);
}

async function resolve(ctx: PageContext, ref: string): Promise<Run | undefined> {
  const id = await ctx.store.resolveRunId(ref);
  return id === undefined ? undefined : ctx.store.getRun(id);
}

function pickForm(a: string | undefined, b: string | undefined, test: TestName): Html {
  return html`<form class="filters" method="get" action="/compare">
<label>Run a (baseline)<input name="a" value="${a ?? ""}" placeholder="latest~1" required></label>
<label>Run b (candidate)<input name="b" value="${b ?? ""}" placeholder="latest" required></label>
<label>Test<select name="test">${TESTS.map((t) => html`<option ${t === test ? "selected" : ""}>${t}</option>`)}</select></label>
<button>Compare</button></form>`;
}

function runLine(label: string, run: Run): Html {
  return html`<span class="muted">${label}</span><span><a href="/runs/${run.id}">${run.id}</a> · ${run.suite} · ${shortVersion(run.prompt_version)} · ${run.models.join(", ")} · ${when(run.started_at)}${run.status === "running" ? " · still running" : ""}</span>`;
}

function comparison(a: Run, b: Run, compared: RunComparison, test: TestName): Html {
  const { pairing } = compared;
  const head = html`<div class="kv">${runLine("a", a)}${runLine("b", b)}
<span class="muted">Paired by</span><span>${pairing.mode}: ${pairing.pairs} pairs${
    pairing.onlyInA + pairing.onlyInB > 0
      ? `; ${pairing.onlyInA} only in a and ${pairing.onlyInB} only in b left out (no partner)`
      : "; none left out"
  }</span></div>`;
  if ("error" in compared) {
    return html`${head}<p class="empty fail" role="alert">${compared.error}</p>`;
  }
  const { result } = compared;
  const overall = result.dimensions.find((d) => d.dimension === "overall");
  const m = overall?.mcnemar;
  const flipsLine = m
    ? html`<p>Pass/fail flips: <strong class="pass">${m.b01} fixed</strong> (fail → pass), <strong class="fail">${m.b10} regressed</strong> (pass → fail); McNemar exact p = ${num(m.pValue)}${test === "mcnemar" ? " — the test you chose for pass/fail" : ""}.</p>`
    : "";
  const table = html`<h2>Per dimension</h2><table><thead><tr><th>Dimension</th><th class="num">a</th><th class="num">b</th>
<th class="num">Delta (b − a)</th><th>95% interval (${overall?.ci.method === "t" ? `paired t; over ${BOOTSTRAP_PAIRS.toLocaleString("en-US")} pairs, \`ratchet runs compare\` prints the BCa bootstrap` : `bca, ${(overall?.ci.resamples ?? 0).toLocaleString("en-US")} resamples`})</th><th>Test</th><th class="num">p</th><th class="num">p (Holm)</th><th>Verdict</th></tr></thead><tbody>
${result.dimensions.map(dimensionRow)}</tbody></table><p>${result.summary}</p>`;
  return html`${head}${flipsLine}${table}${flipList("Regressed", "fail", pairing.flips.regressed)}${flipList("Fixed", "pass", pairing.flips.fixed)}`;
}

function dimensionRow(d: PairedDimensionResult): Html {
  const verdict =
    d.verdict === "b_better"
      ? html`<span class="pass">b better</span>`
      : d.verdict === "a_better"
        ? html`<span class="fail">a better</span>`
        : html`<span class="muted">no difference${d.moreCases ? ` (~${d.moreCases} more cases)` : ""}</span>`;
  const delta = d.delta > 0 ? `+${num(d.delta, 4)}` : num(d.delta, 4);
  return html`<tr><td>${d.dimension}${d.higherIsBetter ? "" : html` <span class="muted">(lower is better)</span>`}</td>
<td class="num">${num(d.meanA, 4)}</td><td class="num">${num(d.meanB, 4)}</td><td class="num">${delta}</td>
<td>[${num(d.ci.lower, 4)}, ${num(d.ci.upper, 4)}]</td><td>${d.test.name.replaceAll("_", " ")}</td>
<td class="num">${num(d.test.pValue, 3)}</td><td class="num">${num(d.pAdjusted, 3)}</td><td>${verdict}</td></tr>`;
}

function flipList(title: string, cls: string, flips: Flip[]): Html {
  if (flips.length === 0) return html``;
  return html`<h2 class="${cls}">${title} (${flips.length})</h2><table><thead><tr><th>Case#epoch</th><th>Attempt in a</th><th>Attempt in b</th></tr></thead><tbody>
${flips.slice(0, FLIPS_SHOWN).map((f) => html`<tr><td>${f.key}</td><td><a href="/attempts/${f.attemptA}">${f.attemptA}</a></td><td><a href="/attempts/${f.attemptB}">${f.attemptB}</a></td></tr>`)}
</tbody></table>${flips.length > FLIPS_SHOWN ? html`<p class="muted">and ${flips.length - FLIPS_SHOWN} more (<code>ratchet runs compare --format json</code> lists them all)</p>` : ""}`;
}
