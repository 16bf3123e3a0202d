import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import {
  type Attribution,
  attributeHeuristic,
  attributeWithJudge,
  loadTrajectory,
  STRATEGIES,
  type Strategy,
} from "../../attribute/index.js";
import { EXIT, InputError } from "../../core/index.js";
import { judgeRuntimeFromConfig } from "../../graders/judge/index.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";

interface AttributeFlags {
  config?: string;
  db?: string;
  strategy: Strategy;
  model?: string;
  json?: boolean;
}

function parseStrategy(value: string): Strategy {
  if ((STRATEGIES as readonly string[]).includes(value)) return value as Strategy;
  throw new InvalidArgumentError(`--strategy must be ${STRATEGIES.join(", ")}; got '${value}'`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Trace text is production or imported text: one line, control characters made harmless. */
function one(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim().replace(CONTROL, "\ufffd");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function registerAttribute(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  program
    .command("attribute <id>")
    .description(
      "which agent and which step caused a failed multi-agent trace or attempt, with the evidence",
    )
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option(
      "--strategy <name>",
      `${STRATEGIES.join(" | ")} (judge strategies call --model or evaluation.judge_model)`,
      parseStrategy,
      "heuristic",
    )
    .option("--model <provider:model>", "judge model for the judge strategies")
    .option("--json", "machine-readable")
    .action(async (id: string, flags: AttributeFlags) => {
      await withProject(flags, async ({ store, config, dir }) => {
        const loaded = await loadTrajectory(store, id);
        if (!loaded)
          throw new InputError(
            `no stored trace or attempt has id '${id}' (try \`ratchet traces list\` or \`ratchet runs show\`)`,
          );
        const { trajectory } = loaded;
        if (trajectory.steps.length === 0)
          throw new InputError(`${loaded.source} '${id}' has no steps to attribute`);
        let result: Attribution;
        if (flags.strategy === "heuristic") result = attributeHeuristic(trajectory);
        else {
          const spec = flags.model ?? config.evaluation.judge_model;
          if (!spec)
            throw new InputError(
              `--strategy ${flags.strategy} needs a judge model: --model provider:model or evaluation.judge_model in ratchet.yaml`,
              { key: "--model" },
            );
          const runtime = judgeRuntimeFromConfig(config, { cwd: dir, store });
          result = await attributeWithJudge(trajectory, {
            strategy: flags.strategy,
            model: runtime.model(spec),
            spec,
          });
        }
        if (flags.json) {
          output.out(
            JSON.stringify({
              id,
              source: loaded.source,
              steps: trajectory.steps.length,
              ...result,
              ...(loaded.label ? { label: loaded.label } : {}),
            }),
          );
          return;
        }
        const { step } = result;
        const lines = [
          `${loaded.source} ${id}: ${trajectory.steps.length} steps`,
          `agent:    ${one(result.agent, 80)}`,
          `step:     ${step.index} (${one(step.role || step.agent, 60)}): ${one(step.content)}`,
          "evidence:",
          ...result.evidence.map((e) => `  - ${one(e, 200)}`),
          `strategy: ${result.strategy}` +
            (result.model ? ` (${result.model}, ${result.calls ?? 0} calls` : "") +
            (result.model && result.unparsed ? `, ${result.unparsed} unparsed` : "") +
            (result.model ? ")" : "") +
            (result.fallback ? `; fell back to the ${result.fallback}` : ""),
        ];
        if (loaded.label)
          lines.push(
            `labelled: ${one(loaded.label.agent, 80)}` +
              (loaded.label.step !== undefined ? ` at step ${loaded.label.step}` : "") +
              " (imported human label)",
          );
        for (const l of lines) output.out(l);
      });
      setExit(EXIT.ok);
    });
}
