import { InputError, parseDuration } from "../../core/index.js";
import type { Store } from "../../store/index.js";
import { catchRate } from "./catch-rate.js";
import { traceCoverage } from "./coverage.js";
import { flakyRate } from "./flaky.js";
import { incidentToEval } from "./incident-to-eval.js";
import { overrideRate } from "./overrides.js";
import { recurrence } from "./recurrence.js";
import { rollbackFrequency } from "./rollbacks.js";
import type { MetricContext, MetricsReport, MetricsSettings } from "./types.js";

export interface MetricsOptions {
  /** Overrides `settings.window` (a duration like `30d`); a bad one names `--window`. */
  window?: string;
  /** Default: now. Tests and replays pass a fixed time. */
  now?: Date;
}

/** The loop's health: every metric over the window, from what the store has recorded. */
export async function computeMetrics(
  store: Store,
  settings: MetricsSettings,
  options: MetricsOptions = {},
): Promise<MetricsReport> {
  const window = options.window ?? settings.window;
  const key = options.window !== undefined ? "--window" : "live.metrics.window";
  const windowMs = parseDuration(window, key);
  if (windowMs <= 0) throw new InputError(`${key} must be longer than 0, got '${window}'`, { key });
  const now = options.now ?? new Date();
  const sinceMs = now.getTime() - windowMs;
  const ctx: MetricContext = {
    settings,
    now,
    sinceMs,
    sinceIso: new Date(sinceMs).toISOString(),
  };
  const labelEvents = await store.loopMetrics.labelEvents();
  const liveEvents = await store.live.listEvents<unknown>();
  const metrics = [
    await incidentToEval(store, ctx),
    await catchRate(store, ctx, labelEvents, liveEvents),
    await recurrence(store, ctx),
    await flakyRate(store, ctx),
    await traceCoverage(store, ctx),
    overrideRate(ctx, labelEvents, liveEvents),
    await rollbackFrequency(store, ctx, labelEvents, liveEvents),
  ];
  return {
    window,
    since: ctx.sinceIso,
    now: now.toISOString(),
    metrics,
    breaches: metrics.filter((m) => m.status === "investigate").map((m) => m.key),
  };
}
