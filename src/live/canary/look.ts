import { type ArmSummary, mixtureSequentialTest } from "../../stats/index.js";
import type {
  CanaryDecision,
  LiveMetric,
  MetricLook,
  MetricRole,
  MetricTestState,
} from "./types.js";

export interface LookSettings {
  alpha: number;
  /** τ of the mixture in standard deviations of the metric. */
  effectSize: number;
  minSamples: number;
  maxSamples: number;
}

export interface MetricArms {
  metric: LiveMetric;
  role: MetricRole;
  control: ArmSummary;
  candidate: ArmSummary;
}

export function initialState(): MetricTestState {
  return { p_min: 1, lower: Number.NEGATIVE_INFINITY, upper: Number.POSITIVE_INFINITY, looks: 0 };
}

/**
 * A 0/1 metric's variance from a handful of requests is often exactly 0 (no errors yet), which
 * would make any first error look decisive: add half a success and half a failure.
 */
function smoothed(arm: ArmSummary, binary: boolean): ArmSummary {
  if (!binary) return arm;
  const p = (arm.mean * arm.n + 0.5) / (arm.n + 1);
  return { ...arm, variance: Math.max(arm.variance, p * (1 - p)) };
}

/**
 * One look at a canary: every metric's always-valid test updated with the arms as they are
 * now, then the decision. α is split evenly over the metrics (Bonferroni), so the chance that
 * any of them rolls back an equal candidate stays at most α however often we look.
 *
 * - rollback: some metric is worse beyond noise (its running interval lies on the worse side);
 * - promote: the primary metric is better beyond noise and no guardrail is worse;
 * - inconclusive: the candidate arm reached `maxSamples` with neither;
 * - continue: otherwise, and always while either arm has fewer than `minSamples`.
 */
export function lookAtCanary(
  arms: readonly MetricArms[],
  states: Readonly<Record<string, MetricTestState>>,
  settings: LookSettings,
): { looks: MetricLook[]; states: Record<string, MetricTestState>; decision: CanaryDecision } {
  const alpha = settings.alpha / Math.max(1, arms.length);
  const next: Record<string, MetricTestState> = { ...states };
  const looks: MetricLook[] = [];
  for (const { metric, role, control, candidate } of arms) {
    const before = states[metric.name] ?? initialState();
    const enough = control.n >= settings.minSamples && candidate.n >= settings.minSamples;
    if (!enough || control.n < 2 || candidate.n < 2) {
      looks.push({
        metric: metric.name,
        role,
        better: metric.better,
        control,
        candidate,
        difference: candidate.mean - control.mean,
        lower: before.lower,
        upper: before.upper,
        p_value: before.p_min,
        alpha,
        verdict: "too_few",
      });
      continue;
    }
    const c = smoothed(control, metric.binary);
    const t = smoothed(candidate, metric.binary);
    const pooledSd = Math.sqrt((c.variance + t.variance) / 2);
    const tau = settings.effectSize * (pooledSd > 0 ? pooledSd : 1);
    const test = mixtureSequentialTest(c, t, { alpha, tau });
    let lower = Math.max(before.lower, test.interval.lower);
    let upper = Math.min(before.upper, test.interval.upper);
    // An empty intersection means the effect moved during the canary: keep the newest.
    if (lower > upper) {
      lower = test.interval.lower;
      upper = test.interval.upper;
    }
    const state: MetricTestState = {
      p_min: Math.min(before.p_min, test.pValue),
      lower,
      upper,
      looks: before.looks + 1,
    };
    next[metric.name] = state;
    const worse = metric.better === "higher" ? upper < 0 : lower > 0;
    const better = metric.better === "higher" ? lower > 0 : upper < 0;
    looks.push({
      metric: metric.name,
      role,
      better: metric.better,
      control,
      candidate,
      difference: test.difference,
      lower,
      upper,
      p_value: state.p_min,
      alpha,
      verdict: worse ? "worse" : better ? "better" : "undecided",
    });
  }
  return { looks, states: next, decision: decide(looks, arms, settings) };
}

function describe(look: MetricLook): string {
  const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
  return `${look.metric} ${fmt(look.control.mean)} → ${fmt(look.candidate.mean)} (difference in [${fmt(
    look.lower,
  )}, ${fmt(look.upper)}], always-valid p ≤ ${look.p_value.toPrecision(2)}, α ${look.alpha.toPrecision(2)})`;
}

function decide(
  looks: readonly MetricLook[],
  arms: readonly MetricArms[],
  settings: LookSettings,
): CanaryDecision {
  const worse = looks.filter((look) => look.verdict === "worse");
  if (worse.length > 0) {
    return { action: "rollback", reasons: worse.map((look) => `worse: ${describe(look)}`) };
  }
  const primary = looks.find((look) => look.role === "primary");
  if (primary?.verdict === "better") {
    return { action: "promote", reasons: [`better: ${describe(primary)}`] };
  }
  const candidateRequests = Math.max(0, ...arms.map((arm) => arm.candidate.n));
  if (candidateRequests >= settings.maxSamples) {
    return {
      action: "inconclusive",
      reasons: [
        `${candidateRequests} candidate requests (max_samples ${settings.maxSamples}) without a difference beyond noise`,
      ],
    };
  }
  const waiting = looks.filter((look) => look.verdict === "too_few");
  return {
    action: "continue",
    reasons:
      waiting.length > 0
        ? [`collecting: each arm needs ${settings.minSamples} requests before the test decides`]
        : ["no difference beyond noise yet"],
  };
}
