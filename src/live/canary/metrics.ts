import { InputError } from "../../core/index.js";
import { LIVE_METRIC_SQL } from "../../store/index.js";
import type { Better, LiveMetric } from "./types.js";

const BUILTIN: Record<string, { storeMetric: string; better: Better; binary: boolean }> = {
  error_rate: { storeMetric: "error_rate", better: "lower", binary: true },
  failure_rate: { storeMetric: "failure_rate", better: "lower", binary: true },
  correction_rate: { storeMetric: "correction_rate", better: "lower", binary: true },
  latency_ms: { storeMetric: "latency_ms", better: "lower", binary: false },
  cost_usd: { storeMetric: "cost_usd", better: "lower", binary: false },
  feedback: { storeMetric: "feedback", better: "higher", binary: false },
};

const ALIASES: Record<string, string> = {
  errors: "error_rate",
  failures: "failure_rate",
  corrections: "correction_rate",
  latency: "latency_ms",
  cost: "cost_usd",
};

export const LIVE_METRIC_NAMES: readonly string[] = [...Object.keys(BUILTIN), "judge:<rubric>"];

/** `error_rate`, `latency`, `judge:helpfulness`… → how the canary reads it. */
export function parseLiveMetric(text: string, key = "--metric"): LiveMetric {
  const name = text.trim();
  const judge = /^judge:([A-Za-z0-9][A-Za-z0-9_.-]*)$/.exec(name);
  if (judge) {
    const rubric = judge[1] as string;
    return {
      name,
      storeMetric: `score:judge:${rubric}`,
      better: "higher",
      binary: false,
      judge: rubric,
    };
  }
  const canonical = ALIASES[name] ?? name;
  const builtin = BUILTIN[canonical];
  if (builtin === undefined || LIVE_METRIC_SQL[builtin.storeMetric] === undefined) {
    throw new InputError(
      `${key}: unknown live metric '${text}'; use one of ${LIVE_METRIC_NAMES.join(", ")}`,
      { key },
    );
  }
  return { name: canonical, ...builtin };
}
