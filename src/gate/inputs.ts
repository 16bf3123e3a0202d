import type { LoadedConfig } from "../config/index.js";
import { caseHash } from "../core/index.js";
import { selectCases } from "../eval/index.js";
import type { Store } from "../store/index.js";
import type { ChangePlan } from "./change-types.js";
import { caseHistories } from "./history.js";
import { judgeNoiseFromConfusion, type SideAttempts, soleJudgeVersions } from "./observe.js";
import { type GateVersion, versionRef } from "./registry.js";
import type { CaseHistory, CaseSeverity, JudgeNoise } from "./types.js";

export interface CaseInfo {
  hash: string;
  severity: CaseSeverity;
}

/** The change type's cases, each hashed; those with the sealed tag held apart. */
export async function selectGateCases(
  loaded: LoadedConfig,
  plan: ChangePlan,
  sealedTag: string,
): Promise<{ main: Map<string, CaseInfo>; sealed: Map<string, CaseInfo> }> {
  const main = new Map<string, CaseInfo>();
  const sealed = new Map<string, CaseInfo>();
  const flags = plan.tags ? { filter_tags: plan.tags } : {};
  for await (const testCase of selectCases(loaded, flags, plan.suites)) {
    const info = { hash: caseHash(testCase), severity: testCase.severity };
    (testCase.tags.includes(sealedTag) ? sealed : main).set(testCase.id, info);
  }
  return { main, sealed };
}

/** What the verdict needs beside the observations: case histories and judges' noise. */
export async function gateExtras(
  store: Store,
  champion: GateVersion,
  championRuns: ReadonlySet<string>,
  left: SideAttempts,
  right: SideAttempts,
): Promise<{
  history: Map<string, CaseHistory>;
  judgeNoise: JudgeNoise[];
  judgeNotes: string[];
}> {
  const history = caseHistories(store.gate.caseOutcomes(versionRef(champion)), championRuns);
  const judgeNoise: JudgeNoise[] = [];
  const judgeNotes: string[] = [];
  // A calibrated judge that shares its dimension with other graders: its error rates are
  // known but describe only part of the score, so the interval does not carry them.
  const sole = soleJudgeVersions(left, right);
  for (const [dimension, versions] of left.judges) {
    if (sole.has(dimension)) continue;
    for (const version of versions) {
      if (!version) continue;
      const calibration = await store.judges.latestForVersion(version);
      if (!calibration) continue;
      judgeNotes.push(
        `${dimension}: judge ${calibration.judge} is calibrated (accuracy ${(calibration.accuracy * 100).toFixed(0)}%, κ ${calibration.kappa.toFixed(2)}) but shares the dimension with other graders, so its error rates are not in the interval`,
      );
    }
  }
  for (const [dimension, version] of sole) {
    const calibration = await store.judges.latestForVersion(version);
    const details = calibration?.details as {
      confusion?: { labels: string[]; matrix: number[][] };
    } | null;
    const noise = judgeNoiseFromConfusion(
      dimension,
      calibration?.judge ?? version,
      details?.confusion,
    );
    if (noise) judgeNoise.push(noise);
  }
  return { history, judgeNoise, judgeNotes };
}
