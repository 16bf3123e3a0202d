import type { AssertionSpec, Case, JsonValue } from "../../core/index.js";
import type { Label } from "../../stats/index.js";
import type { JudgeCalibration } from "../../store/index.js";
import { compileAssertion } from "../compile.js";
import type { CompiledAssertion, GradeInput, GradeResult } from "../types.js";
import {
  type AgreementSummary,
  agreementOf,
  combinedVerdict,
  kappaOf,
  type PositionReport,
  positionReport,
  UNPARSED,
} from "./calibrate-agreement.js";
import type { JudgedRow } from "./calibrate-verdicts.js";
import { judgeSpecVersion } from "./identity.js";
import { type LabelSet, labelSetHash } from "./labels.js";
import type { JudgeRuntime } from "./types.js";

export interface CalibrationOptions {
  /** What the user calls this judge (assertion name or model); the store's `judge`. */
  name: string;
  spec: AssertionSpec;
  runtime: JudgeRuntime;
  concurrency?: number;
  now?: () => Date;
}

export type { KappaSummary } from "./calibrate-agreement.js";

export interface ThresholdChoice {
  threshold: number;
  kappa: number;
  balanced_accuracy: number;
}

export interface CalibrationResult extends AgreementSummary {
  judge: string;
  version: string;
  model: string;
  mode: "pointwise" | "pairwise";
  /** `judge`: a live judge was called; `verdicts`: verdicts it made earlier were read. */
  source: "judge" | "verdicts";
  labels_file: string;
  /** Hash of the label set's content: drift compares calibrations on the same labels only. */
  labels_hash: string;
  verdicts_file?: string;
  /** Pointwise: the pass threshold on the normalized score that maximizes kappa. */
  tuned?: ThresholdChoice;
  /** Pairwise: share of items where both orders parsed and chose differently. */
  flip_rate?: number;
  /** Pairwise in both orders: each order against the labels, and positional agreement. */
  positions?: PositionReport;
  errors: number;
  cost_usd: number;
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
  let positions: PositionReport | undefined;

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
    const inOrder: Label[] = [];
    const swapped: Label[] = [];
    predicted = results.map((r) => {
      cost += costOf(r);
      if (isError(r)) {
        errors++;
        inOrder.push(UNPARSED);
        swapped.push(UNPARSED);
        return "error";
      }
      inOrder.push(orderChoice(r.details?.judge_in_order));
      swapped.push(orderChoice(r.details?.judge_swapped));
      return r.score === 1 ? 1 : r.score === 0 ? 2 : "tie";
    });
    positions = positionReport(truth, inOrder, swapped, PAIRWISE_SCALE);
    flipRate = flipRateOf(inOrder, swapped);
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

  return {
    judge: options.name,
    version,
    model,
    mode: labels.mode,
    source: "judge",
    labels_file: labels.file,
    labels_hash: labelSetHash(labels),
    ...agreementOf(truth, predicted, scaleFor(labels.mode)),
    ...(tuned ? { tuned } : {}),
    ...(flipRate !== undefined ? { flip_rate: flipRate } : {}),
    ...(positions ? { positions } : {}),
    errors,
    cost_usd: cost,
  };
}

const PAIRWISE_SCALE: readonly Label[] = [1, 2];
const POINTWISE_SCALE: readonly Label[] = ["fail", "pass"];
const scaleFor = (mode: LabelSet["mode"]) =>
  mode === "pairwise" ? PAIRWISE_SCALE : POINTWISE_SCALE;

/** One order's choice from the pairwise grader's details (1, 2 or tie; anything else did not parse). */
function orderChoice(value: unknown): Label {
  return value === 1 || value === 2 || value === "tie" ? value : UNPARSED;
}

function flipRateOf(inOrder: readonly Label[], swapped: readonly Label[]): number {
  let flips = 0;
  for (let i = 0; i < inOrder.length; i++) {
    if (inOrder[i] !== UNPARSED && swapped[i] !== UNPARSED && inOrder[i] !== swapped[i]) flips++;
  }
  return flips / inOrder.length;
}

export interface VerdictCalibrationOptions {
  name: string;
  version: string;
  model: string;
  verdictsFile: string;
}

/**
 * Agreement of verdicts a judge already made (a benchmark's stored results, a vendor's export)
 * with human labels, measured exactly as for a live judge. With both orders, the combined
 * verdict is their common choice (a tie when they differ) and each order is also reported on
 * its own. Threshold tuning needs scores, so pointwise verdict files get none.
 */
export function calibrateFromVerdicts(
  labels: LabelSet,
  judged: readonly JudgedRow[],
  options: VerdictCalibrationOptions,
): CalibrationResult {
  const truth = judged.map((r) => r.truth);
  const bothOrders =
    labels.mode === "pairwise" && judged.every((r) => r.verdict_swapped !== undefined);
  const inOrder = judged.map((r) => r.verdict);
  const swapped = bothOrders ? judged.map((r) => r.verdict_swapped!) : [];
  const predicted = bothOrders ? inOrder.map((v, i) => combinedVerdict(v, swapped[i]!)) : inOrder;
  const scale = scaleFor(labels.mode);
  return {
    judge: options.name,
    version: options.version,
    model: options.model,
    mode: labels.mode,
    source: "verdicts",
    labels_file: labels.file,
    labels_hash: labelSetHash(labels),
    verdicts_file: options.verdictsFile,
    ...agreementOf(truth, predicted, scale),
    ...(bothOrders
      ? {
          flip_rate: flipRateOf(inOrder, swapped),
          positions: positionReport(truth, inOrder, swapped, scale),
        }
      : {}),
    errors: 0,
    cost_usd: 0,
  };
}

export interface DriftReport {
  drifted: boolean;
  /** Why, in one line; absent when there is nothing earlier to compare with. */
  message?: string;
  previous?: { version: string; kappa: number; kappa_se: number; created_at: string };
}

/**
 * Drift against earlier calibrations of the same judge name on the same label set (same
 * `labels_hash`; a calibration stored before label sets were hashed compares with nothing):
 * for the same version, a kappa change larger than the standard error of the difference
 * (√(se₁² + se₂²)); for a changed version, any drop in kappa.
 */
export function detectDrift(
  result: Pick<CalibrationResult, "version" | "kappa" | "labels_hash">,
  everything: readonly JudgeCalibration[],
): DriftReport {
  const history = everything.filter((c) => c.labels_hash === result.labels_hash);
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
    labels_hash: result.labels_hash,
    n: result.n,
    accuracy: result.accuracy,
    kappa: result.kappa.kappa,
    kappa_se: result.kappa.se,
    ...(result.tuned ? { threshold: result.tuned.threshold } : {}),
    cost_usd: result.cost_usd,
    details: JSON.parse(
      JSON.stringify({
        source: result.source,
        verdicts_file: result.verdicts_file,
        kappa_defined: result.kappa.defined,
        confusion: result.confusion,
        per_label: result.per_label,
        tuned: result.tuned,
        flip_rate: result.flip_rate,
        positions: result.positions,
        errors: result.errors,
        drift,
      }),
    ) as JsonValue,
    created_at: createdAt,
  };
}
