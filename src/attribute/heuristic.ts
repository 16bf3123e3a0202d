import { InputError } from "../core/index.js";
import {
  collectSignals,
  isToolOutput,
  passiveAgents,
  quote,
  SIGNAL_WEIGHTS,
  type Signal,
  type SignalKind,
} from "./signals.js";
import type { Attribution, Step, Trajectory } from "./types.js";

/**
 * Mistakes in multi-agent runs sit early more often than late: a wrong plan or a wrong fact
 * is carried forward by every later step. Between steps with equal evidence, the earlier one
 * wins by up to this much.
 */
export const POSITION_WEIGHT = 0.5;

/** Other weights than the defaults: for ablations (`bench/attribute`) and experiments. */
export interface HeuristicOptions {
  weights?: Partial<Record<SignalKind, number>>;
  positionWeight?: number;
}

export interface ScoredStep {
  step: Step;
  score: number;
  signals: Signal[];
}

/**
 * Every step's score: the sum of the weights of the signals pointing at it, plus the
 * position prior `POSITION_WEIGHT × (1 − index / last index)`. Only steps by agents that
 * decide (not the asker, not a tool relay) are scored.
 */
export function scoreSteps(trajectory: Trajectory, options: HeuristicOptions = {}): ScoredStep[] {
  const { steps } = trajectory;
  const signals = collectSignals(steps, { ...SIGNAL_WEIGHTS, ...options.weights });
  const prior = options.positionWeight ?? POSITION_WEIGHT;
  const passive = passiveAgents(steps);
  const last = Math.max(1, steps.length - 1);
  const scored: ScoredStep[] = [];
  steps.forEach((step, i) => {
    if (passive.has(step.agent) || isToolOutput(step)) return;
    // One signal of a kind per step: three agents correcting the same step are one witness
    // to one mistake, and counting each would let a long argument outweigh the evidence.
    const own = signals.filter(
      (s, k) =>
        s.step === step.index &&
        signals.findIndex((o) => o.step === s.step && o.kind === s.kind) === k,
    );
    const score = own.reduce((sum, s) => sum + s.weight, 0) + prior * (1 - i / last);
    scored.push({ step, score, signals: own.sort((a, b) => b.weight - a.weight) });
  });
  return scored;
}

/** The offline attributor: the best-scored step (earliest on ties) and its agent. */
export function attributeHeuristic(
  trajectory: Trajectory,
  options: HeuristicOptions = {},
): Attribution {
  if (trajectory.steps.length === 0)
    throw new InputError(`trajectory ${trajectory.id} has no steps to attribute`);
  const scored = scoreSteps(trajectory, options);
  let best: ScoredStep | undefined;
  for (const s of scored) if (!best || s.score > best.score) best = s;
  // Nothing but the asker and tools spoke: the first step is all there is to blame.
  const step = best?.step ?? (trajectory.steps[0] as Step);
  const evidence =
    best?.signals.filter((s) => s.weight > 0).map((s) => `${s.kind}: ${s.evidence}`) ?? [];
  if (evidence.length === 0)
    evidence.push(`no signal; earliest decision: "${quote(step.content)}"`);
  return { strategy: "heuristic", agent: step.agent, step, evidence };
}
