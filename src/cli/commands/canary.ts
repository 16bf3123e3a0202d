import type { Command } from "commander";
import { InputError } from "../../core/index.js";
import {
  type CanaryDoc,
  canaryText,
  canaryTraffic,
  LIVE_METRIC_NAMES,
  lookAndAct,
  startCanary,
  stopCanary,
} from "../../live/canary/index.js";
import { defaultActor } from "../../prompts/index.js";
import type { CanaryRow, Store } from "../../store/index.js";
import { parseNumberOption } from "../options.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";

interface Parent {
  config?: string;
  db?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== ""),
];

/** A canary id (or unique prefix, or `latest`), else a prompt name: its running canary. */
async function findCanary(
  store: Store,
  ref: string,
  running: boolean,
): Promise<CanaryRow<CanaryDoc> | undefined> {
  const byName = await store.live.listCanaries<CanaryDoc>({
    promptName: ref,
    ...(running ? { status: "running" as const } : {}),
  });
  if (byName.length > 0) return byName[0];
  const id = await store.live.resolveCanaryId(ref);
  return id ? store.live.getCanary<CanaryDoc>(id) : undefined;
}

export function registerCanary(program: Command, output: Output): void {
  const canary = program
    .command("canary")
    .description(
      "send a share of a label's traffic to a candidate, test it as it runs, roll back or promote",
    )
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)");

  canary
    .command("start <candidate>")
    .description("start a canary of a version that passed the gate, e.g. support@candidate")
    .option(
      "--traffic <share>",
      "share of keys served the candidate, e.g. 0.1 (default live.canary.traffic)",
      parseNumberOption("--traffic", 0.0001, 0.9999),
    )
    .option(
      "--metric <metric>",
      `primary metric: ${LIVE_METRIC_NAMES.join(", ")} (default failure_rate)`,
    )
    .option(
      "--guardrail <metric>",
      "a metric that must not get worse (repeatable or comma-separated; default error_rate)",
      collect,
    )
    .option("--label <label>", "the label whose traffic is split", "production")
    .option("--force", "start although no gate promoted the candidate (recorded)")
    .option("--json", "machine-readable")
    .action(
      async (
        candidate: string,
        own: {
          traffic?: number;
          metric?: string;
          guardrail?: string[];
          label: string;
          force?: boolean;
          json?: boolean;
        },
        command: Command,
      ) => {
        const flags = { ...(command.parent?.opts() as Parent), ...own };
        await withProject(flags, async ({ store, config }) => {
          const started = await startCanary(store, config, {
            candidate,
            label: flags.label,
            ...(flags.traffic !== undefined ? { traffic: flags.traffic } : {}),
            ...(flags.metric !== undefined ? { metric: flags.metric } : {}),
            ...(flags.guardrail !== undefined ? { guardrails: flags.guardrail } : {}),
            ...(flags.force ? { force: true } : {}),
            actor: defaultActor(),
          });
          if (flags.json) {
            output.out(JSON.stringify(started, null, 2));
            return;
          }
          for (const warning of started.warnings) output.err(`ratchet: warning: ${warning}`);
          output.out(
            `started ${started.id}: ${Math.round(started.traffic * 1000) / 10}% of ${started.name}@${flags.label} → ${started.candidate.slice(0, 12)} (control ${started.control.slice(0, 12)})`,
          );
          output.out(
            `  primary ${started.doc.metric}; guardrails ${started.doc.guardrails.join(", ") || "none"}; α ${started.doc.alpha}, at least ${started.doc.min_samples} requests per arm`,
          );
          output.out(
            "  applications route by key: getPrompt(name, { key: userId }) from ratchet/client, or GET /v1/prompts/<name>?key=<id>",
          );
          output.out("  `ratchet watch` tests it as traces arrive and rolls back or promotes");
        });
      },
    );

  canary
    .command("status [canary]")
    .description(
      "live metrics per arm and the test's state (a canary id, a prompt name, or all running)",
    )
    .option("--json", "machine-readable")
    .action(async (ref: string | undefined, own: { json?: boolean }, command: Command) => {
      const flags = { ...(command.parent?.opts() as Parent), ...own };
      await withProject(flags, async ({ store, config }) => {
        let rows: CanaryRow<CanaryDoc>[];
        if (ref !== undefined) {
          const found = await findCanary(store, ref, false);
          if (!found) {
            throw new InputError(`no canary matches '${ref}' (ratchet canary list)`, {
              key: "<canary>",
            });
          }
          rows = [found];
        } else {
          rows = await store.live.listCanaries<CanaryDoc>({ status: "running" });
        }
        const reports = [];
        for (const row of rows) {
          const look =
            row.status === "running"
              ? await lookAndAct(store, config, row, { actor: "status", dryRun: true })
              : undefined;
          reports.push({ row, look, traffic: await canaryTraffic(store, row) });
        }
        if (flags.json) {
          output.out(
            JSON.stringify(
              reports.map((r) => ({
                ...r.row,
                looks: r.look?.looks ?? r.row.doc.last_look?.looks ?? [],
                decision: r.look?.decision ?? r.row.doc.last_look?.decision,
                traffic: r.traffic,
              })),
              null,
              2,
            ),
          );
          return;
        }
        if (reports.length === 0) {
          const last = (await store.live.listCanaries<CanaryDoc>())[0];
          output.out(
            last
              ? `no canary running; the last was ${last.id} (${last.status}): ratchet canary status ${last.id}`
              : "no canary running: ratchet canary start <name>@<label>",
          );
          return;
        }
        output.out(reports.map((r) => canaryText(r.row, r.look, r.traffic)).join("\n\n"));
      });
    });

  canary
    .command("stop <canary>")
    .description(
      "end a running canary by hand (a prompt name or a canary id): the control keeps all traffic",
    )
    .option("--reason <text>", "why, for the record")
    .action(async (ref: string, own: { reason?: string }, command: Command) => {
      const flags = { ...(command.parent?.opts() as Parent), ...own };
      await withProject(flags, async ({ store }) => {
        const found = await findCanary(store, ref, true);
        if (!found) {
          throw new InputError(`no canary matches '${ref}' (ratchet canary list)`, {
            key: "<canary>",
          });
        }
        if (found.status !== "running") {
          throw new InputError(`${found.id} already ended (${found.status})`, { key: "<canary>" });
        }
        const stopped = await stopCanary(store, found, {
          actor: defaultActor(),
          ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
        });
        output.out(
          stopped
            ? `stopped ${found.id}: ${found.prompt_name}@${found.label} serves ${found.control_hash.slice(0, 12)} to everyone`
            : `${found.id} had already ended`,
        );
      });
    });

  canary
    .command("list")
    .description("canaries, newest first")
    .option("--json", "machine-readable")
    .action(async (own: { json?: boolean }, command: Command) => {
      const flags = { ...(command.parent?.opts() as Parent), ...own };
      await withProject(flags, async ({ store }) => {
        const rows = await store.live.listCanaries<CanaryDoc>();
        if (flags.json) {
          output.out(JSON.stringify(rows, null, 2));
          return;
        }
        if (rows.length === 0) {
          output.out("no canaries yet: ratchet canary start <name>@<label>");
          return;
        }
        for (const row of rows) {
          output.out(
            `${row.id}  ${row.status.padEnd(12)} ${row.prompt_name}@${row.label} ${Math.round(row.traffic * 1000) / 10}% → ${row.candidate_hash.slice(0, 12)}  ${row.started_at}${row.doc.forced ? "  forced" : ""}`,
          );
        }
      });
    });
}
