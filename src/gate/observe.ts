import type { Attempt } from "../core/index.js";
import type { JudgeNoise, PairedObservation, SideObservation } from "./types.js";

/** The few numbers the gate needs from a stored attempt. */
export function observe(attempt: Attempt): SideObservation {
  const dimensions: Record<string, number> = {};
  for (const [name, score] of Object.entries(attempt.dimension_scores)) {
    if (typeof score === "number") dimensions[name] = score;
  }
  return {
    passed: attempt.status === "passed",
    overall: attempt.status === "error" ? 0 : attempt.overall,
    dimensions,
    latencyMs: attempt.latency_ms,
    costUsd: attempt.cost_usd,
    errored: attempt.status === "error",
  };
}

export const pairKey = (caseId: string, epoch: number): string => `${caseId}\u0000${epoch}`;

/** One side's attempts, keyed by (case, epoch), with what the pairing needs about each case. */
export interface SideAttempts {
  byKey: Map<string, SideObservation>;
  /** Which judge version scored each dimension (from the graders' details). */
  judges: Map<string, Set<string>>;
}

export function emptySide(): SideAttempts {
  return { byKey: new Map(), judges: new Map() };
}

export function addAttempt(side: SideAttempts, attempt: Attempt): void {
  side.byKey.set(pairKey(attempt.case_id, attempt.epoch), observe(attempt));
  for (const score of attempt.scores) {
    const version = score.details?.judge_version;
    const key = score.dimension;
    let versions = side.judges.get(key);
    if (!versions) {
      versions = new Set();
      side.judges.set(key, versions);
    }
    // A dimension also scored by a non-judge grader is not a judge's alone: mark it mixed.
    versions.add(typeof version === "string" ? version : "");
  }
}

export interface PairingResult {
  observations: PairedObservation[];
  onlyChampion: number;
  onlyChallenger: number;
}

/** Pairs the two sides by (case, epoch); a key present on one side only is counted, not paired. */
export function pairSides(
  champion: SideAttempts,
  challenger: SideAttempts,
  severityOf: (caseId: string) => PairedObservation["severity"],
): PairingResult {
  const observations: PairedObservation[] = [];
  let onlyChampion = 0;
  for (const [key, left] of champion.byKey) {
    const right = challenger.byKey.get(key);
    if (!right) {
      onlyChampion++;
      continue;
    }
    const [caseId = "", epoch = "0"] = key.split("\u0000");
    observations.push({
      caseId,
      epoch: Number(epoch),
      severity: severityOf(caseId),
      champion: left,
      challenger: right,
    });
  }
  return {
    observations,
    onlyChampion,
    onlyChallenger: challenger.byKey.size - (champion.byKey.size - onlyChampion),
  };
}

/**
 * The judge behind a dimension, when one judge version alone scored it on both sides: the
 * only case where its calibrated error rates describe the dimension's noise.
 */
export function soleJudgeVersions(
  champion: SideAttempts,
  challenger: SideAttempts,
): Map<string, string> {
  const sole = new Map<string, string>();
  for (const [dimension, versions] of champion.judges) {
    const other = challenger.judges.get(dimension);
    if (versions.size !== 1 || other?.size !== 1) continue;
    const [version] = versions;
    if (version && other.has(version)) sole.set(dimension, version);
  }
  return sole;
}

const POSITIVE = /^(pass|passed|yes|true|1|good|correct|resolved|acceptable)$/i;

/**
 * Sensitivity and specificity from a calibration's confusion matrix (rows: human labels,
 * columns: the judge), when the labels are binary and one of them reads as a pass.
 */
export function judgeNoiseFromConfusion(
  dimension: string,
  judge: string,
  confusion: { labels: string[]; matrix: number[][] } | undefined,
): JudgeNoise | undefined {
  if (confusion?.labels.length !== 2) return undefined;
  const positive = confusion.labels.findIndex((label) => POSITIVE.test(String(label)));
  if (positive < 0) return undefined;
  const negative = 1 - positive;
  const row = (i: number) => confusion.matrix[i] ?? [];
  const tp = row(positive)[positive] ?? 0;
  const fn = row(positive)[negative] ?? 0;
  const tn = row(negative)[negative] ?? 0;
  const fp = row(negative)[positive] ?? 0;
  if (tp + fn === 0 || tn + fp === 0) return undefined;
  return {
    dimension,
    judge,
    sensitivity: tp / (tp + fn),
    specificity: tn / (tn + fp),
    positives: tp + fn,
    negatives: tn + fp,
  };
}
