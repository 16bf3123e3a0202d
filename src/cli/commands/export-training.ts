import type { Command } from "commander";
import { loadAgentTools, redactionOptions } from "../../config/index.js";
import { InputError } from "../../core/index.js";
import type {
  ChatFormat,
  ExportSummary,
  PreferenceFormat,
  ToolDefinition,
} from "../../loop/index.js";
import { parseIntOption, parseNumberOption } from "../options.js";
import type { Output } from "../output.js";
import { openProject, type Project, type ProjectFlags } from "../project.js";

/**
 * Below this many training examples the export says so. OpenAI requires 10, reports clear
 * gains from 50 to 100, and quality keeps growing with hundreds.
 */
const FEW_EXAMPLES = 500;

interface CommonFlags extends ProjectFlags {
  out: string;
  run?: string[];
  since?: string;
  validationShare: number;
  seed: number;
  maskPii: boolean;
  json?: boolean;
}

interface FinetuneFlags extends CommonFlags {
  format: string;
  minScore: number;
  includeTraces?: boolean;
}

interface DpoFlags extends CommonFlags {
  format: string;
  decision?: string[];
  minMargin: number;
}

/**
 * The exporters and what they need, loaded when one runs: `export otlp` (and the CLI's
 * start-up) should not pay for mining and the graders behind it.
 */
async function exporters() {
  const [loop, mining] = await Promise.all([
    import("../../loop/index.js"),
    import("../../mining/index.js"),
  ]);
  return { ...loop, parseSince: mining.parseSince };
}

function checkFormat<T extends string>(value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`must be one of ${allowed.join(", ")}, got '${value}'`, {
      key: "--format",
    });
  }
  return value as T;
}

function common(command: Command): Command {
  return command
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above, if any)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .requiredOption("--out <path>", "the train file (JSONL); validation goes beside it")
    .option(
      "--validation-share <n>",
      "share of cases held out for <out stem>.validation.jsonl (0 for none)",
      parseNumberOption("--validation-share", 0, 0.9),
      0.1,
    )
    .option("--seed <n>", "seed of the train / validation split", parseIntOption("--seed", 0), 0)
    .option("--no-mask-pii", "keep e-mails, phones, cards and IBANs (secrets are always masked)")
    .option("--json", "print the summary as JSON");
}

/** The project's prompt-agent tools, for production traces that call them. */
async function projectTools(project: Project): Promise<ToolDefinition[] | undefined> {
  if (!project.loaded || project.config.agent.kind !== "prompt") return undefined;
  const fixtures = await loadAgentTools(project.loaded).catch(() => []);
  return fixtures.map((f) => ({
    name: f.name,
    ...(f.description ? { description: f.description } : {}),
    parameters: f.parameters,
  }));
}

function report(summary: ExportSummary, flags: CommonFlags, output: Output): void {
  if (flags.json) output.out(JSON.stringify(summary));
  else {
    const noun = summary.kind === "dpo" ? "preference pairs" : "examples";
    const lines = [
      `wrote ${summary.examples} ${noun} (${summary.format}): ${summary.train} train → ${summary.files.train}`,
      summary.files.validation
        ? `  ${summary.validation} validation → ${summary.files.validation}`
        : `  no validation file (${flags.validationShare > 0 ? `too few cases to hold some out at --validation-share ${flags.validationShare}` : "--validation-share 0"})`,
    ];
    const skipped = Object.entries(summary.skipped);
    if (skipped.length) {
      lines.push(`  left out: ${skipped.map(([reason, n]) => `${n} ${reason}`).join(", ")}`);
    }
    const { runs, decisions, traces } = summary.sources;
    const from = [
      `${runs.length} run${runs.length === 1 ? "" : "s"}`,
      ...(decisions.length
        ? [`${decisions.length} gate decision${decisions.length === 1 ? "" : "s"}`]
        : []),
      ...(traces ? [`${traces} production trace${traces === 1 ? "" : "s"}`] : []),
    ];
    lines.push(`  from ${from.join(", ")}`);
    output.out(lines.join("\n"));
  }
  if (summary.train < FEW_EXAMPLES) {
    const advice =
      summary.kind === "dpo"
        ? "OpenAI requires at least 10 examples for a fine-tuning job; its supervised fine-tuning guide reports clear improvements from 50 to 100 examples and quality growing with hundreds."
        : "OpenAI requires at least 10, reports clear improvements from 50 to 100, and quality usually keeps growing with hundreds.";
    output.err(
      `ratchet: warning: ${summary.train} training ${summary.kind === "dpo" ? "pairs" : "examples"}. ${advice}`,
    );
  }
}

