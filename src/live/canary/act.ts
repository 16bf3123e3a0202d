import type { RatchetConfig } from "../../config/index.js";
import type { CanaryRow, LabelMove, Store } from "../../store/index.js";
import { readArms } from "./arms.js";
import { lookAtCanary } from "./look.js";
import { CANARY_LABEL } from "./start.js";
import type { CanaryAction, CanaryDecision, CanaryDoc, MetricLook } from "./types.js";

export interface CanaryLookResult {
  canary: CanaryRow<CanaryDoc>;
  looks: MetricLook[];
  decision: CanaryDecision;
  /** What was done: nothing, or the canary's ending (or an event recorded once). */
  acted:
    | "none"
    | "rolled_back"
    | "promoted"
    | "inconclusive"
    | "stopped"
    | "rollback_suppressed"
    | "promotion_ready"
    | "already_done";
}

export interface LookOptions {
  /** Who acts (`watch`, or a person running `canary status --act`). */
  actor: string;
  now?: Date;
  /** Look without acting or storing the tests' state (`canary status`). */
  dryRun?: boolean;
}

/**
 * Looks at a running canary and acts on the decision: a worse candidate is rolled back at
 * once, a better one promoted (when `auto_promote`), a long undecided one ended. Each ending
 * is one transaction with its event and label moves, keyed by the canary, so two watchers or
 * a restart in the middle act once.
 */
export async function lookAndAct(
  store: Store,
  config: RatchetConfig,
  canary: CanaryRow<CanaryDoc>,
  options: LookOptions,
): Promise<CanaryLookResult> {
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const labels = await store.prompts.listLabels(canary.prompt_name);
  const target = labels.find((l) => l.label === canary.label)?.hash;
  if (target !== canary.control_hash) {
    const decision: CanaryDecision = {
      action: "continue",
      reasons: [
        `${canary.prompt_name}@${canary.label} was moved to ${target?.slice(0, 12) ?? "nothing"} while the canary ran: its control is gone, so it ends`,
      ],
    };
    if (options.dryRun) return { canary, looks: [], decision, acted: "none" };
    const acted = await end(store, canary, "stopped", decision, [], options.actor, at, labels);
    return { canary, looks: [], decision, acted: acted ? "stopped" : "already_done" };
  }
  const arms = await readArms(store.live, canary);
  const doc = canary.doc;
  const { looks, states, decision } = lookAtCanary(arms, doc.states, {
    alpha: doc.alpha,
    effectSize: doc.effect_size,
    minSamples: doc.min_samples,
    maxSamples: doc.max_samples,
  });
  if (options.dryRun) return { canary, looks, decision, acted: "none" };
  const nextDoc: CanaryDoc = { ...doc, states, last_look: { at, looks, decision } };
  const updated = { ...canary, doc: nextDoc };
  if (decision.action === "rollback" && !config.rollback.enabled) {
    const recorded = await store.live.recordEvent({
      key: `canary:${canary.id}:rollback_suppressed`,
      kind: "rollback_suppressed",
      prompt_name: canary.prompt_name,
      canary_id: canary.id,
      actor: options.actor,
      at,
      doc: {
        reasons: decision.reasons,
        note: "rollback.enabled is false: the canary keeps running",
      },
    });
    await store.live.updateCanaryDoc(canary.id, nextDoc);
    return { canary: updated, looks, decision, acted: recorded ? "rollback_suppressed" : "none" };
  }
  if (decision.action === "promote" && !doc.auto_promote) {
    const recorded = await store.live.recordEvent({
      key: `canary:${canary.id}:promotion_ready`,
      kind: "promotion_ready",
      prompt_name: canary.prompt_name,
      canary_id: canary.id,
      actor: options.actor,
      at,
      doc: { reasons: decision.reasons, note: "auto_promote is false: promote by hand" },
    });
    await store.live.updateCanaryDoc(canary.id, nextDoc);
    return { canary: updated, looks, decision, acted: recorded ? "promotion_ready" : "none" };
  }
  if (decision.action === "continue") {
    await store.live.updateCanaryDoc(canary.id, nextDoc);
    return { canary: updated, looks, decision, acted: "none" };
  }
  const status =
    decision.action === "rollback"
      ? "rolled_back"
      : decision.action === "promote"
        ? "promoted"
        : "inconclusive";
  const acted = await end(store, updated, status, decision, looks, options.actor, at, labels);
  if (acted && status === "promoted") {
    // Retention applies once the new version is live; the version it replaced stays, pinned,
    // so that a rollback one step back always has somewhere to go.
    await store.prompts.pin({
      name: canary.prompt_name,
      hash: canary.control_hash,
      pinned_by: `canary:${canary.id}`,
      created_at: now.toISOString(),
    });
    await store.prompts.prune(canary.prompt_name, config.rollback.max_versions_retained);
  }
  return { canary: updated, looks, decision, acted: acted ? status : "already_done" };
}

