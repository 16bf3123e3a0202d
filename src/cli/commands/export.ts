import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { InputError } from "../../core/index.js";
import { exportRunOverOtlp } from "../../traces/index.js";
import type { Output } from "../output.js";
import { registerTrainingExports } from "./export-training.js";
import { openTraceContext } from "./serve.js";

interface ExportFlags {
  config?: string;
  db?: string;
  endpoint?: string;
  header: Record<string, string>;
  tokenEnv?: string;
}

function collectHeader(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`--header must be name=value, got '${value}'`);
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1) };
}

export function registerExport(program: Command, output: Output): void {
  const exp = program
    .command("export")
    .description("send results to other tools: OTLP spans, fine-tuning and preference data");
  exp
    .command("otlp <run>")
    .description("export an evaluation run's spans and scores to an OTLP/HTTP collector")
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above, if any)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--endpoint <url>", "collector URL (default: observability.otlp_endpoint)")
    .option("--header <name=value>", "extra request header (repeatable)", collectHeader, {})
    .option("--token-env <name>", "send `Authorization: Bearer $NAME`")
    .action(async (ref: string, flags: ExportFlags) => {
      const ctx = await openTraceContext(flags);
      try {
        const obs = ctx.config?.observability;
        const endpoint = flags.endpoint ?? obs?.otlp_endpoint ?? obs?.tracing?.endpoint;
        if (!endpoint) {
          throw new InputError(
            "no OTLP endpoint: pass --endpoint or set observability.otlp_endpoint",
            { key: "--endpoint" },
          );
        }
        const headers = { ...flags.header };
        if (flags.tokenEnv) {
          const token = process.env[flags.tokenEnv];
          if (!token) throw new InputError(`${flags.tokenEnv} is not set`, { key: "--token-env" });
          headers.authorization = `Bearer ${token}`;
        }
        const runId = await ctx.store.resolveRunId(ref);
        if (!runId) throw new InputError(`no run matches '${ref}'`);
        const result = await exportRunOverOtlp(ctx.store, runId, endpoint, headers);
        output.out(
          `exported run ${runId}: ${result.attempts} attempts, ${result.spans} spans → ${result.url}`,
        );
      } finally {
        await ctx.store.close();
      }
    });
  registerTrainingExports(exp, output);
}
