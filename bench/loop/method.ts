/** What every method (the loop's variants, the baselines) reports, and how it is scored. */
import type { Spend } from "./accounting.js";

/** One step of a method: a loop cycle, or a baseline's change of best prompt. */
export interface Step {
  /** Cycle number, or the baseline's step index. */
  index: number;
  /** What happened, in a few words. */
  outcome: string;
  /** This step's spend (a baseline's steps hold what was spent since the previous one). */
  spend: Spend;
  /** The best prompt after the step (the champion, for the loop). */
  prompt: string;
  promptTokens: number;
  /** Seeded modes present after the step (measured). */
  present: string[];
  /**
   * The loop only: seeded modes that fired on at least two cases of the cycle's own evaluation
   * of the champion it started from (one epoch, the pipeline's seed).
   */
  presentOwnEval?: string[];
  /** Blocking cases broken by this step's promotion (measured on a fresh seed). */
  regressions: string[];
  /** Measured mean score of the prompt after the step. */
  mean: number;
  /** The loop only: failures in the store after the cycle, by status (open = new or accepted). */
  failures?: { recorded: number; open: number; duplicate: number };
  /** The loop only: clusters built and targeted by the cycle. */
  clusters?: { built: number; targeted: number };
  /** The loop only: the step's rollouts by phase. */
  rollouts?: { evaluation: number; optimization: number; gate: number };
  /** Extra detail for the table (clusters targeted, gate verdict…). */
  detail?: string;
}

/** A patch a proposer wrote, and what validation made of it. */
export interface ProposalNote {
  step: number;
  target: string;
  operation: string;
  instruction: string;
  verdict: string;
  reason: string;
}

export interface MethodResult {
  name: string;
  steps: Step[];
  spend: Spend;
  /** Why it stopped. */
  stopped: string;
  /** Every proposal, when the method records them (the loop). */
  proposals?: ProposalNote[];
  /** The call budget it had (baselines). */
  budgetCalls?: number;
}
