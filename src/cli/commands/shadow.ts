import type { Command } from "commander";
import { LIMITS } from "../../config/index.js";
import { EXIT, InputError } from "../../core/index.js";
import { runShadow, type ShadowDoc, shadowListText, shadowText } from "../../live/shadow/index.js";
import { parseSince } from "../../mining/index.js";
import type { ShadowRow } from "../../store/index.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";
import { withRunSignals } from "../signals.js";

interface ShadowFlags {
  config?: string;
  db?: string;
  challenger?: string;
  sample?: number;
  since?: string;
  judge?: string;
  concurrency?: number;
  seed?: number;
  json?: boolean;
}

/** Exit codes as the gate's: 0 the shadow stands as evidence, 1 it has a problem, 2 bad input. */
const exitOf = (row: { status: string; doc: ShadowDoc }) =>
  row.status === "completed" && row.doc.problems.length === 0 ? EXIT.ok : EXIT.failed;

export function registerShadow(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  const shadow = program
    .command("shadow")
    .description(
      "replay recent production inputs through a challenger prompt (tools answer from the recorded results) and compare with the champion's recorded answers",
    )
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--challenger <ref>", "the version to try, e.g. support@candidate or support@3f9a2c1")
    .option(
      "--sample <n>",
      "production inputs to replay, newest first (default: promotion.gatekeeper.shadow_sample_size)",
      parseIntOption("--sample", 1, 10_000_000),
    )
    .option("--since <when>", "only traces since then: 7d, 24h, or an ISO date")
    .option(
      "--judge <model>",
      "pairwise judge model (default: evaluation.judge_model, else the challenger's model)",
    )
    .option(
      "--concurrency <n>",
      "inputs replayed at once",
      parseIntOption("--concurrency", 1, LIMITS.concurrency),
    )
    .option("--seed <n>", "seed of the challenger's calls", parseIntOption("--seed", 0))
    .option("--json", "the stored record as JSON")
    .action(async (flags: ShadowFlags) => {
      if (!flags.challenger) {
        throw new InputError("give the version to shadow: --challenger <name@label>", {
          key: "--challenger",
        });
      }
      const challenger = flags.challenger;
      const since = flags.since !== undefined ? parseSince(flags.since) : undefined;
      await withProject(flags, async ({ store, loaded, dir }) => {
        if (!loaded) {
          throw new InputError(
            `no ratchet.yaml here or above ${dir}: a shadow runs the config's prompt agent (pass -c <config>)`,
            { key: "--config" },
          );
        }
        await withRunSignals(async ({ stop }) => {
          let shown = 0;
          const doc = await runShadow({
            store,
            loaded,
            challenger,
            ...(flags.sample !== undefined ? { sample: flags.sample } : {}),
            ...(since !== undefined ? { since, sinceText: flags.since } : {}),
            ...(flags.judge ? { judgeModel: flags.judge } : {}),
            ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
            ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
            signal: stop,
            onProgress: (done, total) => {
              // A line per tenth is enough on a terminal and in CI logs alike.
              const step = Math.max(1, Math.ceil(total / 10));
              if (done === total || done - shown >= step) {
                shown = done;
                output.err(`shadow: ${done}/${total} inputs`);
              }
            },
          });
          const row = await store.shadows.get<ShadowDoc>(doc.id);
          if (!row) throw new Error(`shadow ${doc.id} was not stored`);
          output.out(flags.json ? `${JSON.stringify(row, null, 2)}\n` : shadowText(row));
          setExit(exitOf(row));
        });
      });
    });

  shadow
    .command("show <shadow>")
    .description("a stored shadow run (an id, a unique prefix, or `latest`)")
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("-n, --inputs <n>", "inputs to list", parseIntOption("--inputs", 0), 10)
    .option("--json", "the stored record as JSON")
    .action(
      async (
        ref: string,
        own: { config?: string; db?: string; inputs: number; json?: boolean },
        command: Command,
      ) => {
        // `-c` before the subcommand is parsed as the parent's option.
        const flags = { ...command.parent?.opts(), ...own };
        await withProject(flags, async ({ store }) => {
          const id = await store.shadows.resolveId(ref);
          const row = id ? await store.shadows.get<ShadowDoc>(id) : undefined;
          if (!row) {
            throw new InputError(`no shadow run matches '${ref}' (see \`ratchet shadow list\`)`, {
              key: "<shadow>",
            });
          }
          output.out(
            flags.json
              ? `${JSON.stringify(row, null, 2)}\n`
              : shadowText(row, { inputs: flags.inputs }),
          );
          setExit(exitOf(row));
        });
      },
    );

  shadow
    .command("list")
    .description("shadow runs, newest first")
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--prompt <name>", "only shadows of this prompt")
    .option("-n, --limit <n>", "at most this many", parseIntOption("--limit", 1, 100_000), 20)
    .option("--json", "JSON (without the per-input results)")
    .action(
      async (
        own: { config?: string; db?: string; prompt?: string; limit: number; json?: boolean },
        command: Command,
      ) => {
        const flags = { ...command.parent?.opts(), ...own };
        await withProject(flags, async ({ store }) => {
          const rows = await store.shadows.list<ShadowDoc>({
            limit: flags.limit,
            ...(flags.prompt ? { promptName: flags.prompt } : {}),
          });
          if (flags.json) {
            const slim = rows.map((r: ShadowRow<ShadowDoc>) => {
              const { inputs: _i, skips: _s, ...doc } = r.doc;
              return { ...r, doc };
            });
            output.out(`${JSON.stringify(slim, null, 2)}\n`);
            return;
          }
          output.out(shadowListText(rows));
        });
      },
    );
}
