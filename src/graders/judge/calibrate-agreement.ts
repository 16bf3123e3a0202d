import {
  accuracy,
  cohensKappa,
  confusionMatrix,
  type Label,
  perLabelScores,
} from "../../stats/index.js";

/** A verdict that did not parse (or a judge call that failed): wrong against every label. */
export const UNPARSED = "unparsed";

export interface KappaSummary {
  kappa: number;
  se: number;
  /** False when kappa is 0/0 (both raters used one and the same label); kappa is then 0. */
  defined: boolean;
}

export function kappaOf(truth: Label[], predicted: Label[], labels: Label[]): KappaSummary {
  try {
    const k = cohensKappa(truth, predicted, { labels });
    return { kappa: k.kappa, se: k.se, defined: true };
  } catch {
    return { kappa: 0, se: 0, defined: false };
  }
}

/** The label scale plus whatever else the judge said (tie, unparsed, error), in that order. */
export function scaleOf(base: readonly Label[], predicted: readonly Label[]): Label[] {
  const extra = [...new Set(predicted.filter((p) => !base.includes(p)))];
  return [...base, ...extra];
}

export interface AgreementSummary {
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
}

/** Accuracy, Cohen's kappa (± SE), confusion and per-label scores of verdicts against labels. */
export function agreementOf(
  truth: Label[],
  predicted: Label[],
  base: readonly Label[],
): AgreementSummary {
  const all = scaleOf(base, predicted);
  const cm = confusionMatrix(truth, predicted, all);
  return {
    n: truth.length,
    accuracy: accuracy(truth, predicted),
    kappa: kappaOf(truth, predicted, all),
    confusion: { labels: cm.labels, matrix: cm.matrix },
    per_label: perLabelScores(truth, predicted, all).labels.filter((l) => base.includes(l.label)),
  };
}

/** One presentation order judged on its own against the labels. */
export interface OrderAgreement {
  /** Rows where this order's verdict equals the label (an unparsed verdict is wrong). */
  correct: number;
  accuracy: number;
  kappa: KappaSummary;
  unparsed: number;
}

export interface PositionReport {
  /** Outputs shown in dataset order (output_1 first). */
  in_order: OrderAgreement;
  /** Outputs shown swapped (output_2 first), verdict mapped back to dataset numbering. */
  swapped: OrderAgreement;
  /** Mean of the two orders' accuracies (LLMBar's "Acc."). */
  mean_accuracy: number;
  /** Rows where both orders chose the label. */
  both_correct: number;
  /** Rows where both orders parsed and chose the same; an unparsed verdict is a disagreement. */
  agreed: number;
  positional_agreement: number;
  /** Cohen's kappa between the two orders' verdicts: positional agreement beyond chance. */
  order_kappa: KappaSummary;
}

function orderAgreement(truth: Label[], verdicts: Label[], base: readonly Label[]): OrderAgreement {
  let correct = 0;
  let unparsed = 0;
  for (let i = 0; i < truth.length; i++) {
    if (verdicts[i] === truth[i]) correct++;
    if (verdicts[i] === UNPARSED) unparsed++;
  }
  return {
    correct,
    accuracy: correct / truth.length,
    kappa: kappaOf(truth, verdicts, scaleOf(base, verdicts)),
    unparsed,
  };
}

/** Kappa between the orders, where two unparsed verdicts disagree like any unparsed one. */
function orderKappa(inOrder: Label[], swapped: Label[], base: readonly Label[]): KappaSummary {
  const second = swapped.map((v) => (v === UNPARSED ? `${UNPARSED} (swapped)` : v));
  return kappaOf(inOrder, second, scaleOf(base, [...inOrder, ...second]));
}

/**
 * Position bias of a pairwise judge asked in both orders: each order against the labels on its
 * own (accuracy, kappa), how often both were right, and how often the two orders agreed.
 */
export function positionReport(
  truth: Label[],
  inOrder: Label[],
  swapped: Label[],
  base: readonly Label[],
): PositionReport {
  const a = orderAgreement(truth, inOrder, base);
  const b = orderAgreement(truth, swapped, base);
  let both = 0;
  let agreed = 0;
  for (let i = 0; i < truth.length; i++) {
    if (inOrder[i] === truth[i] && swapped[i] === truth[i]) both++;
    if (inOrder[i] !== UNPARSED && inOrder[i] === swapped[i]) agreed++;
  }
  return {
    in_order: a,
    swapped: b,
    mean_accuracy: (a.accuracy + b.accuracy) / 2,
    both_correct: both,
    agreed,
    positional_agreement: agreed / truth.length,
    order_kappa: orderKappa(inOrder, swapped, base),
  };
}

/** The verdict of both orders together: their common choice, a tie when they differ. */
export function combinedVerdict(inOrder: Label, swapped: Label): Label {
  if (inOrder === UNPARSED || swapped === UNPARSED) return UNPARSED;
  return inOrder === swapped ? inOrder : "tie";
}
