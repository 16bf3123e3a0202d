import { writeFile } from "node:fs/promises";
import { type Command, InvalidArgumentError } from "commander";
import { LIMITS } from "../../config/index.js";
import { EXIT, InputError } from "../../core/index.js";
import {
  CHANGE_TYPES,
  type ChangeType,
  createGateRegistry,
  GATE_TESTS,
  type GateOutcome,
  GateStopped,
  type GateTest,
  gateJunit,
  gateMarkdown,
  gateText,
  outcomeOf,
  runGate,
} from "../../gate/index.js";
import { defaultActor } from "../../prompts/index.js";
import type { GateDecisionRecord, Store } from "../../store/index.js";
import { parseIntOption, parseNumberOption } from "../options.js";
import type { Output } from "../output.js";
import { createProgress } from "../progress.js";
import { withProject } from "../project.js";
import { withRunSignals } from "../signals.js";

const FORMATS = ["text", "markdown", "json", "junit"] as const;
type Format = (typeof FORMATS)[number];

interface GateFlags {
  config?: string;
  champion: string;
  challenger: string;
  changeType?: ChangeType;
  format: Format;
  output?: string[];
  epochs?: number;
  untilDecided?: boolean;
  maxEpochs?: number;
  promote?: boolean;
  label?: string;
  seed?: number;
  reuse: boolean;
  test?: GateTest;
  alpha?: number;
  concurrency?: number;
}

