import type { Command } from "commander";
import { LIMITS } from "../../config/index.js";
import { EXIT, FAILING_STATUSES, markPhase } from "../../core/index.js";
import { runEvaluation } from "../../eval/index.js";
import { renderFailures, renderSummaryTable, writeReport } from "../../report/index.js";
import { parseIntOption, parseNumberOption } from "../options.js";
import type { Output } from "../output.js";
import { createProgress } from "../progress.js";
import { withRunSignals } from "../signals.js";
import { printJudgeComparison } from "./judge.js";

interface EvalFlags {
  config?: string;
  model?: string[];
  repeat?: number;
  concurrency?: number;
  timeout?: number;
  retries?: number;
  seed?: number;
  threshold?: number;
  filterTag?: string[];
  case?: string[];
  output?: string[];
  cache: boolean;
  resume?: string;
  compare?: string[];
  prompt?: string;
}

export function registerEval(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  program
    .command("eval")
    .description("run the agent on the suites and score every attempt")
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option(
      "-m, --model <spec...>",
      "model(s) to run, e.g. openai:gpt-4o-mini; several run side by side",
    )
    .option(
      "-r, --repeat <n>",
      "epochs: run every case n times",
      parseIntOption("--repeat", 1, LIMITS.repeat),
    )
    .option(
      "--concurrency <n>",
      "attempts in flight at once",
      parseIntOption("--concurrency", 1, LIMITS.concurrency),
    )
    .option(
      "--timeout <seconds>",
      "per-attempt timeout",
      parseNumberOption("--timeout", 0.001, LIMITS.timeoutSeconds),
    )
    .option(
      "--retries <n>",
      "retries for timeouts, rate limits and provider errors",
      parseIntOption("--retries", 0, LIMITS.retries),
    )
    .option("--seed <n>", "seed for the sim model, flakes and jitter", parseIntOption("--seed", 0))
    .option(
      "--threshold <score>",
      "fail (exit 1) below this overall score",
      parseNumberOption("--threshold", 0, 1),
    )
    .option("-t, --filter-tag <tag...>", "only cases with one of these tags")
    .option("--case <id...>", "only these case ids")
    .option("-o, --output <path...>", "write a report: .json .jsonl .csv .xml (JUnit) .md .html")
    .option(
      "--prompt <ref>",
      "system prompt from the registry: name@label or name@hash (overrides agent.system_prompt)",
    )
    .option("--no-cache", "do not read or write the response cache")
    .option("--resume <run>", "finish an interrupted run: only missing attempts run")
    .option(
      "--compare <spec...>",
      "run these models side by side and add pairwise judge preferences",
    )
    .action(async (flags: EvalFlags) => {
      await withRunSignals(async ({ stop, kill }) => {
        let progress: ReturnType<typeof createProgress> | undefined;
        const result = await runEvaluation({
          cwd: process.cwd(),
          ...(flags.config ? { configPath: flags.config } : {}),
          ...((flags.compare ?? flags.model) ? { models: flags.compare ?? flags.model } : {}),
          ...(flags.repeat !== undefined ? { repeat: flags.repeat } : {}),
          ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
          ...(flags.timeout !== undefined ? { timeoutSeconds: flags.timeout } : {}),
          ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
          ...(flags.filterTag ? { filterTags: flags.filterTag } : {}),
          ...(flags.case ? { caseIds: flags.case } : {}),
          ...(flags.resume ? { resume: flags.resume } : {}),
          ...(flags.prompt ? { prompt: flags.prompt } : {}),
          noCache: !flags.cache,
          stopSignal: stop,
          killSignal: kill,
          onStart: (run, total) => {
            output.err(`run ${run.id}: ${total} attempts (${run.models.join(", ")})`);
            progress = createProgress(output, total);
          },
          onEvent: (event) => progress?.onEvent(event),
          // With the run's own store, still open: no second config load and store open.
          onFinished: async ({ run, warnings }, store) => {
            progress?.done();
            for (const warning of warnings) output.err(`warning: ${warning}`);
            output.out(renderSummaryTable(run, { color: output.color }));
            markPhase("summary printed");
            const failures = await renderFailures(
              store.iterateAttempts(run.id, { statuses: FAILING_STATUSES }),
              10,
            );
            if (failures) output.out(failures);
            markPhase("failures listed");
            if (flags.compare) await printJudgeComparison(output, flags.config, run);
            for (const path of flags.output ?? []) {
              await writeReport(path, run, (selection) => store.iterateAttempts(run.id, selection));
              output.err(`wrote ${path}`);
            }
            markPhase("reports written");
          },
          onWarning: (warning) => output.err(`warning: ${warning}`),
        });
        const { run } = result;
        if (run.status === "interrupted") {
          output.err(
            `run ${run.id} was interrupted; finish it with: ratchet eval --resume ${run.id}`,
          );
          setExit(EXIT.failed);
        } else if (!result.passed) {
          setExit(EXIT.failed);
        }
      });
    });
}