export function registerTrainingExports(exp: Command, output: Output): void {
  common(
    exp
      .command("finetune")
      .description(
        "chat-format JSONL for supervised fine-tuning: passing, high-scoring eval attempts (and approved production traces)",
      )
      .option("--format <name>", "openai-chat | anthropic", "openai-chat")
      .option(
        "--min-score <n>",
        "least overall score of a passed attempt (0..1)",
        parseNumberOption("--min-score", 0, 1),
        0.8,
      )
      .option("--run <ref...>", "these runs (default: every finished evaluation run)")
      .option(
        "--since <when>",
        "runs (unless --run names them) and traces since: 7d, 24h or an ISO date",
      )
      .option(
        "--include-traces",
        "also production traces the miner has seen with no open failure and outcome success",
      ),
  ).action(async (flags: FinetuneFlags) => {
    const { CHAT_FORMATS, exportFinetune, exportRedactor, parseSince } = await exporters();
    const format: ChatFormat = checkFormat(flags.format, CHAT_FORMATS);
    const sinceMs = flags.since === undefined ? undefined : parseSince(flags.since);
    const project = await openProject(flags);
    try {
      const summary = await exportFinetune(project.store, {
        format,
        minScore: flags.minScore,
        runs: {
          ...(flags.run ? { refs: flags.run } : {}),
          ...(sinceMs !== undefined ? { sinceMs } : {}),
        },
        includeTraces: flags.includeTraces === true,
        ...(sinceMs !== undefined ? { tracesSinceMs: sinceMs } : {}),
        ...(flags.includeTraces ? { traceTools: await projectTools(project) } : {}),
        validationShare: flags.validationShare,
        seed: flags.seed,
        out: flags.out,
        redactor: exportRedactor(
          redactionOptions(project.loaded?.config, process.env),
          flags.maskPii,
        ),
        projectDir: project.dir,
      });
      report(summary, flags, output);
    } finally {
      await project.store.close();
    }
  });

  common(
    exp
      .command("dpo")
      .description(
        "preference pairs (chosen / rejected) from gate decisions' champion vs challenger, or from two runs of the same cases",
      )
      .option(
        "--format <name>",
        "openai (input / preferred_output / non_preferred_output) | trl (prompt / chosen / rejected)",
        "openai",
      )
      .option(
        "--run <ref...>",
        "two runs of the same cases: --run A --run B (instead of gate decisions)",
      )
      .option("--decision <ref...>", "these gate decisions (default: all)")
      .option("--since <when>", "gate decisions since: 7d, 24h or an ISO date")
      .option(
        "--min-margin <n>",
        "when both passed or both failed, the least overall-score lead that makes one better",
        parseNumberOption("--min-margin", 0, 1),
        0.1,
      ),
  ).action(async (flags: DpoFlags) => {
    const { PREFERENCE_FORMATS, exportDpo, exportRedactor, parseSince } = await exporters();
    const format: PreferenceFormat = checkFormat(flags.format, PREFERENCE_FORMATS);
    const sinceMs = flags.since === undefined ? undefined : parseSince(flags.since);
    const project = await openProject(flags);
    try {
      const summary = await exportDpo(project.store, {
        format,
        ...(flags.run ? { runs: flags.run } : {}),
        ...(flags.decision ? { decisions: flags.decision } : {}),
        ...(sinceMs !== undefined ? { sinceMs } : {}),
        minMargin: flags.minMargin,
        validationShare: flags.validationShare,
        seed: flags.seed,
        out: flags.out,
        redactor: exportRedactor(
          redactionOptions(project.loaded?.config, process.env),
          flags.maskPii,
        ),
      });
      report(summary, flags, output);
    } finally {
      await project.store.close();
    }
  });
}
