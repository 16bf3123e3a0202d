/**
 * bench/live: how fast a canary catches a worse candidate, how often it rolls back an equal
 * one, and how fast it promotes a better one.
 *
 *   npx tsx bench/live/canary.ts [--aa 1000] [--runs 200] [--store-runs 10] [--seed 1]
 *
 * A production stream over virtual time: each request comes from one of 10,000 users, routed
 * by the real key routing (10% to the candidate), and fails (outcome `failure`, a mined failure
 * signal) with its arm's rate; 1% of requests of either arm also error (an error span, which
 * mining counts as a failure too). The decision code is the canary's own
 * (`lookAtCanary`: mSPRT per metric, α split over the primary metric and the guardrail), looked
 * at every 100 requests as `watch` would. The stream is Bernoulli at known rates so that "truly
 * worse by 5 points" is exact; a few runs also go through the store (spans ingested, arms read
 * by SQL, `lookAndAct` acting) to check that path decides exactly as the pure one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { routesToCandidate } from "../../src/client/route.js";
import { defaultConfig } from "../../src/config/index.js";
import { createRng } from "../../src/core/index.js";
import { lookAtCanary, type MetricArms } from "../../src/live/canary/look.js";
import { parseLiveMetric } from "../../src/live/canary/metrics.js";
import { startCanary } from "../../src/live/canary/start.js";
import type { CanaryAction, MetricTestState } from "../../src/live/canary/types.js";
import { requestSpans, traceIdOf } from "../../src/live/traffic.js";
import { watchTick } from "../../src/live/watch/index.js";
import { addPrompt } from "../../src/prompts/index.js";
import { armFromMoments } from "../../src/stats/index.js";
import { openSqliteStore } from "../../src/store/index.js";
import { intFlag, parseFlags } from "../shared/flags.js";

const flags = parseFlags(process.argv.slice(2));
const AA_RUNS = intFlag(flags, "aa", 1000);
const RUNS = intFlag(flags, "runs", 200);
const STORE_RUNS = intFlag(flags, "store-runs", 10);
const SEED = intFlag(flags, "seed", 1);

const config = defaultConfig();
const settings = config.live.canary;
const TRAFFIC = 0.1;
const LOOK_EVERY = 100;
const USERS = 10_000;
const CONTROL_FAILURE = 0.1;
const ERROR_RATE = 0.01;

const failure = parseLiveMetric("failure_rate");
const errors = parseLiveMetric("error_rate");

interface Moments {
  n: number;
  sum: number;
}

interface Outcome {
  action: CanaryAction;
  /** Requests (both arms) when the canary decided, or when it ran out. */
  requests: number;
}

/** One canary over a simulated stream, looked at every LOOK_EVERY requests. */
function simulate(candidateFailure: number, seed: number, canaryId: string): Outcome {
  const rng = createRng(seed);
  const arms = {
    control: { failure: { n: 0, sum: 0 }, error: { n: 0, sum: 0 } },
    candidate: { failure: { n: 0, sum: 0 }, error: { n: 0, sum: 0 } },
  };
  let states: Record<string, MetricTestState> = {};
  let requests = 0;
  // Each user's arm, by the real routing, once per canary (not once per request).
  const routed = Array.from({ length: USERS }, (_, u) =>
    routesToCandidate(canaryId, `user-${u}`, TRAFFIC),
  );
  for (;;) {
    for (let i = 0; i < LOOK_EVERY; i++) {
      const arm = routed[rng.int(USERS)] ? "candidate" : "control";
      const p = arm === "candidate" ? candidateFailure : CONTROL_FAILURE;
      const a = arms[arm];
      const isFailure = rng.next() < p;
      const isError = rng.next() < ERROR_RATE;
      a.failure.n++;
      a.failure.sum += isFailure || isError ? 1 : 0;
      a.error.n++;
      a.error.sum += isError ? 1 : 0;
      requests++;
    }
    // 0/1 values: the sum of squares is the sum.
    const summary = (m: Moments) => armFromMoments(m.n, m.sum, m.sum);
    const looked: MetricArms[] = [
      {
        metric: failure,
        role: "primary",
        control: summary(arms.control.failure),
        candidate: summary(arms.candidate.failure),
      },
      {
        metric: errors,
        role: "guardrail",
        control: summary(arms.control.error),
        candidate: summary(arms.candidate.error),
      },
    ];
    const look = lookAtCanary(looked, states, {
      alpha: settings.alpha,
      effectSize: settings.effect_size,
      minSamples: settings.min_samples,
      maxSamples: settings.max_samples,
    });
    states = look.states;
    if (look.decision.action !== "continue") return { action: look.decision.action, requests };
  }
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  ] as number;
}

