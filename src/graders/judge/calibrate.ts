import type { AssertionSpec, Case, JsonValue } from "../../core/index.js";
import {
  accuracy,
  cohensKappa,
  confusionMatrix,
  type Label,
  perLabelScores,
} from "../../stats/index.js";
import type { JudgeCalibration } from "../../store/index.js";
import { compileAssertion } from "../compile.js";
import type { CompiledAssertion, GradeInput, GradeResult } from "../types.js";
import { judgeSpecVersion } from "./identity.js";
import type { LabelSet } from "./labels.js";
import type { JudgeRuntime } from "./types.js";

export interface CalibrationOptions {
  /** What the user calls this judge (assertion name or model); the store's `judge`. */
  name: string;
  spec: AssertionSpec;
  runtime: JudgeRuntime;
  concurrency?: number;
  now?: () => Date;
}

export interface KappaSummary {
  kappa: number;
  se: number;
  /** False when kappa is 0/0 (both raters used one and the same label); kappa is then 0. */
  defined: boolean;
}

export interface ThresholdChoice {
  threshold: number;
  kappa: number;
  balanced_accuracy: number;
}

export interface CalibrationResult {
  judge: string;
  version: string;
  model: string;
  mode: "pointwise" | "pairwise";
  labels_file: string;
  n: number;
  accuracy: number;
  kappa: KappaSummary;
  confusion: { labels: Label[]; matrix: number[][] };
  per_label: Array<{
    label: Label;
    precision: number;
    recall: number;
    f1: number;
    support: number;
  }>;
  /** Pointwise: the pass threshold on the normalized score that maximizes kappa. */
  tuned?: ThresholdChoice;
  /** Pairwise: share of items whose verdict changed when the order was swapped. */
  flip_rate?: number;
  errors: number;
  cost_usd: number;
}

function kappaOf(truth: Label[], predicted: Label[], labels: Label[]): KappaSummary {
  try {
    const k = cohensKappa(truth, predicted, { labels });
    return { kappa: k.kappa, se: k.se, defined: true };
  } catch {
    return { kappa: 0, se: 0, defined: false };
  }
}

function balancedAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  const recall = (label: string) => {
    let hit = 0;
    let n = 0;
    for (let i = 0; i < truth.length; i++) {
      if (truth[i] !== label) continue;
      n++;
      if (predicted[i] === label) hit++;
    }
    return n ? hit / n : 0;
  };
  return (recall("pass") + recall("fail")) / 2;
}

/**
 * The pass threshold on numeric scores that best agrees with pass/fail labels: every midpoint
 * between distinct scores is tried; the highest kappa wins, then balanced accuracy.
 */
