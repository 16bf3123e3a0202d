import { userInfo } from "node:os";
import { relative } from "node:path";
import type { Command } from "commander";
import { listSuiteFiles } from "../../config/index.js";
import { InputError } from "../../core/index.js";
import {
  approveDraft,
  DEFAULT_CONFIRM_EPOCHS,
  DEFAULT_EXPIRY_DAYS,
  DRAFT_SEVERITIES,
  DRAFT_STATUSES,
  type DraftSeverity,
  type DraftStatus,
  draftAndStore,
  draftLines,
  type EvalDraftRecord,
  expiredCases,
  failureLines,
  getDraft,
  one,
  projectCases,
  rejectDraft,
  removeCases,
  runReview,
  toRecord,
} from "../../evalgen/index.js";
import { renderTable } from "../../report/index.js";
import type { Store } from "../../store/index.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { type Project, withProject } from "../project.js";

interface ProjectOpts {
  config?: string;
  db?: string;
}

/** `-c` given after a subcommand is parsed as the parent's option: merge both. */
function merged<T extends object>(own: T, command: Command): T & ProjectOpts {
  return { ...(command.parent?.opts() as ProjectOpts), ...own };
}

function whoAmI(by: string | undefined): string {
  if (by !== undefined && by.trim() !== "") return by.trim();
  try {
    return process.env.USER || userInfo().username || "unknown";
  } catch {
    return "unknown";
  }
}

export function parseSeverity(value: string, key = "--severity"): DraftSeverity {
  if (!(DRAFT_SEVERITIES as readonly string[]).includes(value)) {
    throw new InputError(`${key} must be one of ${DRAFT_SEVERITIES.join(", ")}, got '${value}'`, {
      key,
    });
  }
  return value as DraftSeverity;
}

function parseStatuses(value: string | undefined): DraftStatus[] | undefined {
  if (value === undefined || value === "all") return undefined;
  const list = value.split(",").map((s) => s.trim());
  for (const s of list) {
    if (!(DRAFT_STATUSES as readonly string[]).includes(s)) {
      throw new InputError(`--status must be ${DRAFT_STATUSES.join(", ")} or all, got '${s}'`, {
        key: "--status",
      });
    }
  }
  return list as DraftStatus[];
}

export async function draftFailures(store: Store, draft: EvalDraftRecord) {
  const out = [];
  for (const id of draft.failure_ids) {
    const f = await store.failures.get(id);
    if (f) out.push(f);
  }
  return out;
}

function projectOf(p: Project) {
  return { store: p.store, config: p.config, dir: p.dir, loaded: p.loaded };
}

const common = (cmd: Command) =>
  cmd
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above)")
    .option("--db <path>", "SQLite store (default: the config's store.path)");

