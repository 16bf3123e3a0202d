import type { GateDecisionRecord } from "../store/index.js";
import type { ChangePlan } from "./change-types.js";
import { type GateVersion, versionRef } from "./registry.js";
import type { GateSettings, GateVerdict, JudgeNoise, PairedObservation } from "./types.js";

/** What each side ran and reused over all rounds and the confirmation. */
export interface SideTally {
  runs: Set<string>;
  reused: number;
  ran: number;
}

export function tally(
  into: SideTally,
  side: { runs: string[]; reused: number; ran: number },
): void {
  for (const run of side.runs) into.runs.add(run);
  into.reused += side.reused;
  into.ran += side.ran;
}

export interface SideEvidence {
  version: string;
  labels: string[];
  runs: string[];
  reused: number;
  ran: number;
}

export interface RoundEvidence {
  round: number;
  /** Case × epoch pairs decided on after this round. */
  pairs: number;
  maxEpochs: number;
  verdict: GateVerdict["verdict"];
  reasons: string[];
}

export interface GateEvidence {
  settings: GateSettings;
  plan: ChangePlan;
  changed: string[];
  cases: number;
  sealedCases: number;
  champion: SideEvidence;
  challenger: SideEvidence;
  rounds: RoundEvidence[];
  sequential: boolean;
  judgeNoise: JudgeNoise[];
  /** Calibrated judges whose error rates could not be applied, and why. */
  judgeNotes: string[];
  historyCases: number;
  /** The shadow run (`ratchet shadow`) a model change was accepted on. */
  shadow?: string;
  verdict: GateVerdict;
  confirmation?: {
    on: "sealed split" | "fresh seed";
    seed: number;
    cases: number;
    confirmed: boolean;
    verdict: GateVerdict;
  };
  promotion?: { requested: boolean; label: string; moved: boolean; why: string };
}

export interface GateOutcome {
  decision: GateDecisionRecord;
  evidence: GateEvidence;
  /** Regressions newly stored as failures (`ratchet failures list --type regression`). */
  recordedFailures?: number;
}

export function sideEvidence(version: GateVersion, side: SideTally): SideEvidence {
  return {
    version: versionRef(version),
    labels: version.labels,
    runs: [...side.runs],
    reused: side.reused,
    ran: side.ran,
  };
}

export function roundEvidence(
  round: number,
  observations: PairedObservation[],
  wanted: ReadonlyMap<string, number>,
  verdict: GateVerdict,
): RoundEvidence {
  return {
    round,
    pairs: observations.length,
    maxEpochs: Math.max(...wanted.values()),
    verdict: verdict.verdict,
    reasons: verdict.reasons.slice(0, 3),
  };
}

/** A stored decision as the reports render it. */
export function outcomeOf(decision: GateDecisionRecord): GateOutcome {
  return { decision, evidence: decision.evidence as unknown as GateEvidence };
}
