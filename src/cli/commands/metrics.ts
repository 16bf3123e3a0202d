import type { Command } from "commander";
import { durationMs, EXIT, InputError } from "../../core/index.js";
import { computeMetrics, metricsText } from "../../live/metrics/index.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";

/**
 * Exit codes: 0 when every metric is ok or has no data yet, 1 (`EXIT.failed`, as a gate that
 * blocks) when at least one needs attention, so that CI or cron can alert on it; 2 for bad
 * flags or config.
 */
export function registerMetrics(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  program
    .command("metrics")
    .description(
      "the improvement loop's own health: incident-to-eval, catch rate, recurrence, flaky cases, trace coverage, overrides, rollbacks against their thresholds (exits 1 on a breach)",
    )
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option(
      "--window <duration>",
      "how far back to look, e.g. 7d or 4w (default live.metrics.window)",
    )
    .option("--json", "machine-readable report")
    .action(async (flags: { config?: string; db?: string; window?: string; json?: boolean }) => {
      if (flags.window !== undefined && durationMs(flags.window) === undefined) {
        throw new InputError(
          `--window must be a duration like 30s, 5m, 1h or 7d, got '${flags.window}'`,
          { key: "--window" },
        );
      }
      await withProject(flags, async ({ store, config }) => {
        const report = await computeMetrics(store, config.live.metrics, {
          ...(flags.window !== undefined ? { window: flags.window } : {}),
        });
        output.out(flags.json ? JSON.stringify(report, null, 2) : metricsText(report));
        setExit(report.breaches.length > 0 ? EXIT.failed : EXIT.ok);
      });
    });
}
