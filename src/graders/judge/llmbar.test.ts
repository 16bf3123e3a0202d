import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { accuracy, cohensKappa, confusionMatrix } from "../../stats/index.js";
import { calibrateJudge } from "./calibrate.js";
import { type LabelSet, parseLabels } from "./labels.js";
import { createJudgeRuntime } from "./runtime.js";

const DIR = fileURLToPath(new URL("../../../../shared/data/judge/llmbar", import.meta.url));
const SUBSETS = [
  "natural",
  "adversarial-neighbor",
  "adversarial-gptinst",
  "adversarial-gptout",
  "adversarial-manual",
];

function rows(file: string): Array<Record<string, unknown>> {
  return readFileSync(join(DIR, file), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Cohen's kappa straight from a 2×2 (or k×k) table, written out independently of the stats module. */
function kappaByHand(truth: unknown[], predicted: unknown[], labels: unknown[]): number {
  const k = labels.length;
  const n = truth.length;
  const m = labels.map(() => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) m[labels.indexOf(truth[i])]![labels.indexOf(predicted[i])]!++;
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    po += m[i]![i]! / n;
    const row = m[i]!.reduce((s, v) => s + v, 0) / n;
    const col = m.reduce((s, r) => s + r[i]!, 0) / n;
    pe += row * col;
  }
  return (po - pe) / (1 - pe);
}

const instances = SUBSETS.flatMap((s) => rows(`${s}.jsonl`));
const verdicts = new Map(
  rows("gpt4-vanilla-verdicts.jsonl").map((v) => [v.id as string, v] as const),
);

describe("LLMBar (419 human-labelled pairs)", () => {
  it("has the documented shape: 419 rows, verdicts for each, 30 order disagreements", () => {
    expect(instances).toHaveLength(419);
    expect(verdicts.size).toBe(419);
    const flips = [...verdicts.values()].filter((v) => v.verdict !== v.verdict_swapped).length;
    expect(flips).toBe(30);
  });

  it("GPT-4's stored verdicts: kappa equals a from-scratch computation; Natural accuracy is high", () => {
    const truth = instances.map((r) => r.label as number);
    const verdict = instances.map((r) => verdicts.get(r.id as string)!.verdict as number);
    const k = cohensKappa(truth, verdict, { labels: [1, 2] });
    expect(k.kappa).toBeCloseTo(kappaByHand(truth, verdict, [1, 2]), 12);
    const cm = confusionMatrix(truth, verdict, [1, 2]);
    expect(cm.matrix[0]![0]! + cm.matrix[1]![1]!).toBe(Math.round(accuracy(truth, verdict) * 419));
    const natural = instances.filter((r) => r.subset === "natural");
    const natAcc = accuracy(
      natural.map((r) => r.label as number),
      natural.map((r) => verdicts.get(r.id as string)!.verdict as number),
    );
    expect(natAcc).toBeGreaterThan(0.8);
    // Adversarial subsets are built to fool judges: accuracy there is lower than on Natural.
    const adv = instances.filter((r) => r.subset !== "natural");
    const advAcc = accuracy(
      adv.map((r) => r.label as number),
      adv.map((r) => verdicts.get(r.id as string)!.verdict as number),
    );
    expect(advAcc).toBeLessThan(natAcc);
    console.log(
      `GPT-4 vanilla: accuracy ${accuracy(truth, verdict).toFixed(3)}, kappa ${k.kappa.toFixed(3)} ± ${k.se.toFixed(3)}, flip rate ${(30 / 419).toFixed(3)}, natural accuracy ${natAcc.toFixed(3)}`,
    );
  });

  it("sim judge calibration: reported kappa and accuracy agree with its own confusion matrix", async () => {
    const text = SUBSETS.map((s) => readFileSync(join(DIR, `${s}.jsonl`), "utf8")).join("\n");
    const labels: LabelSet = parseLabels(text, "llmbar.jsonl");
    expect(labels.mode).toBe("pairwise");
    expect(labels.rows).toHaveLength(419);
    const result = await calibrateJudge(labels, {
      name: "sim",
      spec: { type: "pairwise", model: "sim:judge" },
      runtime: createJudgeRuntime(),
      concurrency: 8,
    });
    expect(result.n).toBe(419);
    expect(result.errors).toBe(0);
    const { labels: ls, matrix } = result.confusion;
    const n = matrix.flat().reduce((s, v) => s + v, 0);
    expect(n).toBe(419);
    const diag = ls.reduce<number>((s, _, i) => s + matrix[i]![i]!, 0);
    expect(result.accuracy).toBeCloseTo(diag / n, 12);
    // Rebuild the label vectors from the matrix and recompute kappa by hand.
    const truth: unknown[] = [];
    const pred: unknown[] = [];
    ls.forEach((a, i) => {
      ls.forEach((b, j) => {
        for (let c = 0; c < matrix[i]![j]!; c++) {
          truth.push(a);
          pred.push(b);
        }
      });
    });
    expect(result.kappa.kappa).toBeCloseTo(kappaByHand(truth, pred, ls), 12);
    expect(result.flip_rate).toBeGreaterThanOrEqual(0);
    expect(result.flip_rate).toBeLessThanOrEqual(1);
    console.log(
      `sim:judge pairwise: accuracy ${result.accuracy.toFixed(3)}, kappa ${result.kappa.kappa.toFixed(3)} ± ${result.kappa.se.toFixed(3)}, flip rate ${result.flip_rate!.toFixed(3)}, labels ${ls.join("/")}, matrix ${JSON.stringify(matrix)}`,
    );
  }, 300_000);
});
