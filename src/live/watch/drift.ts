import type { RatchetConfig } from "../../config/index.js";
import { parseDuration } from "../../core/index.js";
import { buildTraceView } from "../../mining/index.js";
import type { Store } from "../../store/index.js";
import { armOf, qualified } from "../canary/arms.js";
import { lookAtCanary, type MetricArms } from "../canary/look.js";
import { parseLiveMetric } from "../canary/metrics.js";
import { type RequestFeatures, requestFeatures, wordCounts } from "./features.js";
import { numericPsi, psi } from "./psi.js";
import { rollBackLabel } from "./rollback.js";

export type DriftKind = "input" | "output" | "performance";

export interface DriftFinding {
  kind: DriftKind;
  measure: string;
  /** PSI for input and output drift; candidate − control difference for performance. */
  value: number;
  threshold?: number;
  breached: boolean;
  detail: string;
}

export interface DriftCheck {
  prompt: string;
  version: string;
  window: { index: number; from: string; to: string };
  counts: { previous: number; current: number };
  findings: DriftFinding[];
  /** Why the windows were not compared, when they were not. */
  skipped?: string;
  /** What the breach led to. */
  action?:
    | "notified"
    | "rolled_back"
    | "improve_triggered"
    | "already_done"
    | "rollback_unavailable";
  /** Traces stamped later than now (an application clock ahead of ours): left out. */
  future: number;
}

const PERFORMANCE_METRICS = ["failure_rate", "error_rate", "latency_ms", "cost_usd"] as const;
/** Started this far after our clock counts as a clock jump, not as late traffic. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface DriftOptions {
  actor: string;
  now: Date;
  /** Runs an improvement cycle for a prompt (`live.drift.on_breach: improve`). */
  onImprove?: (prompt: string) => Promise<string>;
}

/**
 * Once per window and production version: the latest full window against the one before.
 * Input and output drift by the population stability index of sizes, tool use and words;
 * performance drift by the canary's always-valid test on failure and error rates, latency and
 * cost (worse beyond noise). The check is keyed by (prompt, version, window) so it is done
 * (and acted on) once however often `watch` looks or restarts.
 */
export async function checkDrift(
  store: Store,
  config: RatchetConfig,
  options: DriftOptions,
): Promise<DriftCheck[]> {
  const settings = config.live.drift;
  const windowMs = parseDuration(settings.window, "live.drift.window");
  const nowMs = options.now.getTime();
  const index = Math.floor(nowMs / windowMs);
  const currentFrom = (index - 1) * windowMs;
  const currentTo = index * windowMs;
  const previousFrom = currentFrom - windowMs;
  const checks: DriftCheck[] = [];
  for (const label of await store.prompts.listLabels()) {
    if (label.label !== "production") continue;
    const name = label.name;
    const version = qualified(name, label.hash);
    const key = `drift:${name}:${label.hash}:${index}`;
    if (await store.live.hasEvent(key)) continue;
    const previous: RequestFeatures[] = [];
    const current: RequestFeatures[] = [];
    let future = 0;
    for await (const trace of store.traces.iterateTraces({ since: previousFrom })) {
      const summary = trace.summary;
      if (summary.started_ms > nowMs + CLOCK_SKEW_MS) {
        future++;
        continue;
      }
      if (summary.started_ms >= currentTo || summary.prompt_version !== version) continue;
      const features = requestFeatures(buildTraceView(summary.trace_id, trace.spans));
      (summary.started_ms < currentFrom ? previous : current).push(features);
    }
    const check: DriftCheck = {
      prompt: name,
      version,
      window: {
        index,
        from: new Date(currentFrom).toISOString(),
        to: new Date(currentTo).toISOString(),
      },
      counts: { previous: previous.length, current: current.length },
      findings: [],
      future,
    };
    checks.push(check);
    if (previous.length < settings.min_traces || current.length < settings.min_traces) {
      check.skipped = `each window needs ${settings.min_traces} traces of ${version} (live.drift.min_traces); it has ${previous.length} then ${current.length}`;
      continue;
    }
    const threshold = settings.psi_threshold;
    const pushPsi = (kind: DriftKind, measure: string, value: number) =>
      check.findings.push({
        kind,
        measure,
        value,
        threshold,
        breached: value >= threshold,
        detail: `PSI ${value.toFixed(3)} (threshold ${threshold})`,
      });
    pushPsi(
      "input",
      "input length",
      numericPsi(
        previous.map((r) => r.inputChars),
        current.map((r) => r.inputChars),
      ),
    );
    pushPsi(
      "input",
      "input words",
      psi(wordCounts(previous, "input"), wordCounts(current, "input")),
    );
    pushPsi(
      "output",
      "output length",
      numericPsi(
        previous.map((r) => r.outputChars),
        current.map((r) => r.outputChars),
      ),
    );
    pushPsi(
      "output",
      "output words",
      psi(wordCounts(previous, "output"), wordCounts(current, "output")),
    );
    pushPsi(
      "output",
      "tool calls",
      numericPsi(
        previous.map((r) => r.toolCalls),
        current.map((r) => r.toolCalls),
      ),
    );
    const arms: MetricArms[] = [];
    for (const metricName of PERFORMANCE_METRICS) {
      const metric = parseLiveMetric(metricName);
      const window = async (fromMs: number, toMs: number) => {
        const [m] = await store.live.armMoments({
          promptName: name,
          versions: [version],
          metric: metric.storeMetric,
          afterSeq: 0,
          fromMs,
          toMs,
        });
        return armOf(m);
      };
      const control = await window(previousFrom, currentFrom);
      const candidate = await window(currentFrom, currentTo);
      if (control.n >= 2 && candidate.n >= 2)
        arms.push({ metric, role: "guardrail", control, candidate });
    }
    const { looks } = lookAtCanary(
      arms,
      {},
      {
        alpha: config.live.canary.alpha,
        effectSize: config.live.canary.effect_size,
        minSamples: settings.min_traces,
        maxSamples: Number.POSITIVE_INFINITY,
      },
    );
    for (const look of looks) {
      if (look.verdict === "too_few") continue;
      check.findings.push({
        kind: "performance",
        measure: look.metric,
        value: look.difference,
        breached: look.verdict === "worse",
        detail: `${look.control.mean.toPrecision(3)} → ${look.candidate.mean.toPrecision(3)}, difference in [${look.lower.toPrecision(3)}, ${look.upper.toPrecision(3)}] (always-valid, α ${look.alpha.toPrecision(2)})`,
      });
    }
    await act(store, config, options, check, key, label.hash);
  }
  return checks;
}

