import { resolve } from "node:path";
import type { Command } from "commander";
import { EXIT } from "../../core/index.js";
import {
  compareVariants,
  judgeRuntimeFromConfig,
  judgeWarnings,
  type OrderAgreement,
  type PositionReport,
  runJudgeCalibration,
} from "../../graders/index.js";
import { formatPct, formatScore, formatUsd, renderTable } from "../../report/index.js";
import type { JudgeCalibration } from "../../store/index.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";

interface CalibrateFlags {
  config?: string;
  labels: string;
  verdicts?: string;
  judge?: string;
  cache: boolean;
  json?: boolean;
}

const f3 = (x: number) => x.toFixed(3);

export function registerJudge(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  const judge = program
    .command("judge")
    .description("LLM judges: calibrate against human labels, show");
  judge
    .command("calibrate")
    .description("compare a judge with human labels (accuracy, Cohen's kappa, threshold, drift)")
    .requiredOption(
      "--labels <file>",
      "JSONL: {input, output, label} or {instruction, output_1, output_2, label: 1|2}",
    )
    .option(
      "--verdicts <file>",
      "verdicts the judge already made, JSONL {id, verdict, verdict_swapped?} joined to --labels by id; no judge is called",
    )
    .option(
      "--judge <name>",
      "a judge assertion's name in evaluation.assertions, or a model spec; with --verdicts, the judge's name (default the file's name)",
    )
    .option("-c, --config <path>", "config file")
    .option("--no-cache", "do not read or write the response cache")
    .option("--json", "machine-readable")
    .action(async (flags: CalibrateFlags) => {
      const { store, config, dir } = await openProject(
        flags.config ? { config: flags.config } : {},
      );
      try {
        const runtime = judgeRuntimeFromConfig(config, {
          cwd: dir,
          store,
          noCache: !flags.cache,
        });
        const { result, drift } = await runJudgeCalibration({
          labelsPath: resolve(process.cwd(), flags.labels),
          ...(flags.verdicts ? { verdictsPath: resolve(process.cwd(), flags.verdicts) } : {}),
          ...(flags.judge ? { judge: flags.judge } : {}),
          assertions: config.evaluation.assertions,
          runtime,
          store,
          concurrency: config.evaluation.judges.concurrency,
        });
        if (flags.json) {
          output.out(JSON.stringify({ ...result, drift }, null, 2));
        } else {
          const k = result.kappa;
          const lines = [
            `judge ${result.judge} (${result.model}, version ${result.version}), ${result.mode}, n=${result.n}` +
              (result.source === "verdicts" ? `, stored verdicts ${result.verdicts_file}` : "") +
              `, labels ${result.labels_hash}`,
            `accuracy ${formatPct(result.accuracy)}   kappa ${kappaText(k)}` +
              (result.flip_rate !== undefined
                ? `   position flips ${formatPct(result.flip_rate)}`
                : "") +
              (result.errors ? `   judge errors ${result.errors}` : "") +
              `   cost ${formatUsd(result.cost_usd)}`,
          ];
          if (result.positions) lines.push(...positionLines(result.positions));
          if (result.tuned) {
            lines.push(
              `tuned pass threshold ${f3(result.tuned.threshold)} (kappa ${f3(result.tuned.kappa)}, balanced accuracy ${formatPct(result.tuned.balanced_accuracy)})`,
            );
          }
          output.out(lines.join("\n"));
          output.out(
            renderTable(
              ["human \\ judge", ...result.confusion.labels.map(String)],
              result.confusion.matrix.map((row, i) => [
                String(result.confusion.labels[i]),
                ...row.map(String),
              ]),
            ),
          );
          output.out(
            renderTable(
              ["label", "precision", "recall", "f1", "support"],
              result.per_label.map((l) => [
                String(l.label),
                f3(l.precision),
                f3(l.recall),
                f3(l.f1),
                String(l.support),
              ]),
            ),
          );
          if (drift.message) output.out(drift.message);
        }
        if (drift.drifted) {
          output.err(`warning: ${drift.message}`);
          setExit(EXIT.failed);
        }
        const floor = config.evaluation.judge_kappa_floor;
        if (result.kappa.kappa < floor) {
          output.err(`warning: kappa ${f3(result.kappa.kappa)} is below the floor ${floor}`);
        }
      } finally {
        await store.close();
      }
    });

  judge
    .command("show")
    .description("judges with their version, calibration, drift and cost")
    .option("-c, --config <path>", "config file")
    .option("--json", "machine-readable")
    .action(async (flags: { config?: string; json?: boolean }) => {
      const { store, config } = await openProject(flags.config ? { config: flags.config } : {});
      try {
        const all = await store.judges.listCalibrations();
        const warnings = await judgeWarnings(store, config);
        if (flags.json) {
          output.out(JSON.stringify({ calibrations: all, warnings }, null, 2));
          return;
        }
        if (all.length === 0)
          output.out("no judge calibrations yet: try `ratchet judge calibrate`");
        else output.out(renderTable(HEADERS, latestPerVersion(all).map(showRow)));
        for (const w of warnings) output.err(`warning: ${w}`);
      } finally {
        await store.close();
      }
    });
}

