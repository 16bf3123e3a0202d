import type { Command } from "commander";
import {
  FAILURE_SIGNAL_TYPES,
  FAILURE_STATUSES,
  type Failure,
  type FailureStatus,
  InputError,
} from "../../core/index.js";
import {
  buildDetectors,
  explainScore,
  mineFailures,
  miningJudgeFromConfig,
  parseSince,
} from "../../mining/index.js";
import { renderTable } from "../../report/index.js";
import type { Store } from "../../store/index.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";

function parseStatuses(value: string | undefined): FailureStatus[] | undefined {
  if (value === undefined) return undefined;
  if (value === "all") return [...FAILURE_STATUSES];
  const list = value.split(",").map((s) => s.trim());
  for (const s of list) {
    if (!(FAILURE_STATUSES as readonly string[]).includes(s)) {
      throw new InputError(`--status must be ${FAILURE_STATUSES.join(", ")} or all, got '${s}'`, {
        key: "--status",
      });
    }
  }
  return list as FailureStatus[];
}

async function getFailure(store: Store, ref: string): Promise<Failure> {
  const id = await store.failures.resolveId(ref);
  const failure = id ? await store.failures.get(id) : undefined;
  if (!failure) throw new InputError(`no failure matches '${ref}' (try \`ratchet failures list\`)`);
  return failure;
}