async function act(
  store: Store,
  config: RatchetConfig,
  options: DriftOptions,
  check: DriftCheck,
  key: string,
  hash: string,
): Promise<void> {
  const at = options.now.toISOString();
  const breached = check.findings.filter((f) => f.breached);
  const performance = breached.some((f) => f.kind === "performance");
  const recorded = await store.live.recordEvent({
    key,
    kind: breached.length > 0 ? "drift" : "drift_checked",
    prompt_name: check.prompt,
    actor: options.actor,
    at,
    doc: {
      version: check.version,
      window: check.window,
      counts: check.counts,
      findings: check.findings,
    },
  });
  if (!recorded) {
    check.action = "already_done";
    return;
  }
  if (breached.length === 0) return;
  check.action = "notified";
  if (!performance) return;
  const onBreach = config.live.drift.on_breach;
  if (onBreach === "rollback") {
    const move = (await store.prompts.labelHistory(check.prompt, "production")).at(-1);
    if (move?.from_hash === undefined || move.to_hash !== hash || !config.rollback.enabled) {
      check.action = "rollback_unavailable";
      return;
    }
    const done = await rollBackLabel(store, {
      key: `rollback:drift:${check.prompt}:${check.window.index}`,
      name: check.prompt,
      label: "production",
      from: hash,
      to: move.from_hash,
      actor: options.actor,
      at,
      reason: `performance drift in ${check.window.from} – ${check.window.to}: ${breached
        .map((f) => f.measure)
        .join(", ")}`,
      doc: { from: hash, to: move.from_hash, drift: key, findings: breached },
    });
    check.action = done ? "rolled_back" : "already_done";
  } else if (onBreach === "improve" && options.onImprove) {
    // Recorded before the cycle runs: a restart mid-cycle must not start a second one.
    const first = await store.live.recordEvent({
      key: `improve:${check.prompt}:${check.window.index}`,
      kind: "improve_triggered",
      prompt_name: check.prompt,
      actor: options.actor,
      at,
      doc: { drift: key, findings: breached },
    });
    if (!first) {
      check.action = "already_done";
      return;
    }
    check.action = "improve_triggered";
    const cycle = await options
      .onImprove(check.prompt)
      .catch((error: unknown) => `failed: ${String(error)}`);
    await store.live.recordEvent({
      key: `improve:${check.prompt}:${check.window.index}:done`,
      kind: "improve_finished",
      prompt_name: check.prompt,
      actor: options.actor,
      at: new Date().toISOString(),
      doc: { cycle },
    });
  }
}
