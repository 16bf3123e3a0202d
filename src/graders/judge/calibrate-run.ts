import { createHash } from "node:crypto";
import { basename, extname } from "node:path";
import type { AssertionSpec } from "../../core/index.js";
import { InputError } from "../../core/index.js";
import type { JudgeCalibration, JudgeStore } from "../../store/index.js";
import { compileAssertion } from "../compile.js";
import {
  type CalibrationResult,
  calibrateFromVerdicts,
  calibrateJudge,
  calibrationRecord,
  type DriftReport,
  detectDrift,
} from "./calibrate.js";
import { joinVerdicts, readVerdicts } from "./calibrate-verdicts.js";
import { DEFAULT_RUBRIC, JUDGE_TYPES, judgeSpecVersion } from "./identity.js";
import { type LabelSet, readLabels } from "./labels.js";
import type { JudgeRuntime } from "./types.js";

export interface CalibrateRequest {
  labelsPath: string;
  /** Verdicts already made (JSONL `{id, verdict, verdict_swapped?}`) instead of calling a judge. */
  verdictsPath?: string;
  /** An assertion name (or type) from `evaluation.assertions`, or a model spec. */
  judge?: string;
  assertions: readonly AssertionSpec[];
  runtime: JudgeRuntime;
  store: { judges: JudgeStore };
  concurrency?: number;
  now?: () => Date;
}

export interface CalibrateOutcome {
  result: CalibrationResult;
  drift: DriftReport;
  record: JudgeCalibration;
}

/** Which judge `--judge` names: a configured judge assertion, else a model with default rubric. */
export function resolveJudgeSpec(
  judge: string | undefined,
  labels: LabelSet,
  assertions: readonly AssertionSpec[],
  runtime: Pick<JudgeRuntime, "defaultModel">,
): { name: string; spec: AssertionSpec } {
  const judges = assertions.filter((a) => JUDGE_TYPES.has(a.type));
  if (judge !== undefined) {
    const found =
      judges.find((a) => a.name === judge) ?? judges.find((a) => a.type === judge && !a.name);
    if (found) return { name: judge, spec: found };
    if (!judge.includes(":")) {
      const names = judges.map((a) => (typeof a.name === "string" ? a.name : a.type));
      throw new InputError(
        `no judge assertion named \`${judge}\` in evaluation.assertions${names.length ? ` (judges: ${names.join(", ")})` : ""}; or pass a model spec such as sim:judge`,
        { key: "--judge" },
      );
    }
    return { name: judge, spec: defaultSpec(judge, labels) };
  }
  const first = judges.find((a) => (labels.mode === "pairwise") === (a.type === "pairwise"));
  if (first) return { name: typeof first.name === "string" ? first.name : first.type, spec: first };
  if (!runtime.defaultModel) {
    throw new InputError(
      "no judge to calibrate: pass --judge <assertion name or model>, or set evaluation.judge_model",
      { key: "--judge" },
    );
  }
  return { name: runtime.defaultModel, spec: defaultSpec(runtime.defaultModel, labels) };
}

function defaultSpec(model: string, labels: LabelSet): AssertionSpec {
  return labels.mode === "pairwise"
    ? { type: "pairwise", model }
    : { type: "judge", model, rubric: DEFAULT_RUBRIC };
}

/**
 * Who made the verdicts of a verdicts file: a configured judge assertion (its version and
 * model), else a name for an outside judge (default the file's name) whose version is the
 * hash of that name, so its calibrations line up with each other and nothing else.
 */
export function verdictJudge(
  judge: string | undefined,
  verdictsPath: string,
  assertions: readonly AssertionSpec[],
  runtime: Pick<JudgeRuntime, "defaultModel" | "dimensionModels">,
): { name: string; version: string; model: string } {
  const name = judge ?? basename(verdictsPath, extname(verdictsPath));
  const spec = assertions
    .filter((a) => JUDGE_TYPES.has(a.type))
    .find((a) => a.name === name || (a.type === name && !a.name));
  if (spec) {
    const compiled = compileAssertion(spec, "judge", undefined);
    return { name, ...judgeSpecVersion(compiled, runtime) };
  }
  const version = createHash("sha256").update(`verdicts\u0000${name}`).digest("hex").slice(0, 12);
  return { name, version, model: "external" };
}

/** Calibrate (a live judge, or stored verdicts), compare with history (drift), store the result. */
export async function runJudgeCalibration(req: CalibrateRequest): Promise<CalibrateOutcome> {
  const labels = await readLabels(req.labelsPath);
  let result: CalibrationResult;
  if (req.verdictsPath !== undefined) {
    const verdicts = await readVerdicts(req.verdictsPath, labels.mode);
    const judged = joinVerdicts(labels, verdicts, req.verdictsPath);
    const who = verdictJudge(req.judge, req.verdictsPath, req.assertions, req.runtime);
    result = calibrateFromVerdicts(labels, judged, { ...who, verdictsFile: req.verdictsPath });
  } else {
    const { name, spec } = resolveJudgeSpec(req.judge, labels, req.assertions, req.runtime);
    result = await calibrateJudge(labels, {
      name,
      spec,
      runtime: req.runtime,
      ...(req.concurrency ? { concurrency: req.concurrency } : {}),
    });
  }
  const history = await req.store.judges.listCalibrations({
    judge: result.judge,
    labels_hash: result.labels_hash,
  });
  const drift = detectDrift(result, history);
  const record = calibrationRecord(result, drift, (req.now?.() ?? new Date()).toISOString());
  record.id = await req.store.judges.saveCalibration(record);
  return { result, drift, record };
}
