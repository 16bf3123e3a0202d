import type { Command } from "commander";
import { parseDuration } from "../../core/index.js";
import { runWatch, type TickResult } from "../../live/watch/index.js";
import { runCycle } from "../../loop/index.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";

interface WatchFlags {
  config?: string;
  db?: string;
  once?: boolean;
  looks?: number;
  interval?: string;
  json?: boolean;
}

/** The lines worth printing about one look: what was done, and what was seen. */
export function tickLines(result: TickResult): string[] {
  const lines: string[] = [];
  for (const c of result.canaries) {
    const where = `${c.canary.id} (${c.canary.prompt_name})`;
    if (c.acted === "none") {
      lines.push(`canary ${where}: ${c.decision.action} — ${c.decision.reasons.join("; ")}`);
    } else if (c.acted !== "already_done") {
      lines.push(
        `canary ${where}: ${c.acted.replace("_", " ")} — ${c.decision.reasons.join("; ")}`,
      );
    }
  }
  for (const g of result.guards) {
    if (g.acted === "rolled_back") {
      lines.push(
        `rolled back ${g.prompt}@${g.label} to ${g.move.from_hash?.slice(0, 12)}: ${g.decision.reasons.join("; ")}`,
      );
    } else if (g.acted === "rollback_suppressed") {
      lines.push(
        `${g.prompt}@${g.label} is worse than before its last move, but rollback.enabled is false`,
      );
    }
  }
  for (const d of result.drift) {
    if (d.future > 0) {
      lines.push(
        `${d.prompt}: ${d.future} trace(s) stamped in the future (an application clock ahead of ours) left out of drift`,
      );
    }
    const breached = d.findings.filter((f) => f.breached);
    if (breached.length > 0) {
      lines.push(
        `drift ${d.version} (${d.window.from} – ${d.window.to}): ${breached
          .map((f) => `${f.kind} ${f.measure}: ${f.detail}`)
          .join("; ")}${d.action ? ` → ${d.action.replace("_", " ")}` : ""}`,
      );
    }
  }
  for (const p of result.problems) lines.push(`problem: ${p}`);
  return lines;
}

export function registerWatch(program: Command, output: Output): void {
  program
    .command("watch")
    .description(
      "long-running: mine new traces, test canaries, roll back worse versions, detect drift, trigger cycles",
    )
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--once", "one look, then exit")
    .option("--looks <n>", "this many looks, then exit", parseIntOption("--looks", 1))
    .option("--interval <duration>", "time between looks (default live.watch.interval)")
    .option("--json", "one JSON line per look")
    .action(async (flags: WatchFlags) => {
      await withProject(flags, async ({ store, config, dir, loaded }) => {
        const effective =
          flags.interval !== undefined
            ? {
                ...config,
                live: {
                  ...config.live,
                  watch: {
                    ...config.live.watch,
                    interval: `${parseDuration(flags.interval, "--interval")}ms`,
                  },
                },
              }
            : config;
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        if (!flags.json) {
          output.err(
            `ratchet: watching ${loaded?.file ?? dir} every ${effective.live.watch.interval} (Ctrl-C stops; another watch on this store would stand by)`,
          );
        }
        try {
          const looks = flags.once ? 1 : flags.looks;
          const summary = await runWatch(store, effective, {
            cwd: dir,
            signal: stop.signal,
            ...(looks !== undefined ? { looks } : {}),
            onStandby: (holder) =>
              output.err(
                holder
                  ? `ratchet: another watch (${holder}) holds this store's lease: standing by`
                  : "ratchet: took over the lease: acting",
              ),
            onTick: (result) => {
              if (flags.json) {
                output.out(JSON.stringify(result));
                return;
              }
              const lines = tickLines(result);
              const mined = result.mined
                ? `, ${result.mined.signals} signal(s) from ${result.mined.traces} new trace(s)`
                : "";
              output.out(
                `${result.at}: ${result.canaries.length} canary(ies), ${result.guards.length} version(s) on probation${mined}${
                  lines.length === 0 ? "; nothing to do" : ""
                }`,
              );
              for (const line of lines) output.out(`  ${line}`);
            },
            onImprove: async () => {
              const record = await runCycle({
                cwd: dir,
                ...(loaded?.file ? { configPath: loaded.file } : {}),
                preset: "repair-only",
                mode: "review",
                actor: "watch",
              });
              return record.id;
            },
          });
          if (!flags.json)
            output.err(
              `ratchet: watch stopped after ${summary.looks} look(s), ${summary.acted} action(s)`,
            );
        } finally {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
        }
      });
    });
}
