import type { Store } from "../../store/index.js";
import { rateResult } from "./status.js";
import type { MetricContext, MetricResult } from "./types.js";

export async function traceCoverage(store: Store, ctx: MetricContext): Promise<MetricResult> {
  const c = await store.loopMetrics.traceCoverage(ctx.sinceMs);
  const missing = [
    c.total - c.withVersion > 0 ? `${c.total - c.withVersion} without a prompt version` : "",
    c.total - c.withRoot > 0 ? `${c.total - c.withRoot} without a root span` : "",
    c.total - c.withOutcome > 0
      ? `${c.total - c.withOutcome} without an outcome (not required)`
      : "",
  ].filter((m) => m !== "");
  return rateResult(
    {
      key: "trace_coverage",
      name: "trace coverage",
      numerator: c.covered,
      denominator: c.total,
      threshold: { kind: "min", value: ctx.settings.min_trace_coverage, unit: "rate" },
      how: "production traces started in the window that are covered: they carry the prompt version that served them (ratchet.prompt.version) and their root span arrived",
      action:
        "Instrument what is missing: serve prompts through ratchet/client (it tags ratchet.prompt.name/version) and export whole traces with their root span. Do not release risky changes while their traffic is uncovered: a canary cannot tell the versions apart.",
      items: [
        ...(missing.length > 0 ? [{ id: "traces", detail: missing.join("; ") }] : []),
        ...c.uncovered.map((id) => ({ id, detail: "uncovered trace (`ratchet traces show`)" })),
      ],
    },
    "no production trace started in the window",
  );
}
