import type { LiveEvent, PromptLabelEvent } from "../../store/index.js";
import { rateResult } from "./status.js";
import type { MetricContext, MetricResult, Offender } from "./types.js";

/**
 * A label move is automatic when the gate decided it (a promotion, or any move carrying a gate
 * decision) or an automatic actor made it; any other move is a person's.
 */
export function isAutomatic(e: PromptLabelEvent, automaticActors: ReadonlySet<string>): boolean {
  return e.kind === "promote" || e.decision_id !== undefined || automaticActors.has(e.actor);
}

export function overrideRate(
  ctx: MetricContext,
  labelEvents: readonly PromptLabelEvent[],
  liveEvents: readonly LiveEvent<unknown>[],
): MetricResult {
  const automatic = new Set(ctx.settings.automatic_actors);
  let decisions = 0;
  const items: Offender[] = [];
  labelEvents.forEach((e, i) => {
    if (e.at < ctx.sinceIso || !isAutomatic(e, automatic)) return;
    decisions += 1;
    const next = labelEvents.slice(i + 1).find((n) => n.name === e.name && n.label === e.label);
    if (next === undefined || isAutomatic(next, automatic) || next.to_hash !== e.from_hash) return;
    items.push({
      id: `${e.name}@${e.label}`,
      detail: `${e.at} ${e.kind} to ${e.to_hash?.slice(0, 12) ?? "nothing"} by ${e.actor}${
        e.decision_id ? ` (gate ${e.decision_id})` : ""
      } reverted by ${next.actor} at ${next.at}${next.reason ? `: ${next.reason}` : ""}`,
    });
  });
  const stopped = new Map<string, LiveEvent<unknown>>();
  for (const e of liveEvents) {
    if (e.kind === "canary_stopped" && e.canary_id && !automatic.has(e.actor)) {
      stopped.set(e.canary_id, e);
    }
  }
  for (const e of liveEvents) {
    if (e.kind !== "canary_started" || e.at < ctx.sinceIso || !automatic.has(e.actor)) continue;
    decisions += 1;
    const stop = e.canary_id ? stopped.get(e.canary_id) : undefined;
    if (stop === undefined) continue;
    items.push({
      id: e.canary_id ?? e.key,
      detail: `canary of ${e.prompt_name ?? "?"} started by ${e.actor} at ${e.at}, stopped by ${stop.actor} at ${stop.at}`,
    });
  }
  return rateResult(
    {
      key: "override_rate",
      name: "override rate",
      numerator: items.length,
      denominator: decisions,
      threshold: { kind: "max", value: ctx.settings.max_override_rate, unit: "rate" },
      how: `automatic decisions in the window — label moves the gate decided (promotions, moves carrying a gate decision) or made by ${[...automatic].join(", ") || "no actor"}, and canaries those actors started — that a person reverted: the label's next move is a person's and puts it back where it was, or the canary was stopped by a person`,
      action:
        "People keep undoing the loop's decisions: read each revert's reason, then fix what made the decision (gate thresholds, canary settings, the improve preset), and record the criterion the person applied as an eval case.",
      items,
    },
    "no automatic label move or canary in the window",
  );
}