const oneOf =
  <T extends string>(flag: string, values: readonly T[]) =>
  (value: string): T => {
    if ((values as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`${flag} must be one of ${values.join(", ")}, got '${value}'`);
  };

export function registerGate(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  const gate = program
    .command("gate")
    .description(
      "promote a challenger prompt only when it is better beyond noise and breaks no blocking case",
    )
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option("--champion <ref>", "the version in place, e.g. support@production")
    .option("--challenger <ref>", "the version to try, e.g. support@candidate")
    .option(
      "--change-type <type>",
      `what the change is (${CHANGE_TYPES.join(", ")}); default: from what differs`,
      oneOf("--change-type", CHANGE_TYPES),
    )
    .option(
      "--format <format>",
      `report on stdout: ${FORMATS.join(", ")}`,
      oneOf("--format", FORMATS),
      "text",
    )
    .option("-o, --output <path...>", "also write reports: .md .json .xml (JUnit) .txt")
    .option(
      "--epochs <n>",
      "epochs per case and side (default: promotion.gatekeeper.epochs)",
      parseIntOption("--epochs", 1, LIMITS.repeat),
    )
    .option("--until-decided", "add epochs in rounds, only while undecided (anytime-valid)")
    .option(
      "--max-epochs <n>",
      "upper bound on epochs per case for --until-decided",
      parseIntOption("--max-epochs", 1, LIMITS.repeat),
    )
    .option("--promote", "move the champion's label to the challenger when the verdict is promote")
    .option("--label <label>", "the label --promote moves (default: the champion's)")
    .option("--seed <n>", "seed shared by both sides", parseIntOption("--seed", 0))
    .option("--no-reuse", "run every attempt again instead of reusing stored ones")
    .option(
      "--test <test>",
      `statistical test: ${GATE_TESTS.join(", ")}`,
      oneOf("--test", GATE_TESTS),
    )
    .option("--alpha <level>", "significance level", parseNumberOption("--alpha", 1e-6, 0.5))
    .option(
      "--concurrency <n>",
      "attempts in flight at once",
      parseIntOption("--concurrency", 1, LIMITS.concurrency),
    )
    .action(async (flags: GateFlags) => {
      if (!flags.champion || !flags.challenger) {
        throw new InputError("give both --champion <ref> and --challenger <ref>", {
          key: flags.champion ? "--challenger" : "--champion",
        });
      }
      if (flags.maxEpochs !== undefined && !flags.untilDecided) {
        throw new InputError("--max-epochs bounds --until-decided; add --until-decided", {
          key: "--max-epochs",
        });
      }
      if (flags.label && !flags.promote) {
        throw new InputError("--label names the label --promote moves; add --promote", {
          key: "--label",
        });
      }
      await withRunSignals(async ({ stop, kill }) => {
        let progress: ReturnType<typeof createProgress> | undefined;
        let outcome: GateOutcome;
        try {
          outcome = await runGate(
            {
              cwd: process.cwd(),
              ...(flags.config ? { configPath: flags.config } : {}),
              champion: flags.champion,
              challenger: flags.challenger,
              ...(flags.changeType ? { changeType: flags.changeType } : {}),
              ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
              ...(flags.untilDecided ? { untilDecided: true } : {}),
              ...(flags.maxEpochs !== undefined ? { maxEpochs: flags.maxEpochs } : {}),
              ...(flags.promote ? { promote: true } : {}),
              ...(flags.label ? { label: flags.label } : {}),
              ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
              reuse: flags.reuse,
              ...(flags.test ? { test: flags.test } : {}),
              ...(flags.alpha !== undefined ? { alpha: flags.alpha } : {}),
              ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
              actor: defaultActor(),
              stopSignal: stop,
              killSignal: kill,
              onProgress: (message) => {
                progress?.done();
                progress = undefined;
                output.err(message);
              },
              onRunStart: (side, run, total) => {
                progress?.done();
                output.err(`${side}: run ${run.id}, ${total} attempts`);
                progress = createProgress(output, total);
              },
              onEvent: (_side, event) => progress?.onEvent(event),
              onWarning: (warning) => output.err(`warning: ${warning}`),
            },
            createGateRegistry,
          );
        } catch (error) {
          progress?.done();
          if (error instanceof GateStopped) {
            output.err(error.message);
            setExit(EXIT.failed);
            return;
          }
          throw error;
        }
        progress?.done();
        if (outcome.recordedFailures) {
          output.err(
            `recorded ${outcome.recordedFailures} regression(s) as failures: ratchet failures list --type regression`,
          );
        }
        output.out(render(outcome, flags.format));
        for (const path of flags.output ?? []) {
          await writeFile(path, render(outcome, formatOfPath(path)));
          output.err(`wrote ${path}`);
        }
        setExit(outcome.decision.verdict === "promote" ? EXIT.ok : EXIT.failed);
      });
    });

  gate
    .command("show <decision>")
    .description("the evidence behind a verdict (an id, a unique prefix, or `latest`)")
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--format <format>", `${FORMATS.join(", ")}`, oneOf("--format", FORMATS), "text")
    .action(
      async (
        ref: string,
        own: { config?: string; db?: string; format: Format },
        command: Command,
      ) => {
        // `-c` before the subcommand is parsed as the parent's option.
        const flags = { ...command.parent?.opts(), ...own };
        await withProject(flags, async ({ store }) => {
          const id = await store.gate.resolveDecisionId(ref);
          const decision = id ? await store.gate.getDecision(id) : undefined;
          if (!decision) {
            throw new InputError(`no gate decision matches '${ref}' (see \`ratchet gate list\`)`, {
              key: "<decision>",
            });
          }
          const outcome = outcomeOf(decision);
          output.out(render(outcome, flags.format));
          if (flags.format === "text") output.out(await labelMoves(store, decision));
        });
      },
    );

  gate
    .command("list")
    .description("gate decisions, newest first")
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--prompt <name>", "only decisions about this prompt")
    .option("-n, --limit <n>", "at most this many", parseIntOption("--limit", 1, 100_000), 20)
    .option("--json", "JSON instead of a table")
    .action(
      async (
        own: { config?: string; db?: string; prompt?: string; limit: number; json?: boolean },
        command: Command,
      ) => {
        const flags = { ...command.parent?.opts(), ...own };
        await withProject(flags, async ({ store }) => {
          const decisions = await store.gate.listDecisions({
            limit: flags.limit,
            ...(flags.prompt ? { prompt: flags.prompt } : {}),
          });
          if (flags.json) {
            output.out(
              `${JSON.stringify(
                decisions.map(({ evidence: _e, ...rest }) => rest),
                null,
                2,
              )}\n`,
            );
            return;
          }
          if (decisions.length === 0) {
            output.out("no gate decisions yet; run `ratchet gate --champion … --challenger …`\n");
            return;
          }
          for (const d of decisions) {
            output.out(
              `${d.id}  ${d.created_at.slice(0, 19).replace("T", " ")}  ${d.verdict.padEnd(12)}  ${short(d.challenger)} vs ${short(d.champion)}  ${d.change_type}  ${d.reasons[0] ?? ""}\n`,
            );
          }
        });
      },
    );
}

const short = (ref: string): string => {
  const at = ref.lastIndexOf("@");
  return `${ref.slice(0, at)}@${ref.slice(at + 1, at + 13)}`;
};

function render(outcome: GateOutcome, format: Format): string {
  switch (format) {
    case "markdown":
      return gateMarkdown(outcome);
    case "json":
      return `${JSON.stringify({ ...outcome.decision, verdict: outcome.decision.verdict }, null, 2)}\n`;
    case "junit":
      return gateJunit(outcome);
    default:
      return gateText(outcome);
  }
}

function formatOfPath(path: string): Format {
  if (/\.(md|markdown)$/i.test(path)) return "markdown";
  if (/\.json$/i.test(path)) return "json";
  if (/\.xml$/i.test(path)) return "junit";
  return "text";
}

async function labelMoves(store: Store, decision: GateDecisionRecord): Promise<string> {
  const moves = (await store.prompts.labelHistory(decision.prompt_name)).filter(
    (event) => event.decision_id === decision.id,
  );
  if (moves.length === 0) return "label moves: none\n";
  const lines = moves.map(
    (m) =>
      `  ${m.at} ${m.name}@${m.label}: ${m.from_hash?.slice(0, 12) ?? "—"} → ${m.to_hash?.slice(0, 12) ?? "—"} by ${m.actor}`,
  );
  return `label moves:\n${lines.join("\n")}\n`;
}
