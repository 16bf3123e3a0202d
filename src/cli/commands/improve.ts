import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { EXIT, InputError } from "../../core/index.js";
import {
  BUILTIN_PRESETS,
  type CycleRecord,
  cycleLine,
  cycleText,
  PRESET_NAMES,
  runCycle,
  worthAnotherCycle,
} from "../../loop/index.js";
import { defaultActor } from "../../prompts/index.js";
import { parseIntOption, parseNumberOption } from "../options.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";
import { withRunSignals } from "../signals.js";

interface ImproveFlags {
  config?: string;
  cycles: number;
  preset: string;
  mode: "review" | "auto";
  prompt?: string;
  model?: string;
  budgetCalls?: number;
  budgetUsd?: number;
  seed?: number;
  resume?: string;
  showPreset?: string | boolean;
  json?: boolean;
}

export function registerImprove(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  program
    .command("improve")
    .description(
      "run improvement cycles: evaluate → mine → cluster → draft → optimize → gate → promote or hold",
    )
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option(
      "--cycles <n>",
      "cycles to run (stops early when one changes nothing)",
      parseIntOption("--cycles", 1, 100),
      1,
    )
    .option(
      "--preset <name>",
      `${PRESET_NAMES.join(", ")} or one from optimization.presets`,
      "repair-only",
    )
    .option(
      "--mode <mode>",
      "review: hold promotions for a person; auto: promote through the gate",
      (v: string) => {
        if (v === "review" || v === "auto") return v;
        throw new InvalidArgumentError(`--mode must be review or auto, got '${v}'`);
      },
      "review",
    )
    .option("--prompt <ref>", "the champion (default: the agent's prompt, registered on first use)")
    .option(
      "--model <spec>",
      "model for the reflective proposer (default: the rule proposer, offline)",
    )
    .option(
      "--budget-calls <n>",
      "per cycle, optimizer's hard stop: rollouts + proposer calls",
      parseIntOption("--budget-calls", 1),
    )
    .option(
      "--budget-usd <usd>",
      "per cycle, optimizer's hard stop: money",
      parseNumberOption("--budget-usd", 1e-9),
    )
    .option("--seed <n>", "seed (default: pipeline.seed)", parseIntOption("--seed", 0))
    .option("--resume <cycle>", "continue a stopped cycle from the phase it stopped in")
    .option(
      "--show-preset [name]",
      "print a preset (default: --preset) as config you can copy, and exit",
    )
    .option("--json", "machine-readable")
    .action(async (flags: ImproveFlags) => {
      if (flags.showPreset) {
        const wanted = typeof flags.showPreset === "string" ? flags.showPreset : flags.preset;
        const preset = (BUILTIN_PRESETS as Record<string, unknown>)[wanted];
        if (!preset) {
          throw new InputError(
            `unknown built-in preset '${wanted}'; presets: ${PRESET_NAMES.join(", ")}`,
            { key: "--show-preset" },
          );
        }
        const { name, ...rest } = preset as { name: string };
        output.out(`optimization:\n  presets:\n    my-${name}:\n      extends: ${name}`);
        for (const [key, value] of Object.entries(rest))
          output.out(`      ${key}: ${JSON.stringify(value)}`);
        return;
      }
      if (flags.resume && flags.cycles > 1) {
        throw new InputError("--resume finishes one stopped cycle; leave out --cycles", {
          key: "--cycles",
        });
      }
      const cycles = flags.mode === "review" ? 1 : flags.cycles;
      if (flags.mode === "review" && flags.cycles > 1) {
        output.err(
          `review mode holds each promotion for a person, so a second cycle would start from the same champion: running 1 cycle of ${flags.cycles}`,
        );
      }
      const records: CycleRecord[] = [];
      await withRunSignals(async ({ stop, kill }) => {
        for (let i = 0; i < cycles; i++) {
          if (stop.aborted) break;
          if (cycles > 1) output.err(`── cycle ${i + 1} of ${cycles}`);
          const record = await runCycle({
            cwd: process.cwd(),
            ...(flags.config ? { configPath: flags.config } : {}),
            preset: flags.preset,
            mode: flags.mode,
            ...(flags.prompt && i === 0 ? { prompt: flags.prompt } : {}),
            ...(flags.model ? { model: flags.model } : {}),
            ...(flags.budgetCalls !== undefined ? { budgetCalls: flags.budgetCalls } : {}),
            ...(flags.budgetUsd !== undefined ? { budgetUsd: flags.budgetUsd } : {}),
            ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
            ...(flags.resume ? { resume: flags.resume } : {}),
            actor: defaultActor(),
            stopSignal: stop,
            killSignal: kill,
            onProgress: (message) => output.err(message),
          });
          records.push(record);
          if (!flags.json) output.out(`${cycleText(record)}\n`);
          if (!worthAnotherCycle(record)) break;
        }
      });
      if (flags.json) output.out(JSON.stringify(records, null, 2));
      const last = records.at(-1);
      if (last && last.status !== "finished") setExit(EXIT.failed);
    });
}

export function registerCycles(program: Command, output: Output): void {
  const cycles = program
    .command("cycles")
    .description("improvement cycles: what each found, tried, promoted and spent")
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)");
  cycles
    .command("list")
    .description("cycles, newest first")
    .option("--json", "machine-readable")
    .action(async (own: { json?: boolean }, command: Command) => {
      const flags = { ...(command.parent?.opts() as { config?: string; db?: string }), ...own };
      await withProject(flags, async ({ store }) => {
        const rows = await store.loop.listCycles<CycleRecord>({ limit: 100 });
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
          output.out("no cycles yet: ratchet improve");
          return;
        }
        for (const row of rows) output.out(cycleLine(row.doc));
      });
    });
  cycles
    .command("show <cycle>")
    .description("one cycle in full (an id, a unique prefix, or `latest`)")
    .option("--json", "machine-readable")
    .action(async (ref: string, own: { json?: boolean }, command: Command) => {
      const flags = { ...(command.parent?.opts() as { config?: string; db?: string }), ...own };
      await withProject(flags, async ({ store }) => {
        const id = await store.loop.resolveCycleId(ref);
        const row = id ? await store.loop.getCycle<CycleRecord>(id) : undefined;
        if (!row)
          throw new InputError(`no cycle matches '${ref}' (ratchet cycles list)`, {
            key: "<cycle>",
          });
        if (flags.json) {
          output.out(JSON.stringify(row.doc, null, 2));
          return;
        }
        output.out(cycleText(row.doc));
        output.out("\ndecisions:");
        for (const line of row.doc.decisions) output.out(`  - ${line}`);
      });
    });
}