/**
 * Failures quote production text: an ESC or other control character in it would reach the
 * terminal as a command (clear the screen, set the title, hide lines). Shown as U+FFFD.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
function printable(text: string): string {
  return text.replace(CONTROL, "\ufffd");
}

function one(text: string, max = 80): string {
  const flat = printable(text.replace(/\s+/g, " ").trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function registerFailures(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  const failures = program
    .command("failures")
    .description("failures mined from production traces: mine, list, show, triage");

  failures
    .command("mine")
    .description("run the detectors over stored production traces (incremental without --since)")
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--since <when>", "traces from this window: 7d, 24h, 30m or an ISO date")
    .option("--json", "machine-readable")
    .action(async (flags: { config?: string; db?: string; since?: string; json?: boolean }) => {
      const since = flags.since === undefined ? undefined : parseSince(flags.since);
      await withProject(flags, async ({ store, config, dir }) => {
        const started = performance.now();
        const judge = miningJudgeFromConfig(config, { cwd: dir, store });
        const counts = await mineFailures(store, {
          ...(since !== undefined ? { since } : {}),
          detectors: buildDetectors(config.mining, judge ? { judge } : {}),
          severityWeights: config.mining.severity_weights,
        });
        const seconds = (performance.now() - started) / 1000;
        if (flags.json) {
          output.out(JSON.stringify({ ...counts, seconds }));
          return;
        }
        output.out(
          `mined ${counts.traces} traces in ${seconds.toFixed(2)} s: ${counts.signals} signals, ${counts.new} new, ${counts.duplicates} duplicates, ${counts.existing} already known`,
        );
      });
      setExit(0);
    });

  failures
    .command("list")
    .description("ranked failure signals with evidence (new and accepted unless --status)")
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--since <when>", "last seen within: 7d, 24h, 30m or an ISO date")
    .option("--top <n>", "how many", parseIntOption("--top", 1), 50)
    .option("--status <list>", "new,accepted,dismissed,duplicate or all")
    .option("--type <signal>", `one of ${FAILURE_SIGNAL_TYPES.join(", ")}`)
    .option("--json", "machine-readable (one failure per line)")
    .action(
      async (flags: {
        config?: string;
        db?: string;
        since?: string;
        top: number;
        status?: string;
        type?: string;
        json?: boolean;
      }) => {
        const since = flags.since === undefined ? undefined : parseSince(flags.since);
        const status = parseStatuses(flags.status);
        if (
          flags.type !== undefined &&
          !(FAILURE_SIGNAL_TYPES as readonly string[]).includes(flags.type)
        ) {
          throw new InputError(
            `--type must be one of ${FAILURE_SIGNAL_TYPES.join(", ")}, got '${flags.type}'`,
            {
              key: "--type",
            },
          );
        }
        await withProject(flags, async ({ store, config }) => {
          const list = await store.failures.list({
            limit: flags.top,
            ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
            ...(status ? { status } : {}),
            ...(flags.type ? { type: flags.type as (typeof FAILURE_SIGNAL_TYPES)[number] } : {}),
          });
          if (flags.json) {
            for (const f of list) output.out(JSON.stringify(f));
            return;
          }
          if (list.length === 0) {
            output.out("no failures: ingest traces, then `ratchet failures mine`");
            return;
          }
          const threshold = config.mining.recurrence_threshold;
          output.out(
            renderTable(
              [
                "#",
                "id",
                "score",
                "seen",
                "severity",
                "signal",
                "detector",
                "status",
                "last seen",
                "evidence",
              ],
              list.map((f, i) => [
                String(i + 1),
                f.id,
                f.score.toFixed(3),
                f.count >= threshold ? `${f.count}!` : String(f.count),
                f.severity,
                f.signal_type,
                f.detector,
                f.status,
                f.last_seen.replace("T", " ").slice(0, 16),
                one(f.error ?? f.reason),
              ]),
              { align: ["right", "left", "right", "right"] },
            ),
          );
          if (list.some((f) => f.count >= threshold)) {
            output.out(`\n! recurs ${threshold}+ times: write an eval case for it`);
          }
        });
      },
    );

  failures
    .command("show <id>")
    .description("the trace, the signal, and why it ranks where it does")
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--json", "machine-readable")
    .action(async (ref: string, flags: { config?: string; db?: string; json?: boolean }) => {
      await withProject(flags, async ({ store, config }) => {
        const f = await getFailure(store, ref);
        const history = await store.failures.history(f.id);
        const duplicates = await store.failures.duplicates(f.id);
        if (flags.json) {
          output.out(
            JSON.stringify({ failure: f, history, duplicates: duplicates.map((d) => d.id) }),
          );
          return;
        }
        const lines = [
          `${f.id}  ${f.status}${f.duplicate_of ? ` of ${f.duplicate_of}` : ""}`,
          `trace      ${f.trace_id}`,
          `signal     ${f.signal_type} (${f.detector}), severity ${f.severity}`,
          `when       ${f.timestamp}${f.agent ? `, agent ${f.agent}` : ""}`,
          `seen       ${f.count}× — first ${f.first_seen}, last ${f.last_seen}`,
          `reason     ${f.reason}`,
          ...(f.error ? [`error      ${f.error}`] : []),
          "",
          "why it ranks here",
          ...explainScore(f, config.mining.severity_weights, config.mining.recurrence_threshold),
          "",
          `input      ${f.input}`,
          `output     ${f.output}`,
        ];
        if (f.tool_calls.length) {
          lines.push("", "tool calls");
          for (const t of f.tool_calls) {
            lines.push(
              `  ${t.name}(${one(t.arguments ?? "", 60)}) → ${t.error ? `ERROR ${one(t.error, 80)}` : one(t.result ?? "", 80)}`,
            );
          }
        }
        lines.push("", "context", `  ${JSON.stringify(f.context)}`);
        lines.push("", "trace (redacted)", ...f.redacted_text.split("\n").map((l) => `  ${l}`));
        if (duplicates.length) {
          lines.push("", `duplicates (${duplicates.length})`);
          for (const d of duplicates.slice(0, 20))
            lines.push(`  ${d.id}  ${d.trace_id}  ${d.timestamp}`);
        }
        lines.push("", "triage history");
        if (history.length === 0) lines.push("  (none)");
        for (const h of history) {
          lines.push(
            `  ${h.at}  ${h.status}${h.duplicate_of ? ` of ${h.duplicate_of}` : ""} by ${h.by}${h.note ? ` — ${h.note}` : ""}`,
          );
        }
        output.out(printable(lines.join("\n")));
      });
    });

  failures
    .command("triage <id> <status>")
    .description("set a failure's status (new | accepted | dismissed | duplicate); history is kept")
    .requiredOption("--by <who>", "who decided")
    .option("--note <text>", "why")
    .option("--of <id>", "the original, when marking a duplicate")
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .action(
      async (
        ref: string,
        status: string,
        flags: { by: string; note?: string; of?: string; config?: string; db?: string },
      ) => {
        if (!(FAILURE_STATUSES as readonly string[]).includes(status)) {
          throw new InputError(
            `status must be one of ${FAILURE_STATUSES.join(", ")}, got '${status}'`,
            {
              key: "status",
            },
          );
        }
        if (flags.by.trim() === "") throw new InputError("--by must name someone", { key: "--by" });
        await withProject(flags, async ({ store }) => {
          const f = await getFailure(store, ref);
          const of = flags.of === undefined ? undefined : (await getFailure(store, flags.of)).id;
          const updated = await store.failures.triage(f.id, {
            status: status as FailureStatus,
            by: flags.by,
            ...(flags.note !== undefined ? { note: flags.note } : {}),
            ...(of !== undefined ? { duplicate_of: of } : {}),
          });
          output.out(
            `${updated.id}: ${updated.status}${updated.duplicate_of ? ` of ${updated.duplicate_of}` : ""} (by ${flags.by})`,
          );
        });
      },
    );
}
