import type { LiveEvent, PromptLabelEvent, Store } from "../../store/index.js";
import { decisionFacts } from "./evidence.js";
import { collectRollbacks } from "./rollbacks.js";
import { rateResult } from "./status.js";
import type { MetricContext, MetricResult, Offender } from "./types.js";

/**
 * Clusters the suite covers (an approved eval case drafted from them) that still produced new
 * production failures after a release that came after that approval: the fixture passed the
 * gate while production repeated the failure.
 */
async function coveredRepeats(
  store: Store,
  ctx: MetricContext,
  labelEvents: readonly PromptLabelEvent[],
): Promise<Offender[]> {
  const covered = new Map<string, string>();
  for (const d of await store.evalDrafts.list({ status: ["approved"], limit: 1_000_000 })) {
    if (d.cluster_id === null) continue;
    const at = d.reviewed_at ?? d.created_at;
    const seen = covered.get(d.cluster_id);
    if (seen === undefined || at < seen) covered.set(d.cluster_id, at);
  }
  const promotions = labelEvents.filter((e) => e.kind === "promote");
  const found: Offender[] = [];
  for (const [cluster, approved] of covered) {
    const release = promotions.find((p) => p.at > approved);
    if (release === undefined) continue;
    const after = release.at > ctx.sinceIso ? release.at : ctx.sinceIso;
    const repeats = await store.loopMetrics.clusterFailuresAfter(cluster, after);
    if (repeats.length === 0) continue;
    found.push({
      id: cluster,
      detail: `cluster ${cluster}: eval approved ${approved}, ${release.name}@${release.label} released ${release.at}, then ${repeats.length} new production failure(s) (first ${repeats[0]?.id} at ${repeats[0]?.first_seen})`,
    });
  }
  return found;
}

export async function catchRate(
  store: Store,
  ctx: MetricContext,
  labelEvents: readonly PromptLabelEvent[],
  liveEvents: readonly LiveEvent<unknown>[],
): Promise<MetricResult> {
  let caught = 0;
  for (const d of await store.loopMetrics.decisionsSince(ctx.sinceIso)) {
    if (d.verdict !== "block") continue;
    const confirmed = decisionFacts(d.evidence).regressions.some(
      (r) => !r.flaky && r.severity !== "exploratory",
    );
    if (confirmed) caught += 1;
  }
  const escaped: Offender[] = [
    ...collectRollbacks(labelEvents, liveEvents, ctx.sinceIso).map((r) => ({
      id: r.prompt,
      detail: `${r.at} ${r.what} (by ${r.actor}, ${r.ref})`,
    })),
    ...(await coveredRepeats(store, ctx, labelEvents)),
  ];
  return rateResult(
    {
      key: "catch_rate",
      name: "catch rate before release",
      numerator: caught,
      denominator: caught + escaped.length,
      threshold: { kind: "min", value: ctx.settings.min_catch_rate, unit: "rate" },
      how: "regressions found in the window: caught = gate decisions that blocked on a confirmed (not flaky, not exploratory) regression; escaped = rollbacks (canary or after promotion) plus clusters with an approved eval case that failed again in production after a later release",
      action:
        "Production found what the suite did not: draft each escape into an eval case, and find out why the gate let the release through (missing case, wrong severity, too few epochs). A known incident fixture that passes while production repeats the failure should block.",
      items: escaped,
    },
    "no gate block, rollback or repeat of a covered cluster in the window",
  );
}
