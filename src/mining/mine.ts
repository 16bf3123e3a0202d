import type { MiningConfig } from "../config/index.js";
import type { NewFailure, Store } from "../store/index.js";
import { defaultMiningConfig } from "./detectors.js";
import { fingerprint, maskPersonalData } from "./fingerprint.js";
import { baseScore } from "./ranking.js";
import { buildTraceView, traceText } from "./trace-view.js";
import type { Detector, MineCounts, Signal, TraceView } from "./types.js";

export interface MineOptions {
  /** Epoch ms: traces with a span starting at or after it. Without it, mining is incremental. */
  since?: number;
  detectors: Detector[];
  severityWeights?: MiningConfig["severity_weights"];
  /** Traces per page read from the store. */
  batch?: number;
  /** Called after each trace, for progress. */
  onTrace?: (counts: MineCounts) => void;
}

const CURSOR = "default";
const FLUSH_EVERY = 256;

/**
 * Runs the detectors over stored production traces, one trace in memory at a time. With
 * `since`, every trace in the window is (re)visited; without it, only traces that gained
 * spans since the last pass. Either way the upsert by (trace, detector) keeps it idempotent.
 */
export async function mineFailures(store: Store, options: MineOptions): Promise<MineCounts> {
  const counts: MineCounts = { traces: 0, signals: 0, new: 0, duplicates: 0, existing: 0 };
  const weights = options.severityWeights ?? defaultMiningConfig().severity_weights;
  // Read the high-water mark first: spans arriving during the pass are mined next time.
  const high = await store.failures.maxSpanRowId();
  const incremental = options.since === undefined;
  const after = incremental ? await store.failures.miningCursor(CURSOR) : undefined;
  let pending: NewFailure[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const outcomes = await store.failures.recordMany(pending);
    pending = [];
    for (const outcome of outcomes) {
      if (outcome === "new") counts.new++;
      else if (outcome === "duplicate") counts.duplicates++;
      else counts.existing++;
    }
  };
  for await (const trace of store.failures.iterateTraces({
    ...(options.since !== undefined ? { sinceMs: options.since } : {}),
    ...(after !== undefined ? { afterRowId: after } : {}),
    ...(options.batch !== undefined ? { batch: options.batch } : {}),
  })) {
    counts.traces++;
    const view = buildTraceView(trace.trace_id, trace.spans);
    for (const detector of options.detectors) {
      const signal = await detector.detect(view);
      if (!signal) continue;
      counts.signals++;
      pending.push(toFailure(view, signal, weights));
    }
    // Written in batches: one commit per ~256 failures instead of one each.
    if (pending.length >= FLUSH_EVERY) await flush();
    options.onTrace?.(counts);
  }
  await flush();
  if (incremental && high > (after ?? 0)) await store.failures.setMiningCursor(high, CURSOR);
  return counts;
}

export function toFailure(
  view: TraceView,
  signal: Signal,
  weights: MiningConfig["severity_weights"],
): NewFailure {
  // Only an error signal borrows the trace's first error: a correction or a refusal is shown
  // with the turns that raised it, never with an unrelated failing span.
  const error =
    signal.error ?? (signal.signal_type === "hard_error" ? view.errors[0]?.message : undefined);
  return {
    trace_id: view.trace_id,
    detector: signal.detector,
    signal_type: signal.signal_type,
    severity: signal.severity,
    weight: signal.weight,
    base_score: baseScore(signal.severity, signal.weight, weights),
    timestamp: new Date(view.start_ms).toISOString(),
    ...(view.agent !== undefined ? { agent: view.agent } : {}),
    input: maskPersonalData(view.input),
    output: maskPersonalData(view.output),
    tool_calls: view.tool_calls.map((t) => ({
      ...t,
      ...(t.arguments !== undefined ? { arguments: maskPersonalData(t.arguments) } : {}),
      ...(t.result !== undefined ? { result: maskPersonalData(t.result) } : {}),
    })),
    ...(error !== undefined ? { error: maskPersonalData(error) } : {}),
    reason: maskPersonalData(signal.reason),
    context: view.context,
    redacted_text: maskPersonalData(traceText(view)),
    fingerprint: fingerprint(signal.signal_type, signal.detector, signal.evidence),
  };
}
