import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { parse, stringify } from "yaml";
import { errorMessage, type Failure, isInputError } from "../core/index.js";
import { createPrompter } from "./prompter.js";
import { draftLines, failureLines } from "./render.js";
import {
  approveDraft,
  editDraft,
  getDraft,
  type Project,
  rejectDraft,
  toRecord,
} from "./service.js";
import { DRAFT_SEVERITIES, type DraftSeverity, type EvalDraftRecord } from "./types.js";

export interface ReviewOptions {
  by: string;
  defaultSuite: string;
  input: Readable;
  output: Writable;
  failuresOf: (draft: EvalDraftRecord) => Promise<Failure[]>;
  /** Opens a file in an editor and waits; default `$VISUAL` / `$EDITOR` / `vi`. */
  edit?: (file: string) => void;
}

export interface ReviewSummary {
  approved: number;
  rejected: number;
  edited: number;
  skipped: number;
}

function openInEditor(file: string): void {
  const editor = process.env.VISUAL || process.env.EDITOR || "vi";
  // Through a shell: EDITOR may carry arguments (`code --wait`).
  const result = spawnSync(`${editor} "${file.replace(/"/g, '\\"')}"`, {
    shell: true,
    stdio: "inherit",
  });
  if (result.status !== 0)
    throw new Error(`editor \`${editor}\` exited with ${result.status ?? result.signal}`);
}

const KEYS = "[a]pprove  [e]dit  [r]eject  [s]kip  [q]uit > ";

/**
 * The review queue: each pending draft beside the failures it came from, one key to act.
 * Approval asks owner, severity and suite (with defaults) and writes the case; an edit goes
 * through `$EDITOR` as YAML and is validated like a suite case (a bad edit keeps the draft).
 */
export async function runReview(project: Project, options: ReviewOptions): Promise<ReviewSummary> {
  const out = (text: string) => options.output.write(`${text}\n`);
  const prompter = createPrompter(options.input, options.output);
  const summary: ReviewSummary = { approved: 0, rejected: 0, edited: 0, skipped: 0 };
  let owner: string | undefined;
  let suite = options.defaultSuite;
  try {
    const queue = (await project.store.evalDrafts.list({ status: ["draft"] })).map(toRecord);
    if (queue.length === 0) {
      out("no drafts wait for review");
      return summary;
    }
    for (const [i, start] of queue.entries()) {
      let draft = start;
      let done = false;
      while (!done) {
        out(`\n── draft ${i + 1} of ${queue.length} ──`);
        out(draftLines(draft).join("\n"));
        out("\nfrom failures");
        out(failureLines(await options.failuresOf(draft)).join("\n"));
        const key = await prompter.key(KEYS);
        if (key === "q") return summary;
        if (key === "s") {
          summary.skipped++;
          done = true;
        } else if (key === "a") {
          const who = await askNonEmpty(prompter, "owner (team)", owner);
          if (who === undefined) return summary;
          const level = await prompter.ask(
            `severity (${DRAFT_SEVERITIES.join("/")})`,
            draft.case.severity,
          );
          if (level === undefined) return summary;
          if (!(DRAFT_SEVERITIES as readonly string[]).includes(level)) {
            out(`severity must be one of ${DRAFT_SEVERITIES.join(", ")}; draft kept`);
            continue;
          }
          const target = await prompter.ask("suite file", suite);
          if (target === undefined) return summary;
          try {
            const result = await approveDraft(project, draft.id, {
              owner: who,
              severity: level as DraftSeverity,
              suite: target,
              by: options.by,
            });
            owner = who;
            suite = target;
            summary.approved++;
            if (result.changed)
              out(`note: ${target} changed since the draft was made; the case was merged into it`);
            out(`approved: case ${result.draft.case.id} written to ${target}`);
            done = true;
          } catch (error) {
            if (!isInputError(error)) throw error;
            out(`not approved: ${error.format()}; draft kept`);
          }
        } else if (key === "r") {
          const reason = await askNonEmpty(prompter, "reason");
          if (reason === undefined) return summary;
          await rejectDraft(project.store, draft.id, reason, options.by);
          summary.rejected++;
          out("rejected");
          done = true;
        } else if (key === "e") {
          const edited = await editCase(project, draft, options.edit ?? openInEditor, out);
          if (edited) {
            draft = edited;
            summary.edited++;
          }
        } else {
          out(`unknown key '${key}'`);
        }
      }
    }
    return summary;
  } finally {
    prompter.close();
  }
}

async function askNonEmpty(
  prompter: ReturnType<typeof createPrompter>,
  prompt: string,
  fallback?: string,
): Promise<string | undefined> {
  for (;;) {
    const answer = await prompter.ask(prompt, fallback);
    if (answer === undefined || answer !== "") return answer;
  }
}

async function editCase(
  project: Project,
  draft: EvalDraftRecord,
  edit: (file: string) => void,
  out: (text: string) => void,
): Promise<EvalDraftRecord | undefined> {
  const dir = await mkdtemp(join(tmpdir(), "ratchet-edit-"));
  const file = join(dir, `${draft.case.id}.yaml`);
  try {
    await writeFile(
      file,
      `# Edit the drafted case; it is checked like a suite case when you save.\n${stringify(draft.case, { lineWidth: 0 })}`,
    );
    edit(file);
    const value: unknown = parse(await readFile(file, "utf8"));
    await editDraft(project.store, draft, value);
    out("edit saved");
    return await getDraft(project.store, draft.id);
  } catch (error) {
    out(
      `edit not saved: ${isInputError(error) ? error.format() : errorMessage(error)}; draft kept as it was`,
    );
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