export function tuneThreshold(
  scores: readonly number[],
  truth: readonly ("pass" | "fail")[],
): ThresholdChoice | undefined {
  const distinct = [...new Set(scores)].sort((a, b) => a - b);
  if (distinct.length < 2) return undefined;
  const candidates = distinct.slice(1).map((v, i) => (v + distinct[i]!) / 2);
  let best: ThresholdChoice | undefined;
  for (const t of candidates) {
    const predicted = scores.map((s) => (s >= t ? "pass" : "fail"));
    const k = kappaOf([...truth], predicted, ["fail", "pass"]);
    const choice = {
      threshold: t,
      kappa: k.kappa,
      balanced_accuracy: balancedAccuracy(truth, predicted),
    };
    if (
      !best ||
      choice.kappa > best.kappa + 1e-12 ||
      (Math.abs(choice.kappa - best.kappa) <= 1e-12 &&
        choice.balanced_accuracy > best.balanced_accuracy)
    ) {
      best = choice;
    }
  }
  return best;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, f: (t: T) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

function gradeInput(testCase: Case, output: string, runtime: JudgeRuntime): GradeInput {
  return {
    case: testCase,
    output,
    messages: [],
    tool_calls: [],
    side_effects: [],
    spans: [],
    steps: 0,
    latency_ms: 0,
    cost_usd: 0,
    usage: { input_tokens: 0, output_tokens: 0 },
    judge: runtime,
  };
}

function labelCase(id: string, input: string, reference: string | undefined): Case {
  return {
    id,
    input,
    ...(reference !== undefined ? { expected: { output: reference } } : {}),
    assertions: [],
    tags: [],
    severity: "warning",
  };
}

const costOf = (r: GradeResult) =>
  typeof r.details?.judge_cost_usd === "number" ? r.details.judge_cost_usd : 0;
const isError = (r: GradeResult) => r.details?.error_class === "judge_error";

/**
 * Runs a judge over human labels and measures agreement: accuracy, Cohen's kappa (with its
 * standard error), confusion matrix, per-label precision/recall, and for pointwise judges the
 * tuned pass threshold; for pairwise judges (asked in both orders) the position-flip rate.
 * A judge error counts as a wrong answer (label `error`), never as a skipped row.
 */
export async function calibrateJudge(
  labels: LabelSet,
  options: CalibrationOptions,
): Promise<CalibrationResult> {
  const compiled: CompiledAssertion = compileAssertion(options.spec, "judge", labels.file);
  const { version, model } = judgeSpecVersion(compiled, options.runtime);
  const concurrency = options.concurrency ?? 4;
  let truth: Label[];
  let predicted: Label[];
  let cost = 0;
  let errors = 0;
  let tuned: ThresholdChoice | undefined;
  let flipRate: number | undefined;

  if (labels.mode === "pairwise") {
    if (compiled.type !== "pairwise") {
      throw new Error(`pairwise labels need a pairwise judge, got \`${compiled.type}\``);
    }
    const results = await mapLimit(labels.rows, concurrency, async (row) => {
      const params = { ...(compiled.params as Record<string, unknown>), baseline: row.output_2 };
      return compiled.grader.grade(
        gradeInput(
          labelCase(row.id ?? `line-${row.line}`, row.instruction, undefined),
          row.output_1,
          options.runtime,
        ),
        params,
      );
    });
    truth = labels.rows.map((r) => r.label);
    let flips = 0;
    predicted = results.map((r) => {
      cost += costOf(r);
      if (isError(r)) {
        errors++;
        return "error";
      }
      if (r.details?.judge_flip === true) flips++;
      return r.score === 1 ? 1 : r.score === 0 ? 2 : "tie";
    });
    flipRate = flips / labels.rows.length;
  } else {
    const results = await mapLimit(labels.rows, concurrency, async (row) =>
      compiled.grader.grade(
        gradeInput(
          labelCase(`line-${row.line}`, row.input, row.reference),
          row.output,
          options.runtime,
        ),
        compiled.params,
      ),
    );
    truth = labels.rows.map((r) => r.label);
    const scores: number[] = [];
    const scoredTruth: ("pass" | "fail")[] = [];
    predicted = results.map((r, i) => {
      cost += costOf(r);
      if (isError(r)) {
        errors++;
        return "error";
      }
      scores.push(r.score);
      scoredTruth.push(labels.rows[i]!.label);
      return r.passed ? "pass" : "fail";
    });
    tuned = tuneThreshold(scores, scoredTruth);
  }

  const base: Label[] = labels.mode === "pairwise" ? [1, 2] : ["fail", "pass"];
  const extra = [...new Set(predicted.filter((p) => !base.includes(p)))];
  const all = [...base, ...extra];
  const cm = confusionMatrix(truth, predicted, all);
  const scoresByLabel = perLabelScores(truth, predicted, all);
  return {
    judge: options.name,
    version,
    model,
    mode: labels.mode,
    labels_file: labels.file,
    n: truth.length,
    accuracy: accuracy(truth, predicted),
    kappa: kappaOf(truth, predicted, all),
    confusion: { labels: cm.labels, matrix: cm.matrix },
    per_label: scoresByLabel.labels.filter((l) => base.includes(l.label)),
    ...(tuned ? { tuned } : {}),
    ...(flipRate !== undefined ? { flip_rate: flipRate } : {}),
    errors,
    cost_usd: cost,
  };
}

export interface DriftReport {
  drifted: boolean;
  /** Why, in one line; absent when there is nothing earlier to compare with. */
  message?: string;
  previous?: { version: string; kappa: number; kappa_se: number; created_at: string };
}

/**
 * Drift against earlier calibrations of the same judge name: for the same version, a kappa
 * change larger than the standard error of the difference (√(se₁² + se₂²)); for a changed
 * version, any drop in kappa.
 */
export function detectDrift(
  result: Pick<CalibrationResult, "version" | "kappa">,
  history: readonly JudgeCalibration[],
): DriftReport {
  const sameVersion = history.find((c) => c.version === result.version);
  const k = result.kappa.kappa;
  if (sameVersion) {
    const se = Math.sqrt(result.kappa.se ** 2 + sameVersion.kappa_se ** 2);
    const delta = k - sameVersion.kappa;
    const previous = {
      version: sameVersion.version,
      kappa: sameVersion.kappa,
      kappa_se: sameVersion.kappa_se,
      created_at: sameVersion.created_at,
    };
    if (Math.abs(delta) > se) {
      return {
        drifted: true,
        message: `judge drift: kappa ${sameVersion.kappa.toFixed(3)} → ${k.toFixed(3)} for the same judge version ${result.version} (change ${delta.toFixed(3)} exceeds its standard error ${se.toFixed(3)})`,
        previous,
      };
    }
    return {
      drifted: false,
      message: `no drift: kappa ${sameVersion.kappa.toFixed(3)} → ${k.toFixed(3)} (within ±${se.toFixed(3)})`,
      previous,
    };
  }
  const latest = history[0];
  if (latest && k < latest.kappa) {
    return {
      drifted: true,
      message: `judge changed (version ${latest.version} → ${result.version}) and kappa fell ${latest.kappa.toFixed(3)} → ${k.toFixed(3)}`,
      previous: {
        version: latest.version,
        kappa: latest.kappa,
        kappa_se: latest.kappa_se,
        created_at: latest.created_at,
      },
    };
  }
  return { drifted: false };
}

/** The stored record of a calibration (with its drift verdict in details). */
export function calibrationRecord(
  result: CalibrationResult,
  drift: DriftReport,
  createdAt: string,
): JudgeCalibration {
  return {
    judge: result.judge,
    version: result.version,
    model: result.model,
    mode: result.mode,
    labels_file: result.labels_file,
    n: result.n,
    accuracy: result.accuracy,
    kappa: result.kappa.kappa,
    kappa_se: result.kappa.se,
    ...(result.tuned ? { threshold: result.tuned.threshold } : {}),
    cost_usd: result.cost_usd,
    details: JSON.parse(
      JSON.stringify({
        kappa_defined: result.kappa.defined,
        confusion: result.confusion,
        per_label: result.per_label,
        tuned: result.tuned,
        flip_rate: result.flip_rate,
        errors: result.errors,
        drift,
      }),
    ) as JsonValue,
    created_at: createdAt,
  };
}
