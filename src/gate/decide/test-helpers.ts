import type { CaseSeverity, GateSettings, PairedObservation, SideObservation } from "../types.js";

/** Test-only builders (not exported from the module's face). */
export function side(
  overall: number,
  passed = true,
  dimensions: Record<string, number> = {},
): SideObservation {
  return { passed, overall, dimensions, latencyMs: 1, costUsd: 0, errored: false };
}

export function pair(
  caseId: string,
  epoch: number,
  champion: SideObservation,
  challenger: SideObservation,
  severity: CaseSeverity = "blocking",
): PairedObservation {
  return { caseId, epoch, severity, champion, challenger };
}

export const SETTINGS: GateSettings = {
  minimumScore: 0,
  test: "paired_t_test",
  alpha: 0.05,
  regressionTolerance: 0,
  dimensions: [],
  seed: 1,
  resamples: 2000,
};

/** R's `sleep` data (extra hours of sleep, two drugs on the same 10 patients), as 0..1 scores. */
export const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
export const SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
/** 0.5 + x / 20 keeps every value in [0, 1]; t and rank p-values do not change with scale. */
export const toScore = (x: number) => 0.5 + x / 20;

export function sleepObservations(): PairedObservation[] {
  return SLEEP_1.map((a, i) => pair(`c${i}`, 1, side(toScore(a)), side(toScore(SLEEP_2[i]!))));
}