function summarize(label: string, outcomes: Outcome[], wanted: CanaryAction): number[] {
  const hits = outcomes.filter((o) => o.action === wanted).map((o) => o.requests);
  hits.sort((a, b) => a - b);
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.action, (counts.get(o.action) ?? 0) + 1);
  console.log(
    `${label}: ${[...counts].map(([k, v]) => `${k} ${v}`).join(", ")} of ${outcomes.length}; requests until ${wanted}: median ${quantile(hits, 0.5)}, p95 ${quantile(hits, 0.95)}`,
  );
  return hits;
}

async function storePath(runs: number): Promise<void> {
  let agree = 0;
  const started = performance.now();
  let ingested = 0;
  for (let r = 0; r < runs; r++) {
    const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-live-"));
    const store = await openSqliteStore(join(dir, "r.db"));
    try {
      const v1 = (
        await addPrompt(store, { name: "support", content: "A.", author: "b", label: "production" })
      ).version.hash;
      const v2 = (await addPrompt(store, { name: "support", content: "B.", author: "b" })).version
        .hash;
      const canary = await startCanary(store, config, {
        candidate: `support@${v2}`,
        traffic: TRAFFIC,
        metric: "failure_rate",
        guardrails: ["error_rate"],
        actor: "bench",
        force: true,
      });
      const pure = simulate(CONTROL_FAILURE + 0.05, SEED * 7919 + r, canary.id);
      // Replay the very same stream into the store: failures as mined signals, errors as
      // error spans; look every LOOK_EVERY requests through lookAndAct.
      const rng = createRng(SEED * 7919 + r);
      let requests = 0;
      let acted: string = "continue";
      while (acted === "continue" || acted === "none") {
        const spans = [];
        for (let i = 0; i < LOOK_EVERY; i++) {
          const user = `user-${rng.int(USERS)}`;
          const candidate = routesToCandidate(canary.id, user, TRAFFIC);
          const p = candidate ? CONTROL_FAILURE + 0.05 : CONTROL_FAILURE;
          const isFailure = rng.next() < p;
          const isError = rng.next() < ERROR_RATE;
          const traceId = traceIdOf(requests, r + 1);
          spans.push(
            ...requestSpans({
              traceId,
              promptName: "support",
              versionHash: candidate ? v2 : v1,
              startMs: 1_765_000_000_000 + requests * 1000,
              latencyMs: 500,
              error: isError,
              input: "where is my order?",
              output: "shipped",
              outcome: isFailure ? "failure" : "success",
            }),
          );
          requests++;
        }
        await store.traces.insertSpans(spans);
        ingested += spans.length;
        // The watch's own look: mine the new traces, then test and act on the canary.
        const tick = await watchTick(store, config, { cwd: dir, actor: "bench", now: new Date() });
        const result = tick.canaries[0];
        if (result === undefined) break;
        acted = result.acted === "none" ? "continue" : result.decision.action;
      }
      if (acted === pure.action && requests === pure.requests) agree++;
      else
        console.log(
          `  store run ${r}: store ${acted} at ${requests}, pure ${pure.action} at ${pure.requests}`,
        );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `store path: ${agree}/${runs} runs decided exactly as the pure path (same action, same request); ${ingested} spans ingested and looked at in ${seconds.toFixed(1)} s`,
  );
}

console.log(
  `canary: ${TRAFFIC * 100}% traffic, control failure rate ${CONTROL_FAILURE}, error rate ${ERROR_RATE} both arms; α ${settings.alpha} over 2 metrics, effect_size ${settings.effect_size}, min_samples ${settings.min_samples}, max_samples ${settings.max_samples}; look every ${LOOK_EVERY} requests`,
);
let t = performance.now();
const worse = Array.from({ length: RUNS }, (_, i) =>
  simulate(CONTROL_FAILURE + 0.05, SEED * 1_000_003 + i, `canary-worse-${i}`),
);
const worseHits = summarize("truly worse by 5 points", worse, "rollback");
const better = Array.from({ length: RUNS }, (_, i) =>
  simulate(CONTROL_FAILURE - 0.05, SEED * 2_000_003 + i, `canary-better-${i}`),
);
summarize("truly better by 5 points", better, "promote");
const aa = Array.from({ length: AA_RUNS }, (_, i) =>
  simulate(CONTROL_FAILURE, SEED * 3_000_017 + i, `canary-aa-${i}`),
);
const falseRollbacks = aa.filter((o) => o.action === "rollback").length;
const falsePromotions = aa.filter((o) => o.action === "promote").length;
console.log(
  `A/A: ${falseRollbacks} false rollbacks and ${falsePromotions} false promotions in ${AA_RUNS} canaries run to max_samples → false rollback rate ${(falseRollbacks / AA_RUNS).toFixed(3)} (target ≤ 0.05; ratio to target ${(falseRollbacks / AA_RUNS / 0.05).toFixed(2)})`,
);
console.log(
  `worse candidate caught in ${worse.filter((o) => o.action === "rollback").length}/${RUNS}; median ${quantile(worseHits, 0.5)} requests ≈ ${Math.round(quantile(worseHits, 0.5) * TRAFFIC)} on the candidate`,
);
console.log(`pure simulation: ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
await storePath(STORE_RUNS);
