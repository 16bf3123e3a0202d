import type { LiveEvent, PromptLabelEvent, Store } from "../../store/index.js";
import { breached } from "./status.js";
import type { MetricContext, MetricResult, Offender } from "./types.js";

/** Live event kinds that undo a release: a canary rolled back, a promotion rolled back. */
export const ROLLBACK_EVENT_KINDS = ["canary_rolled_back", "rollback"] as const;

export interface Rollback {
  prompt: string;
  at: string;
  /** `label:<id>` or `live:<key>`. */
  ref: string;
  actor: string;
  what: string;
}

/**
 * Rollbacks in the window: label moves of kind `rollback` and live events of the kinds above.
 * A live rollback usually moves the label in the same transaction at the same time, so a
 * live event and a label rollback of the same prompt at the same instant count once.
 */
export function collectRollbacks(
  labelEvents: readonly PromptLabelEvent[],
  liveEvents: readonly LiveEvent<unknown>[],
  sinceIso: string,
): Rollback[] {
  const found = new Map<string, Rollback>();
  for (const e of liveEvents) {
    if (e.at < sinceIso || e.prompt_name === undefined) continue;
    if (!(ROLLBACK_EVENT_KINDS as readonly string[]).includes(e.kind)) continue;
    found.set(`${e.prompt_name}\u0000${e.at}`, {
      prompt: e.prompt_name,
      at: e.at,
      ref: `live:${e.key}`,
      actor: e.actor,
      what: e.kind === "rollback" ? "rolled back after promotion" : "canary rolled back",
    });
  }
  for (const e of labelEvents) {
    if (e.at < sinceIso || e.kind !== "rollback") continue;
    const key = `${e.name}\u0000${e.at}`;
    if (found.has(key)) continue;
    found.set(key, {
      prompt: e.name,
      at: e.at,
      ref: `label:${e.id}`,
      actor: e.actor,
      what: `${e.name}@${e.label} rolled back to ${e.to_hash?.slice(0, 12) ?? "nothing"}`,
    });
  }
  return [...found.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Per prompt, the longest run of rollbacks with no gate decision on that prompt between them. */
function longestRuns(
  rollbacks: readonly Rollback[],
  gates: ReadonlyMap<string, string[]>,
): Map<string, Rollback[]> {
  const runs = new Map<string, Rollback[]>();
  const current = new Map<string, Rollback[]>();
  for (const r of rollbacks) {
    const run = current.get(r.prompt) ?? [];
    const last = run.at(-1);
    const gated =
      last !== undefined && (gates.get(r.prompt) ?? []).some((at) => at > last.at && at < r.at);
    const next = gated ? [r] : [...run, r];
    current.set(r.prompt, next);
    if (next.length > (runs.get(r.prompt)?.length ?? 0)) runs.set(r.prompt, next);
  }
  return runs;
}

export async function rollbackFrequency(
  store: Store,
  ctx: MetricContext,
  labelEvents: readonly PromptLabelEvent[],
  liveEvents: readonly LiveEvent<unknown>[],
): Promise<MetricResult> {
  const limit = ctx.settings.max_rollbacks;
  const rollbacks = collectRollbacks(labelEvents, liveEvents, ctx.sinceIso);
  const gates = new Map<string, string[]>();
  for (const d of await store.loopMetrics.decisionsSince(ctx.sinceIso)) {
    gates.set(d.prompt_name, [...(gates.get(d.prompt_name) ?? []), d.created_at]);
  }
  const runs = longestRuns(rollbacks, gates);
  const worst = Math.max(0, ...[...runs.values()].map((run) => run.length));
  const threshold = { kind: "below" as const, value: limit, unit: "count" as const };
  const items: Offender[] = [...runs.entries()]
    .filter(([, run]) => breached(run.length, threshold))
    .map(([prompt, run]) => ({
      id: prompt,
      detail: `${run.length} rollbacks without a new gate decision: ${run
        .map((r) => `${r.at} ${r.what} (by ${r.actor})`)
        .join("; ")}`,
    }));
  const released =
    labelEvents.some((e) => e.at >= ctx.sinceIso) || liveEvents.some((e) => e.at >= ctx.sinceIso);
  const base = {
    key: "rollbacks" as const,
    name: "rollback frequency",
    numerator: rollbacks.length,
    denominator: runs.size,
    threshold,
    how: `rollbacks in the window (label moves of kind rollback, canary_rolled_back and rollback live events; one per prompt and instant), per prompt; the value is the most rollbacks of one prompt with no gate decision on it in between (${rollbacks.length} rollback(s) of ${runs.size} prompt(s))`,
    action:
      "The same prompt keeps being rolled back without a new gate: stop automatic promotion of it and require a fresh `ratchet gate` (with the failures behind each rollback drafted into eval cases) before the next release.",
    items,
  };
  if (!released) {
    return { ...base, status: "no-data", reason: "no label move or live event in the window" };
  }
  return { ...base, value: worst, status: items.length > 0 ? "investigate" : "ok" };
}
