import type { RatchetConfig } from "../../config/index.js";
import { errorMessage } from "../../core/index.js";
import { buildDetectors, mineFailures, miningJudgeFromConfig } from "../../mining/index.js";
import type { Store } from "../../store/index.js";
import { type CanaryLookResult, lookAndAct } from "../canary/act.js";
import { scoreCanarySample } from "../canary/judge.js";
import type { CanaryDoc } from "../canary/types.js";
import { checkDrift, type DriftCheck } from "./drift.js";
import { type GuardResult, guardPromotions } from "./guard.js";

export interface TickOptions {
  cwd: string;
  actor: string;
  now: Date;
  onImprove?: (prompt: string) => Promise<string>;
}

export interface TickResult {
  at: string;
  mined?: { traces: number; signals: number };
  judged: number;
  canaries: CanaryLookResult[];
  guards: GuardResult[];
  drift: DriftCheck[];
  /** Problems of this look that did not stop it (a judge that failed, say). */
  problems: string[];
}

/**
 * One look at production: mine the new traces, then every running canary (judge a sample,
 * test, act), then every recent promotion on probation, then drift per window. Every action
 * is keyed in the store, so a look repeated after a crash does nothing twice.
 */
export async function watchTick(
  store: Store,
  config: RatchetConfig,
  options: TickOptions,
): Promise<TickResult> {
  const result: TickResult = {
    at: options.now.toISOString(),
    judged: 0,
    canaries: [],
    guards: [],
    drift: [],
    problems: [],
  };
  if (config.live.watch.mine) {
    const judge = miningJudgeFromConfig(config, { cwd: options.cwd, store });
    const mined = await mineFailures(store, {
      detectors: buildDetectors(config.mining, judge ? { judge } : {}),
      severityWeights: config.mining.severity_weights,
    });
    result.mined = { traces: mined.traces, signals: mined.signals };
  }
  for (const canary of await store.live.listCanaries<CanaryDoc>({ status: "running" })) {
    try {
      result.judged += await scoreCanarySample(store, config, canary, {
        cwd: options.cwd,
        now: options.now,
      });
    } catch (error) {
      result.problems.push(`canary ${canary.id}: judging a sample failed: ${errorMessage(error)}`);
    }
    try {
      result.canaries.push(
        await lookAndAct(store, config, canary, { actor: options.actor, now: options.now }),
      );
    } catch (error) {
      result.problems.push(`canary ${canary.id}: ${errorMessage(error)}`);
    }
  }
  // One broken part (a rollback target pruned by hand, say) must not stop the others; each
  // action is keyed, so the next look retries exactly what did not happen.
  try {
    result.guards = await guardPromotions(store, config, {
      actor: options.actor,
      now: options.now,
    });
  } catch (error) {
    result.problems.push(`probation: ${errorMessage(error)}`);
  }
  try {
    result.drift = await checkDrift(store, config, {
      actor: options.actor,
      now: options.now,
      ...(options.onImprove ? { onImprove: options.onImprove } : {}),
    });
  } catch (error) {
    result.problems.push(`drift: ${errorMessage(error)}`);
  }
  return result;
}