/** Stops a running canary by hand: the control keeps the label, the candidate gets no traffic. */
export async function stopCanary(
  store: Store,
  canary: CanaryRow<CanaryDoc>,
  options: { actor: string; reason?: string; now?: Date },
): Promise<boolean> {
  const labels = await store.prompts.listLabels(canary.prompt_name);
  const decision: CanaryDecision = {
    action: "continue",
    reasons: [options.reason ?? "stopped by hand"],
  };
  return end(
    store,
    canary,
    "stopped",
    decision,
    canary.doc.last_look?.looks ?? [],
    options.actor,
    (options.now ?? new Date()).toISOString(),
    labels,
  );
}

async function end(
  store: Store,
  canary: CanaryRow<CanaryDoc>,
  status: "rolled_back" | "promoted" | "inconclusive" | "stopped",
  decision: CanaryDecision,
  looks: MetricLook[],
  actor: string,
  at: string,
  labels: Array<{ label: string; hash: string }>,
): Promise<boolean> {
  const name = canary.prompt_name;
  const moves: LabelMove[] = [];
  const canaryLabel = labels.find((l) => l.label === CANARY_LABEL)?.hash;
  const why = `canary ${canary.id}: ${decision.reasons.join("; ")}`;
  if (status === "promoted") {
    moves.push({
      name,
      label: canary.label,
      to: canary.candidate_hash,
      kind: "promote",
      actor,
      reason: why,
      ...(canary.doc.gate_decision ? { decision_id: canary.doc.gate_decision } : {}),
      at,
    });
  }
  // The canary label follows the traffic: back to the control on a rollback, gone otherwise.
  // Only when it still points where the canary put it (a person may have moved it).
  if (canaryLabel === canary.candidate_hash) {
    moves.push(
      status === "rolled_back"
        ? {
            name,
            label: CANARY_LABEL,
            to: canary.control_hash,
            kind: "rollback",
            actor,
            reason: why,
            at,
          }
        : { name, label: CANARY_LABEL, to: null, kind: "remove", actor, reason: why, at },
    );
  }
  const action: CanaryAction | "stopped" =
    status === "stopped" ? "stopped" : (decision.action as CanaryAction);
  const doc: CanaryDoc = {
    ...canary.doc,
    outcome: { action, reasons: decision.reasons, by: actor },
  };
  const { ended } = await store.live.endCanary({
    id: canary.id,
    status,
    ended_at: at,
    doc,
    event: {
      key: `canary:${canary.id}:end`,
      kind: `canary_${status}`,
      prompt_name: name,
      canary_id: canary.id,
      actor,
      at,
      doc: {
        reasons: decision.reasons,
        control: canary.control_hash,
        candidate: canary.candidate_hash,
        evidence: looks.map((look) => ({
          metric: look.metric,
          role: look.role,
          control: { n: look.control.n, mean: look.control.mean },
          candidate: { n: look.candidate.n, mean: look.candidate.mean },
          interval: [look.lower, look.upper],
          p_value: look.p_value,
          verdict: look.verdict,
        })),
      },
    },
    moves,
  });
  return ended;
}
