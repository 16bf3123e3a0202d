import type { CycleRecord } from "../../loop/index.js";
import type { Store } from "../../store/index.js";
import { rateResult } from "./status.js";
import type { MetricContext, MetricResult, Offender } from "./types.js";

/**
 * Clusters an improvement cycle fixed — its optimizer reported the cluster `fixed` and its gate
 * promoted the candidate — with when (the latest such cycle's end).
 */
export function fixedClusters(
  cycles: ReadonlyArray<{ updated_at: string; doc: CycleRecord }>,
): Map<string, { at: string; cycle: string; label: string }> {
  const fixed = new Map<string, { at: string; cycle: string; label: string }>();
  for (const { updated_at, doc } of cycles) {
    if (doc.gate?.promoted !== true) continue;
    const at = doc.finished_at ?? updated_at;
    for (const target of doc.optimization?.fixed ?? []) {
      if (target.status !== "fixed") continue;
      const seen = fixed.get(target.cluster);
      if (seen === undefined || at > seen.at) {
        fixed.set(target.cluster, { at, cycle: doc.id, label: target.label });
      }
    }
  }
  return fixed;
}

export async function recurrence(store: Store, ctx: MetricContext): Promise<MetricResult> {
  const cycles = await store.loop.listCycles<CycleRecord>({ limit: 1_000_000 });
  const fixed = fixedClusters(cycles);
  const items: Offender[] = [];
  for (const [cluster, fix] of fixed) {
    if (fix.at > ctx.now.toISOString()) continue;
    const after = fix.at > ctx.sinceIso ? fix.at : ctx.sinceIso;
    const back = await store.loopMetrics.clusterFailuresAfter(cluster, after);
    if (back.length === 0) continue;
    items.push({
      id: cluster,
      detail: `"${fix.label}" fixed by cycle ${fix.cycle} at ${fix.at}; ${back.length} new production failure(s) since (${back
        .slice(0, 3)
        .map((f) => `${f.id} at ${f.first_seen}`)
        .join(", ")})`,
    });
  }
  return rateResult(
    {
      key: "recurrence",
      name: "recurrence of fixed clusters",
      numerator: items.length,
      denominator: fixed.size,
      threshold: { kind: "max", value: ctx.settings.max_recurrence, unit: "rate" },
      how: "clusters a promoted improvement cycle fixed (optimizer target status fixed, gate promoted) that got a new production failure — member, or duplicate of one — first seen in the window after the fix",
      action:
        "A fixed failure came back: read the cluster (`ratchet clusters show <id>`), check that its eval case still reproduces the production failure (fix the fixture if not), and gate the next change on it.",
      items,
    },
    "no improvement cycle has promoted a fix of a cluster yet",
  );
}
