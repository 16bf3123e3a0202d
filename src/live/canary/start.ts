import type { RatchetConfig } from "../../config/index.js";
import { InputError, newId } from "../../core/index.js";
import { checkLabel, DEFAULT_LABEL, resolvePromptRef } from "../../prompts/index.js";
import type { Store } from "../../store/index.js";
import { qualified } from "./arms.js";
import { checkJudgeMetrics } from "./judge.js";
import { parseLiveMetric } from "./metrics.js";
import type { CanaryDoc } from "./types.js";

/** The label that points at a running canary's candidate, for `prompts labels` and the client. */
export const CANARY_LABEL = "canary";

export interface StartCanaryInput {
  /** `name@label` or `name@hash` of the candidate. */
  candidate: string;
  /** The label whose traffic is split; default `production`. */
  label?: string;
  traffic?: number;
  metric?: string;
  guardrails?: string[];
  /** Start without a gate decision that promoted the candidate (recorded). */
  force?: boolean;
  actor: string;
  now?: Date;
}

export interface StartedCanary {
  id: string;
  name: string;
  control: string;
  candidate: string;
  doc: CanaryDoc;
  traffic: number;
  warnings: string[];
}

/**
 * Starts a canary: a stable share of the label's keys gets the candidate. Refuses a candidate
 * no gate ever promoted unless forced (and then records that), a candidate equal to the
 * control, and a second canary on the same label.
 */
export async function startCanary(
  store: Store,
  config: RatchetConfig,
  input: StartCanaryInput,
): Promise<StartedCanary> {
  const settings = config.live.canary;
  const label = checkLabel(input.label ?? DEFAULT_LABEL, "--label");
  const traffic = input.traffic ?? settings.traffic;
  if (!(Number.isFinite(traffic) && traffic > 0 && traffic < 1)) {
    throw new InputError(`--traffic must be a share between 0 and 1 (exclusive), got ${traffic}`, {
      key: "--traffic",
    });
  }
  const metric = parseLiveMetric(input.metric ?? "failure_rate", "--metric").name;
  const guardrails = [
    ...new Set(
      (input.guardrails ?? ["error_rate"]).map((g) => parseLiveMetric(g, "--guardrail").name),
    ),
  ].filter((g) => g !== metric);
  checkJudgeMetrics(config, [metric, ...guardrails]);
  const candidate = await resolvePromptRef(store, input.candidate, "candidate");
  const controlLabel = (await store.prompts.listLabels(candidate.name)).find(
    (l) => l.label === label,
  );
  if (controlLabel === undefined) {
    throw new InputError(
      `${candidate.name} has no label '${label}' to split traffic with; label a version first (\`ratchet prompts label ${candidate.name}@<hash> ${label}\`)`,
      { key: "--label" },
    );
  }
  if (controlLabel.hash === candidate.hash) {
    throw new InputError(
      `${input.candidate} is already ${candidate.name}@${label} (${candidate.hash.slice(0, 12)}): nothing to compare`,
      { key: "candidate" },
    );
  }
  const decisions = await store.gate.listDecisions({ prompt: candidate.name });
  const passed = decisions.find(
    (d) => d.verdict === "promote" && d.challenger === qualified(candidate.name, candidate.hash),
  );
  const warnings: string[] = [];
  if (passed === undefined) {
    if (!input.force) {
      throw new InputError(
        `${candidate.name}@${candidate.hash.slice(0, 12)} never passed the gate: run \`ratchet gate --challenger ${input.candidate}\` first, or start with --force (recorded)`,
        { key: "candidate" },
      );
    }
    warnings.push("forced: the candidate never passed the gate; this is recorded with the canary");
  }
  const now = input.now ?? new Date();
  const id = newId("canary", now.getTime());
  const doc: CanaryDoc = {
    metric,
    guardrails,
    alpha: settings.alpha,
    effect_size: settings.effect_size,
    min_samples: settings.min_samples,
    max_samples: settings.max_samples,
    auto_promote: settings.auto_promote,
    forced: passed === undefined,
    ...(passed !== undefined ? { gate_decision: passed.id } : {}),
    actor: input.actor,
    states: {},
  };
  const at = now.toISOString();
  await store.live.startCanary(
    {
      id,
      prompt_name: candidate.name,
      label,
      control_hash: controlLabel.hash,
      candidate_hash: candidate.hash,
      traffic,
      status: "running",
      start_seq: await store.live.traceSeq(),
      started_at: at,
      doc,
    },
    {
      key: `canary:${id}:started`,
      kind: "canary_started",
      prompt_name: candidate.name,
      canary_id: id,
      actor: input.actor,
      at,
      doc: {
        label,
        control: controlLabel.hash,
        candidate: candidate.hash,
        traffic,
        metric,
        guardrails,
        forced: doc.forced,
        ...(doc.gate_decision ? { gate_decision: doc.gate_decision } : {}),
      },
    },
    [
      {
        name: candidate.name,
        label: CANARY_LABEL,
        to: candidate.hash,
        kind: "set",
        actor: input.actor,
        reason: `canary ${id}: ${Math.round(traffic * 1000) / 10}% of ${label}`,
        at,
      },
    ],
  );
  return {
    id,
    name: candidate.name,
    control: controlLabel.hash,
    candidate: candidate.hash,
    doc,
    traffic,
    warnings,
  };
}
