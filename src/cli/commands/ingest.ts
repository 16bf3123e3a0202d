import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { buildDetectors, mineFailures, miningJudgeFromConfig } from "../../mining/index.js";
import { ingestFile, TRACE_FORMATS, type TraceFormat } from "../../traces/index.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { openTraceContext, type TraceContext } from "./serve.js";

interface IngestFlags {
  config?: string;
  db?: string;
  format: TraceFormat | "auto";
  strict?: boolean;
  json?: boolean;
  mine: boolean;
  maxLineMb: number;
}

function parseFormat(value: string): TraceFormat | "auto" {
  if (value === "auto" || (TRACE_FORMATS as readonly string[]).includes(value))
    return value as TraceFormat | "auto";
  throw new InvalidArgumentError(
    `--format must be auto, ${TRACE_FORMATS.join(", ")}; got '${value}'`,
  );
}

export function registerIngest(program: Command, output: Output): void {
  program
    .command("ingest <file>")
    .description(
      "import production traces: generic JSONL, OTLP JSON, OpenInference, tau-bench, Who&When",
    )
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above, if any)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--format <format>", `auto | ${TRACE_FORMATS.join(" | ")}`, parseFormat, "auto")
    .option("--strict", "fail on any bad line and store nothing")
    .option("--json", "print the summary as JSON")
    .option("--no-mine", "do not mine failure signals from the new traces")
    .option(
      "--max-line-mb <n>",
      "longer lines are reported and skipped unread (one huge single-line export: raise it)",
      parseIntOption("--max-line-mb", 1, 1024),
      64,
    )
    .action(async (file: string, flags: IngestFlags) => {
      const ctx = await openTraceContext(flags);
      try {
        const summary = await ingestFile(ctx.store.traces, file, {
          format: flags.format,
          ...(flags.strict ? { strict: true } : {}),
          maxLineChars: flags.maxLineMb * 1024 * 1024,
          redactor: ctx.redactor,
        });
        // Mining is incremental: it reads only traces that gained spans since the last pass.
        const mined = flags.mine
          ? await mineFailures(ctx.store, {
              detectors: buildDetectors(ctx.config?.mining, miningJudge(ctx)),
              ...(ctx.config ? { severityWeights: ctx.config.mining.severity_weights } : {}),
            })
          : undefined;
        if (flags.json) {
          output.out(JSON.stringify(mined ? { ...summary, mined } : summary));
          return;
        }
        output.out(
          `ingested ${file} (${summary.format}): ${summary.records} records, ${summary.traces} traces, ${summary.inserted} spans stored` +
            (summary.duplicates ? `, ${summary.duplicates} already stored` : "") +
            (summary.ownSpans
              ? `; ${summary.ownSpans} spans of a Ratchet evaluation export left out (not production)`
              : ""),
        );
        if (mined) {
          output.out(
            `mined ${mined.traces} traces: ${mined.signals} failure signals, ${mined.new} new, ${mined.duplicates} duplicates (see \`ratchet failures list\`)`,
          );
        }
        if (summary.problems.length > 0) {
          // Problems also come from stored lines that had some spans rejected.
          output.err(
            summary.badLines > 0
              ? `${summary.badLines} bad line${summary.badLines === 1 ? "" : "s"} skipped (use --strict to fail instead):`
              : "stored, with notes on some lines (use --strict to fail instead):",
          );
          for (const p of summary.problems) output.err(`  ${file}:${p.line}: ${p.message}`);
        }
      } finally {
        await ctx.store.close();
      }
    });
}

function miningJudge(ctx: TraceContext) {
  const judge = ctx.config
    ? miningJudgeFromConfig(ctx.config, { cwd: ctx.dir, store: ctx.store })
    : undefined;
  return judge ? { judge } : {};
}
