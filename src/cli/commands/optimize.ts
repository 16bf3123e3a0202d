import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { EXIT, InputError } from "../../core/index.js";
import {
  type OptimizationRecord,
  optimizationText,
  type ProposalRecord,
  proposalsDetail,
  runOptimization,
} from "../../optimize/index.js";
import { defaultActor } from "../../prompts/index.js";
import { parseIntOption, parseNumberOption } from "../options.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";
import { withRunSignals } from "../signals.js";

interface OptimizeFlags {
  config?: string;
  cluster?: string[];
  all?: boolean;
  prompt?: string;
  budgetCalls?: number;
  budgetUsd?: number;
  budgetSeconds?: number;
  proposer?: "rule" | "reflective" | "auto";
  model?: string;
  epochs?: number;
  rounds?: number;
  patience?: number;
  fixShare?: number;
  seed?: number;
  json?: boolean;
}

const PROPOSERS = ["auto", "rule", "reflective"] as const;

export function registerOptimize(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  const optimize = program
    .command("optimize")
    .description("propose prompt patches aimed at failure clusters, validated stage by stage")
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option("--cluster <id...>", "the cluster(s) to fix (ids or unique prefixes)")
    .option("--all", "every open cluster, worst first")
    .option(
      "--prompt <ref>",
      "the base version (default: the agent's prompt, registered on first use)",
    )
    .option(
      "--budget-calls <n>",
      "hard stop: agent rollouts + proposer calls",
      parseIntOption("--budget-calls", 0),
    )
    .option("--budget-usd <usd>", "hard stop: money", parseNumberOption("--budget-usd", 0))
    .option("--budget-seconds <s>", "hard stop: wall time", parseIntOption("--budget-seconds", 1))
    .option(
      "--proposer <kind>",
      `${PROPOSERS.join(", ")} (auto: reflective with --model, else rule)`,
      (v: string) => {
        if ((PROPOSERS as readonly string[]).includes(v)) return v;
        throw new InvalidArgumentError(
          `--proposer must be one of ${PROPOSERS.join(", ")}, got '${v}'`,
        );
      },
    )
    .option("--model <spec>", "model for the reflective proposer (sim:reflector works offline)")
    .option(
      "--epochs <n>",
      "epochs per case in each stage (default 1)",
      parseIntOption("--epochs", 1, 20),
    )
    .option(
      "--rounds <n>",
      "proposals per cluster at most (default 6)",
      parseIntOption("--rounds", 1, 100),
    )
    .option(
      "--patience <n>",
      "stop a cluster after this many rounds without improvement (default 3)",
      parseIntOption("--patience", 1, 100),
    )
    .option(
      "--fix-share <x>",
      "share of the failing checks on a cluster's cases a candidate must fix (default 0.25)",
      parseNumberOption("--fix-share", 0.01, 1),
    )
    .option("--seed <n>", "seed (default: pipeline.seed)", parseIntOption("--seed", 0))
    .option("--json", "machine-readable")
    .action(async (flags: OptimizeFlags) => {
      if (!flags.all && !(flags.cluster && flags.cluster.length > 0)) {
        throw new InputError("say which clusters to optimize: --cluster <id> or --all", {
          key: "--cluster",
        });
      }
      if (flags.budgetCalls === 0 || flags.budgetUsd === 0) {
        throw new InputError(
          "a budget of zero buys nothing: give a positive budget or leave it out",
          {
            key: flags.budgetCalls === 0 ? "--budget-calls" : "--budget-usd",
          },
        );
      }
      await withRunSignals(async ({ stop }) => {
        const result = await runOptimization({
          cwd: process.cwd(),
          ...(flags.config ? { configPath: flags.config } : {}),
          ...(flags.prompt ? { prompt: flags.prompt } : {}),
          ...(flags.cluster ? { clusters: flags.cluster } : {}),
          ...(flags.all ? { all: true } : {}),
          budget: {
            ...(flags.budgetCalls !== undefined ? { calls: flags.budgetCalls } : {}),
            ...(flags.budgetUsd !== undefined ? { usd: flags.budgetUsd } : {}),
            ...(flags.budgetSeconds !== undefined ? { seconds: flags.budgetSeconds } : {}),
          },
          ...(flags.proposer ? { proposer: flags.proposer } : {}),
          ...(flags.model ? { model: flags.model } : {}),
          ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
          ...(flags.rounds !== undefined ? { maxRounds: flags.rounds } : {}),
          ...(flags.patience !== undefined ? { patience: flags.patience } : {}),
          ...(flags.fixShare !== undefined ? { fixShare: flags.fixShare } : {}),
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          actor: defaultActor(),
          stopSignal: stop,
          onProgress: (message) => output.err(message),
        });
        if (flags.json)
          output.out(JSON.stringify({ ...result.record, proposals: result.proposals }, null, 2));
        else {
          output.out(optimizationText(result.record, result.proposals));
          if (result.record.best_version) {
            output.out(
              `\nnext: ratchet gate --champion ${result.champion.ref} --challenger ${result.record.best_version} --promote`,
            );
          }
        }
        if (!result.record.best_version) setExit(EXIT.failed);
      });
    });

  optimize
    .command("show <optimization>")
    .description(
      "every proposal: evidence, diff, scores per split, verdict (an id, prefix or `latest`)",
    )
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--json", "machine-readable")
    .action(
      async (
        ref: string,
        own: { config?: string; db?: string; json?: boolean },
        command: Command,
      ) => {
        const flags = { ...(command.parent?.opts() as { config?: string }), ...own };
        await withProject(flags, async ({ store }) => {
          const id = await store.loop.resolveOptimizationId(ref);
          const row = id ? await store.loop.getOptimization<OptimizationRecord>(id) : undefined;
          if (!row)
            throw new InputError(`no optimization matches '${ref}' (ratchet optimize list)`, {
              key: "<optimization>",
            });
          const proposals = await store.loop.proposals<ProposalRecord>(row.id);
          if (flags.json) {
            output.out(JSON.stringify({ ...row.doc, proposals }, null, 2));
            return;
          }
          const prompts = new Map<string, string>();
          for (const p of proposals) {
            for (const version of [p.parent_version, p.candidate_version]) {
              if (!version || prompts.has(version)) continue;
              const [name = "", hash = ""] = version.split("@");
              const found = await store.prompts.getVersion(name, hash);
              if (found) prompts.set(version, found.content);
            }
          }
          output.out(optimizationText(row.doc, proposals));
          output.out("");
          output.out(proposalsDetail(proposals, prompts));
        });
      },
    );

  optimize
    .command("list")
    .description("optimizations, newest first")
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--json", "machine-readable")
    .action(async (own: { config?: string; db?: string; json?: boolean }, command: Command) => {
      const flags = { ...(command.parent?.opts() as { config?: string }), ...own };
      await withProject(flags, async ({ store }) => {
        const rows = await store.loop.listOptimizations<OptimizationRecord>({ limit: 50 });
        if (flags.json) {
          output.out(
            JSON.stringify(
              rows.map((r) => r.doc),
              null,
              2,
            ),
          );
          return;
        }
        if (rows.length === 0) {
          output.out("no optimizations yet: ratchet optimize --all");
          return;
        }
        for (const { doc } of rows) {
          output.out(
            `${doc.id}  ${doc.created_at.slice(0, 19).replace("T", " ")}  ${doc.status.padEnd(16)} ${doc.targets.length} target(s)  best ${doc.best_version ?? "none"}  ${doc.spend.rollouts} rollouts $${doc.spend.usd.toFixed(4)}`,
          );
        }
      });
    });
}