const kappaText = (k: { kappa: number; se: number; defined: boolean }) =>
  k.defined ? `${f3(k.kappa)} ± ${f3(k.se)}` : "undefined (one label only)";

/** Each presentation order against the labels, beside the combined verdict above it. */
function positionLines(p: PositionReport): string[] {
  const order = (name: string, o: OrderAgreement) =>
    `  ${name}: accuracy ${formatPct(o.accuracy)} (${o.correct})   kappa ${kappaText(o.kappa)}${o.unparsed ? `   unparsed ${o.unparsed}` : ""}`;
  return [
    "each order against the labels:",
    order("in order", p.in_order),
    order("swapped ", p.swapped),
    `  mean accuracy ${formatPct(p.mean_accuracy)}   both right ${p.both_correct}   positional agreement ${formatPct(p.positional_agreement)} (${p.agreed}; unparsed counts as disagreement), kappa between orders ${kappaText(p.order_kappa)}`,
  ];
}

const HEADERS = [
  "judge",
  "version",
  "model",
  "mode",
  "n",
  "accuracy",
  "kappa ± se",
  "threshold",
  "drift",
  "calibrated",
  "cost",
];

function latestPerVersion(all: JudgeCalibration[]): JudgeCalibration[] {
  const seen = new Set<string>();
  return all.filter((c) => {
    const key = `${c.judge}\u0000${c.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function showRow(c: JudgeCalibration): string[] {
  const details = (c.details ?? {}) as { drift?: { drifted?: boolean; message?: string } };
  return [
    c.judge,
    c.version,
    c.model,
    c.mode,
    String(c.n),
    formatPct(c.accuracy),
    `${f3(c.kappa)} ± ${f3(c.kappa_se)}`,
    c.threshold !== undefined ? f3(c.threshold) : "-",
    details.drift?.drifted ? "DRIFT" : "-",
    c.created_at.slice(0, 10),
    formatUsd(c.cost_usd),
  ];
}

/** `ratchet eval --compare`: pairwise judge preferences between the run's variants, side by side. */
export async function printJudgeComparison(
  output: Output,
  configPath: string | undefined,
  run: { id: string; models: string[] },
): Promise<void> {
  const { store, config, dir } = await openProject(configPath ? { config: configPath } : {});
  try {
    const runtime = judgeRuntimeFromConfig(config, { cwd: dir, store });
    if (!runtime.defaultModel) {
      output.err(
        "warning: no pairwise judge preferences: --compare asks evaluation.judge_model (e.g. sim:judge) which of two outputs is better, and none is set",
      );
      return;
    }
    if (new Set(run.models).size < 2) {
      output.err(
        `warning: no pairwise judge preferences: --compare needs two different models, got ${run.models.join(", ")}`,
      );
      return;
    }
    const result = await compareVariants({
      attempts: store.iterateAttempts(run.id),
      variants: run.models,
      runtime,
      concurrency: config.evaluation.judges.concurrency,
    });
    for (const pair of result.pairs) {
      output.out(
        renderTable(
          ["case", "epoch", pair.a, pair.b, "judge prefers"],
          pair.cases.map((c) => [
            c.case_id,
            String(c.epoch),
            formatScore(c.scores[pair.a] ?? 0),
            formatScore(c.scores[pair.b] ?? 0),
            c.flip ? "tie (flipped)" : c.preferred,
          ]),
        ),
      );
      output.out(
        `${pair.a} vs ${pair.b} (judge ${result.judge_model}, both orders): ${pair.wins_a} wins, ${pair.wins_b} losses, ${pair.ties} ties (${pair.flips} from position flips)${pair.errors ? `, ${pair.errors} judge errors` : ""}`,
      );
    }
    output.out(`judge cost ${formatUsd(result.judge_cost_usd)}`);
  } finally {
    await store.close();
  }
}