export function registerEvals(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  const evals = common(
    program
      .command("evals")
      .description("regression cases drafted from failures: draft, review, approve, expire"),
  );

  common(evals.command("draft"))
    .description(
      "draft regression cases from a cluster or failures, kept only if the champion fails them",
    )
    .option("--cluster <id>", "a failure cluster (`ratchet clusters list`)")
    .option("--failure <id...>", "failure ids (`ratchet failures list`)")
    .option(
      "--model <provider:model>",
      "a model writes the expected behaviour (default: rules over the evidence)",
    )
    .option(
      "--epochs <n>",
      "epochs of the confirmation run",
      parseIntOption("--epochs", 1, 100),
      DEFAULT_CONFIRM_EPOCHS,
    )
    .option("--no-confirm", "store drafts without running the champion on them")
    .option(
      "--suite <file>",
      "the suite the cases are meant for: its content is recorded, so approval can tell if it changed",
    )
    .option("--prompt <ref>", "the champion as a prompt registry ref, e.g. support@production")
    .option(
      "--expires-in <days>",
      "days until the drafted cases expire",
      parseIntOption("--expires-in", 1, 3650),
      DEFAULT_EXPIRY_DAYS,
    )
    .option("--json", "machine-readable")
    .action(
      async (
        own: {
          cluster?: string;
          failure?: string[];
          model?: string;
          epochs: number;
          confirm: boolean;
          prompt?: string;
          expiresIn: number;
          suite?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const flags = merged(own, command);
        if (flags.cluster !== undefined && flags.failure !== undefined) {
          throw new InputError("give --cluster or --failure, not both", { key: "--cluster" });
        }
        await withProject(flags, async (p) => {
          const report = await draftAndStore(projectOf(p), {
            ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
            ...(flags.failure !== undefined ? { failures: flags.failure } : {}),
            ...(flags.model ? { model: flags.model } : {}),
            ...(flags.prompt ? { prompt: flags.prompt } : {}),
            epochs: flags.confirm ? flags.epochs : 0,
            expiresInDays: flags.expiresIn,
            ...(flags.suite !== undefined ? { suite: flags.suite } : {}),
            onProgress: (m) => output.err(m),
          });
          if (flags.json) {
            output.out(JSON.stringify({ drafts: report.drafts, notes: report.notes }));
            return;
          }
          for (const note of report.notes) output.err(`note: ${note}`);
          for (const d of report.drafts) {
            const flag = d.fixture.conflicts?.length ? "  CONFLICT" : "";
            output.out(
              `${d.id}  ${d.status.padEnd(9)} ${d.case.id}  ${one(d.reason ?? d.fixture.expected_behaviour, 90)}${flag}`,
            );
          }
          const pending = report.drafts.filter((d) => d.status === "draft").length;
          output.out(
            `\n${pending} of ${report.drafts.length} drafts wait for review: \`ratchet evals review\``,
          );
        });
      },
    );

  common(evals.command("list"))
    .description("drafts, oldest first (pending ones unless --status)")
    .option("--status <list>", `${DRAFT_STATUSES.join(",")} or all`, "draft")
    .option("--json", "machine-readable (one draft per line)")
    .action(async (own: { status: string; json?: boolean }, command: Command) => {
      const flags = merged(own, command);
      const status = parseStatuses(flags.status);
      await withProject(flags, async ({ store }) => {
        const list = (await store.evalDrafts.list(status ? { status } : {})).map(toRecord);
        if (flags.json) {
          for (const d of list) output.out(JSON.stringify(d));
          return;
        }
        if (list.length === 0) {
          output.out("no drafts: `ratchet evals draft --cluster <id>` or `--failure <id>`");
          return;
        }
        output.out(
          renderTable(
            ["id", "status", "case", "severity", "confirm", "created", "expected behaviour"],
            list.map((d) => [
              d.id,
              d.status + (d.fixture.conflicts?.length ? "!" : ""),
              d.case.id,
              d.case.severity,
              d.confirm ? `${d.confirm.failed_epochs}/${d.confirm.epochs} fail` : "—",
              d.created_at.replace("T", " ").slice(0, 16),
              one(d.fixture.expected_behaviour, 60),
            ]),
          ),
        );
      });
    });

  common(evals.command("show <draft>"))
    .description(
      "a draft (an id, a unique prefix, or `latest`): its case, checks, confirmation, conflicts, failures",
    )
    .option("--json", "machine-readable")
    .action(async (ref: string, own: { json?: boolean }, command: Command) => {
      const flags = merged(own, command);
      await withProject(flags, async ({ store }) => {
        const draft = await getDraft(store, ref);
        if (flags.json) {
          output.out(JSON.stringify(draft));
          return;
        }
        output.out(
          [
            ...draftLines(draft),
            "",
            "from failures",
            ...failureLines(await draftFailures(store, draft)),
          ].join("\n"),
        );
      });
    });

  common(evals.command("approve <draft>"))
    .description("write the drafted case into a suite file, recording who approved it and when")
    .requiredOption("--owner <team>", "who keeps the case healthy")
    .requiredOption("--severity <level>", DRAFT_SEVERITIES.join(", "))
    .requiredOption(
      "--suite <file>",
      "suite YAML to append to (created if absent), relative to the project",
    )
    .option("--by <name>", "reviewer (default: $USER)")
    .option(
      "--force",
      "write the case even if the suite changed since the draft was made and now contradicts it",
    )
    .action(
      async (
        ref: string,
        own: { owner: string; severity: string; suite: string; by?: string; force?: boolean },
        command: Command,
      ) => {
        const flags = merged(own, command);
        const severity = parseSeverity(flags.severity);
        if (flags.owner.trim() === "")
          throw new InputError("--owner must not be empty", { key: "--owner" });
        await withProject(flags, async (p) => {
          const result = await approveDraft(projectOf(p), ref, {
            owner: flags.owner.trim(),
            severity,
            suite: flags.suite,
            by: whoAmI(flags.by),
            ...(flags.force ? { force: true } : {}),
          });
          const where = relative(process.cwd(), result.suite) || result.suite;
          const suites = p.loaded ? await listSuiteFiles(p.config.evaluation.suites, p.dir) : [];
          if (p.loaded && !suites.includes(result.suite)) {
            output.err(
              `warning: ${where} is not matched by evaluation.suites, so \`ratchet eval\` will not run the case`,
            );
          }
          if (result.changed) {
            output.err(
              `note: ${where} changed since the draft was made; the case was merged into its current content (its cases, comments and order kept)`,
            );
          }
          output.out(
            `approved ${result.draft.id}: case ${result.draft.case.id} ${result.created ? "in new suite" : "appended to"} ${where}`,
          );
        });
      },
    );

  common(evals.command("reject <draft>"))
    .description("reject a draft with a reason")
    .requiredOption("--reason <text>", "why the draft is not a good case")
    .option("--by <name>", "reviewer (default: $USER)")
    .action(async (ref: string, own: { reason: string; by?: string }, command: Command) => {
      const flags = merged(own, command);
      await withProject(flags, async ({ store }) => {
        const d = await rejectDraft(store, ref, flags.reason, whoAmI(flags.by));
        output.out(`rejected ${d.id}: ${one(flags.reason, 120)}`);
      });
    });

  common(evals.command("review"))
    .description(
      "review pending drafts in the terminal: a approve, e edit, r reject, s skip, q quit",
    )
    .option("--by <name>", "reviewer (default: $USER)")
    .option("--suite <file>", "default suite for approvals", "suites/regressions.yaml")
    .action(async (own: { by?: string; suite: string }, command: Command) => {
      const flags = merged(own, command);

      await withProject(flags, async (p) => {
        const summary = await runReview(projectOf(p), {
          by: whoAmI(flags.by),
          defaultSuite: flags.suite,
          input: process.stdin,
          output: process.stdout,
          failuresOf: (d) => draftFailures(p.store, d),
        });
        output.out(
          `reviewed: ${summary.approved} approved, ${summary.rejected} rejected, ${summary.edited} edited, ${summary.skipped} skipped`,
        );
      });
    });

  common(evals.command("expire"))
    .description("list cases whose expires_at has passed; --retire removes them from their suites")
    .option("--retire", "remove expired cases from their suite files")
    .option("--json", "machine-readable")
    .action(async (own: { retire?: boolean; json?: boolean }, command: Command) => {
      const flags = merged(own, command);
      await withProject(flags, async ({ loaded, dir }) => {
        if (!loaded)
          throw new InputError("no ratchet.yaml here or above: expiry reads the config's suites");
        const expired = await expiredCases(projectCases(loaded));
        const retired: string[] = [];
        if (flags.retire) {
          const byFile = new Map<string, Set<string>>();
          for (const e of expired) byFile.set(e.file, (byFile.get(e.file) ?? new Set()).add(e.id));
          for (const [file, ids] of byFile) retired.push(...(await removeCases(file, ids)));
        }
        if (flags.json) {
          output.out(JSON.stringify({ expired, retired }));
          return;
        }
        if (expired.length === 0) {
          output.out("no expired cases");
          return;
        }
        output.out(
          renderTable(
            ["case", "suite", "expired", "owner"],
            expired.map((e) => [
              e.id,
              relative(dir, e.file),
              e.expires_at.slice(0, 10),
              e.owner ?? "—",
            ]),
          ),
        );
        output.out(
          flags.retire
            ? `\nretired ${retired.length} cases`
            : "\nretire them with `ratchet evals expire --retire`",
        );
      });
    });
  setExit(0);
}
