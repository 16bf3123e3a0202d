import type { Command } from "commander";
import {
  type Attempt,
  FAILING_STATUSES,
  InputError,
  RUN_PURPOSES,
  type Run,
  type RunPurpose,
} from "../../core/index.js";
import {
  formatMs,
  formatPct,
  formatScore,
  formatUsd,
  pricingLines,
  renderTable,
} from "../../report/index.js";
import type { Store } from "../../store/index.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";
import { compareRuns } from "./compare.js";

/** What `runs list` shows by default: every purpose but drafts' confirmation runs. */
const LISTED_BY_DEFAULT: readonly RunPurpose[] = RUN_PURPOSES.filter((p) => p !== "confirmation");

export function parsePurposes(value: string, key = "--purpose"): RunPurpose[] {
  const list = value
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (list.length === 0) throw new InputError(`${key} needs a purpose`, { key });
  for (const p of list) {
    if (!(RUN_PURPOSES as readonly string[]).includes(p)) {
      throw new InputError(`${key} must be ${RUN_PURPOSES.join(", ")} (comma list), got '${p}'`, {
        key,
      });
    }
  }
  return [...new Set(list)] as RunPurpose[];
}

export function registerRuns(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  const runs = program.command("runs").description("past runs: list, show, compare");
  runs
    .command("list")
    .description("past runs with score, cost, tokens and latency percentiles")
    .option("-c, --config <path>", "config file")
    .option("-n, --limit <n>", "how many", parseIntOption("--limit", 1), 20)
    .option("--purpose <list>", `only these purposes: ${RUN_PURPOSES.join(", ")}`)
    .option("--all", "every purpose, including the confirmation runs of `evals draft`")
    .option("--json", "machine-readable")
    .action(
      async (flags: {
        config?: string;
        limit: number;
        purpose?: string;
        all?: boolean;
        json?: boolean;
      }) => {
        if (flags.all && flags.purpose !== undefined)
          throw new InputError("give --all or --purpose, not both", { key: "--purpose" });
        const purposes = flags.all
          ? undefined
          : flags.purpose !== undefined
            ? parsePurposes(flags.purpose)
            : LISTED_BY_DEFAULT;
        await withProject(flags, async ({ store }) => {
          const list = await store.listRuns({
            limit: flags.limit,
            ...(purposes ? { purposes } : {}),
          });
          if (flags.json) {
            output.out(JSON.stringify(list, null, 2));
            return;
          }
          if (list.length === 0) {
            output.out("no runs yet: try `ratchet eval`");
            return;
          }
          // Past the default, runs of several purposes mix: say which is which.
          output.out(
            purposes === LISTED_BY_DEFAULT
              ? renderTable(RUN_HEADERS, list.map(runRow))
              : renderTable(
                  [...RUN_HEADERS, "purpose"],
                  list.map((r) => [...runRow(r), r.purpose]),
                ),
          );
        });
      },
    );

  runs
    .command("show <run>")
    .description("per-case results of a run, failures first with reasons")
    .option("-c, --config <path>", "config file")
    .option("--all", "list passing attempts too")
    .option("--json", "machine-readable")
    .action(async (ref: string, flags: { config?: string; all?: boolean; json?: boolean }) => {
      await withProject(flags, async ({ store }) => {
        const run = await getRun(store, ref);
        if (flags.json) {
          output.out(JSON.stringify(run));
          for await (const attempt of store.iterateAttempts(run.id))
            output.out(JSON.stringify(attempt));
          return;
        }
        output.out(renderTable(RUN_HEADERS, [runRow(run)]));
        const prices = pricingLines(run);
        if (prices.length)
          output.out(
            `\n${renderTable(
              ["price source"],
              prices.map((p) => [p]),
            )}`,
          );
        const failing: string[][] = [];
        const passing: string[][] = [];
        const shown = flags.all ? {} : { statuses: FAILING_STATUSES };
        for await (const attempt of store.iterateAttempts(run.id, shown)) {
          const row = attemptRow(attempt);
          if (attempt.status === "passed") {
            if (flags.all) passing.push(row);
          } else {
            failing.push(row);
          }
        }
        const headers = ["case", "epoch", "variant", "status", "score", "latency", "cost", "why"];
        if (failing.length)
          output.out(`\nfailures (${failing.length}):\n${renderTable(headers, failing)}`);
        else output.out("\nno failures");
        if (passing.length)
          output.out(`\npassed (${passing.length}):\n${renderTable(headers, passing)}`);
      });
    });

  runs
    .command("compare <a> <b>")
    .description(
      "paired comparison of two runs: per-case flips and per-dimension deltas with tests",
    )
    .option("-c, --config <path>", "config file")
    .option("--test <name>", "paired test for score deltas: t | wilcoxon | mcnemar", "t")
    .option("--format <format>", "table | json", "table")
    .option("--seed <n>", "bootstrap seed", parseIntOption("--seed", 0), 1)
    .action(
      async (
        a: string,
        b: string,
        flags: { config?: string; test: string; format: string; seed: number },
      ) => {
        if (!["t", "wilcoxon", "mcnemar"].includes(flags.test)) {
          throw new InputError(`--test must be t, wilcoxon or mcnemar, got '${flags.test}'`, {
            key: "--test",
          });
        }
        if (!["table", "json"].includes(flags.format)) {
          throw new InputError(`--format must be table or json, got '${flags.format}'`, {
            key: "--format",
          });
        }
        await withProject(flags, async ({ store }) => {
          const runA = await getRun(store, a);
          const runB = await getRun(store, b);
          const text = await compareRuns(store, runA, runB, {
            test: flags.test as "t" | "wilcoxon" | "mcnemar",
            format: flags.format as "table" | "json",
            seed: flags.seed,
          });
          output.out(text);
        });
        setExit(0);
      },
    );
}

export async function getRun(store: Store, ref: string): Promise<Run> {
  const id = await store.resolveRunId(ref);
  const run = id ? await store.getRun(id) : undefined;
  if (!run) throw new InputError(`no run matches '${ref}' (try \`ratchet runs list\`)`);
  return run;
}

const RUN_HEADERS = [
  "run",
  "started",
  "status",
  "models",
  "attempts",
  "score",
  "pass",
  "cost",
  "tokens",
  "p50",
  "p95",
];

function runRow(run: Run): string[] {
  const t = run.totals;
  return [
    run.id,
    run.started_at.replace("T", " ").slice(0, 19),
    run.status,
    run.models.join(","),
    String(t?.attempts ?? 0),
    t ? formatScore(t.score) : "-",
    t ? formatPct(t.pass_rate) : "-",
    t ? formatUsd(t.cost_usd) : "-",
    t ? String(t.input_tokens + t.output_tokens) : "-",
    t ? formatMs(t.latency_p50_ms) : "-",
    t ? formatMs(t.latency_p95_ms) : "-",
  ];
}

function attemptRow(attempt: Attempt): string[] {
  const why = attempt.error
    ? `${attempt.error.class}: ${attempt.error.message}`
    : attempt.scores
        .filter((score) => !score.passed)
        .map((score) => `${score.grader}: ${score.reason}`)
        .join("; ");
  return [
    attempt.case_id,
    String(attempt.epoch),
    attempt.variant,
    attempt.status,
    formatScore(attempt.overall),
    formatMs(attempt.latency_ms),
    formatUsd(attempt.cost_usd),
    why.length > 160 ? `${why.slice(0, 157)}...` : why,
  ];
}
