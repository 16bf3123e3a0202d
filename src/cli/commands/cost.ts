import type { Command } from "commander";
import { InputError, RUN_PURPOSES, type Run } from "../../core/index.js";
import { COST_DIMENSIONS, type CostDimension, costReport } from "../../cost/index.js";
import { parseSince } from "../../mining/index.js";
import { formatUsd, renderTable } from "../../report/index.js";
import { catchUpCostRollups } from "../cost-rollups.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";

const PURPOSES = RUN_PURPOSES;

function parseBy(value: string): CostDimension[] {
  const dims = value
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
  if (dims.length === 0) throw new InputError("needs at least one dimension", { key: "--by" });
  for (const d of dims) {
    if (!(COST_DIMENSIONS as readonly string[]).includes(d)) {
      throw new InputError(`unknown dimension '${d}'; use ${COST_DIMENSIONS.join(", ")}`, {
        key: "--by",
      });
    }
  }
  return [...new Set(dims)] as CostDimension[];
}

/** Quotes per RFC 4180; a leading = + - @ is defused so spreadsheets do not run it. */
function csvField(text: string): string {
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function registerCost(program: Command, output: Output): void {
  program
    .command("cost")
    .description("where the money goes: evaluation, optimization and production spend kept apart")
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--by <dims>", `comma list of ${COST_DIMENSIONS.join(", ")}`, "model")
    .option("--since <when>", "spans from this window: 30d, 24h, 30m or an ISO date", "30d")
    .option("--purpose <purpose>", PURPOSES.join(" | "))
    .option("--format <format>", "table | json | csv", "table")
    .action(
      async (flags: {
        config?: string;
        db?: string;
        by: string;
        since: string;
        purpose?: string;
        format: string;
      }) => {
        const by = parseBy(flags.by);
        const since = parseSince(flags.since);
        if (
          flags.purpose !== undefined &&
          !(PURPOSES as readonly string[]).includes(flags.purpose)
        ) {
          throw new InputError(`--purpose must be ${PURPOSES.join(", ")}, got '${flags.purpose}'`, {
            key: "--purpose",
          });
        }
        if (!["table", "json", "csv"].includes(flags.format)) {
          throw new InputError(`--format must be table, json or csv, got '${flags.format}'`, {
            key: "--format",
          });
        }
        const { store, config } = await openProject(flags);
        try {
          await catchUpCostRollups(store, output);
          const report = await costReport(store, {
            by,
            sinceMs: since,
            ...(flags.purpose ? { purpose: flags.purpose as Run["purpose"] } : {}),
            pricing: config.cost,
          });
          if (flags.format === "json") {
            output.out(JSON.stringify(report, null, 2));
            return;
          }
          const headers = [
            ...report.by,
            "cost_usd",
            "recorded_usd",
            "input_tokens",
            "output_tokens",
            "calls",
            "unpriced_calls",
          ];
          const cells = (r: (typeof report.rows)[number]) => [
            ...report.by.map((d) => r.key[d] ?? "-"),
          ];
          if (flags.format === "csv") {
            const lines = [headers.join(",")];
            for (const r of report.rows) {
              lines.push(
                [
                  ...cells(r),
                  String(r.cost_usd),
                  String(r.recorded_usd),
                  String(r.input_tokens),
                  String(r.output_tokens),
                  String(r.calls),
                  String(r.unpriced_calls),
                ]
                  .map(csvField)
                  .join(","),
              );
            }
            output.out(lines.join("\n"));
            return;
          }
          if (report.rows.length === 0) {
            output.out(`no spend recorded since ${new Date(since).toISOString()}`);
            return;
          }
          const rows = report.rows.map((r) => [
            ...cells(r),
            formatUsd(r.cost_usd),
            String(Math.round(r.input_tokens + r.output_tokens)),
            String(r.calls),
          ]);
          rows.push([
            "total",
            ...report.by.slice(1).map(() => ""),
            formatUsd(report.total.cost_usd),
            String(Math.round(report.total.input_tokens + report.total.output_tokens)),
            String(report.total.calls),
          ]);
          output.out(renderTable([...report.by, "cost", "tokens", "calls"], rows));
          if (report.total.unpriced_calls > 0) {
            output.out(
              `\n${report.total.unpriced_calls} calls have tokens but no known price (counted at $0); add cost.token_pricing`,
            );
          }
        } finally {
          await store.close();
        }
      },
    );
}
