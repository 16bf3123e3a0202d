import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Context, Hono } from "hono";
import { html } from "hono/html";
import { parse } from "yaml";
import { defaultConfig } from "../config/index.js";
import { errorMessage, type FailureStatus, isInputError } from "../core/index.js";
import {
  approveDraft,
  DRAFT_SEVERITIES,
  type DraftSeverity,
  type EvalDraftRecord,
  editDraft,
  type Project,
  rejectDraft,
  SuiteChangedError,
  toRecord,
} from "../evalgen/index.js";
import { render, type WebEnv, writeForm } from "./app.js";
import type { Html } from "./layout.js";
import { clusterPage, clustersPage } from "./pages/clusters.js";
import { failurePage, failuresPage, TRIAGE_CHOICES } from "./pages/failures.js";
import { caseHash, draftPage, type ReviewInput, reviewPage } from "./pages/review.js";
import type { PageContext } from "./types.js";

/**
 * One write at a time: a check ("still pending?") and the write after it (a suite file, then
 * the store) are not one transaction, so two clicks on the same draft must not interleave.
 */
let queue: Promise<unknown> = Promise.resolve();
function serially<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

const alert = (text: string): Html => html`<p class="empty fail" role="alert">${text}</p>`;

/** The project approvals write under: the one `ratchet ui` opened, else the working folder. */
function projectOf(ctx: PageContext): Project {
  const p = ctx.project;
  return p
    ? { store: ctx.store, config: p.config, dir: p.dir, loaded: p.loaded }
    : { store: ctx.store, config: defaultConfig(), dir: process.cwd(), loaded: undefined };
}

/** A suite path from a form: relative, inside the project folder (a browser names no other file). */
function suiteProblem(dir: string, suite: string): string | undefined {
  if (suite === "") return "the suite file is empty";
  if (isAbsolute(suite))
    return `the suite file must be relative to the project folder, got '${suite}'`;
  const rel = relative(dir, resolve(dir, suite));
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return `the suite file must stay inside the project folder, got '${suite}'`;
  }
  if (!/\.ya?ml$/i.test(suite))
    return `approved cases are written to YAML suites (.yaml or .yml), got '${suite}'`;
  return undefined;
}

async function draftAgain(
  c: Context<WebEnv>,
  id: string,
  notice: Html,
  status: 400 | 409,
  input: ReviewInput = {},
) {
  return render(c, await draftPage(c.get("page"), id, notice, input), status);
}

/** The draft while it is pending; else the 409 page saying who got there first. */
async function pendingDraft(
  c: Context<WebEnv>,
  id: string,
  verb: string,
): Promise<{ draft: EvalDraftRecord } | { response: Response }> {
  const stored = await c.get("page").store.evalDrafts.get(id);
  if (stored === undefined) return { response: await render(c, undefined) };
  const d = toRecord(stored);
  if (d.status === "draft") return { draft: d };
  const who = d.reviewer ? ` by ${d.reviewer}` : "";
  const at = d.reviewed_at ? ` at ${d.reviewed_at}` : "";
  return {
    response: await draftAgain(
      c,
      id,
      alert(
        `Not ${verb}: this draft was already ${d.status}${who}${at}${d.reason ? ` (${d.reason})` : ""}. Nothing was written.`,
      ),
      409,
    ),
  };
}

/** Failures, clusters and the eval draft review queue (issue 23, pages 3 and 4). */
export function registerQueue(app: Hono<WebEnv>): void {
  app.get("/failures", async (c) => {
    const { body, status } = await failuresPage(c.get("page"), new URL(c.req.url));
    return render(c, body, status);
  });
  app.get("/failures/:id", async (c) =>
    render(c, await failurePage(c.get("page"), c.req.param("id"))),
  );
  app.post("/failures/:id/triage", async (c) => {
    const got = await writeForm(c);
    if ("response" in got) return got.response;
    const ctx = c.get("page");
    const id = c.req.param("id");
    const { status = "", by = "", note = "", expected = "" } = got.form;
    const again = async (text: string, code: 400 | 409) =>
      render(c, await failurePage(ctx, id, alert(text)), code);
    if (!(TRIAGE_CHOICES as readonly string[]).includes(status)) {
      return again(
        `Not recorded: status must be one of ${TRIAGE_CHOICES.join(", ")}, got '${status}'.`,
        400,
      );
    }
    if (by.trim() === "")
      return again("Not recorded: say who decides (the history keeps it).", 400);
    return serially(async () => {
      const current = await ctx.store.failures.get(id);
      if (current === undefined) return render(c, undefined);
      if (expected !== "" && current.status !== expected) {
        return again(
          `Not recorded: someone set this failure to ${current.status} since you loaded the page. Check the history below and try again.`,
          409,
        );
      }
      try {
        // What `ratchet failures triage <id> <status> --by … --note …` records.
        await ctx.store.failures.triage(id, {
          status: status as FailureStatus,
          by: by.trim(),
          ...(note.trim() !== "" ? { note: note.trim() } : {}),
        });
      } catch (error) {
        if (!isInputError(error)) throw error;
        return again(`Not recorded: ${errorMessage(error)}`, 409);
      }
      return c.redirect(`/failures/${encodeURIComponent(id)}`, 303);
    });
  });

  app.get("/clusters", async (c) =>
    render(c, await clustersPage(c.get("page"), new URL(c.req.url))),
  );
  app.get("/clusters/:id", async (c) =>
    render(c, await clusterPage(c.get("page"), c.req.param("id"))),
  );

  app.get("/review", async (c) => {
    const { body, status } = await reviewPage(c.get("page"), new URL(c.req.url));
    return render(c, body, status);
  });
  app.get("/review/:id", async (c) => render(c, await draftPage(c.get("page"), c.req.param("id"))));

  app.post("/review/:id/approve", async (c) => {
    const got = await writeForm(c);
    if ("response" in got) return got.response;
    const ctx = c.get("page");
    const id = c.req.param("id");
    const input: ReviewInput = {
      owner: (got.form.owner ?? "").trim(),
      severity: got.form.severity ?? "",
      suite: (got.form.suite ?? "").trim(),
      by: (got.form.by ?? "").trim(),
    };
    return serially(async () => {
      const pending = await pendingDraft(c, id, "approved");
      if ("response" in pending) return pending.response;
      const { draft } = pending;
      const project = projectOf(ctx);
      const problem =
        input.owner === ""
          ? "say which team owns the case"
          : !(DRAFT_SEVERITIES as readonly string[]).includes(input.severity ?? "")
            ? `severity must be one of ${DRAFT_SEVERITIES.join(", ")}, got '${input.severity}'`
            : input.by === ""
              ? "say who approves (the suite file records it)"
              : suiteProblem(project.dir, input.suite ?? "");
      if (problem) return draftAgain(c, id, alert(`Not approved: ${problem}.`), 400, input);
      if (got.form.seen !== undefined && got.form.seen !== caseHash(draft)) {
        return draftAgain(
          c,
          id,
          alert(
            "Not approved: the case was edited since you loaded the page. Read it again below, then approve.",
          ),
          409,
          input,
        );
      }
      let merged = false;
      try {
        const done = await approveDraft(project, id, {
          owner: input.owner as string,
          severity: input.severity as DraftSeverity,
          suite: input.suite as string,
          by: input.by as string,
          force: got.form.force === "1",
        });
        merged = done.changed;
      } catch (error) {
        if (!isInputError(error)) throw error;
        // The one refusal a reviewer may overrule (the suite changed since the draft in a way
        // that contradicts it) offers "approve anyway"; the same form, ticked, sends force.
        return draftAgain(c, id, alert(`Not approved: ${error.format()}`), 409, {
          ...input,
          offerForce: error instanceof SuiteChangedError,
        });
      }
      const note = new URLSearchParams({
        approved: draft.case.id,
        ...(merged ? { merged: "1" } : {}),
      });
      return c.redirect(`/review?${note}`, 303);
    });
  });

  app.post("/review/:id/reject", async (c) => {
    const got = await writeForm(c);
    if ("response" in got) return got.response;
    const ctx = c.get("page");
    const id = c.req.param("id");
    const input: ReviewInput = {
      reason: (got.form.reason ?? "").trim(),
      by: (got.form.by ?? "").trim(),
    };
    return serially(async () => {
      const pending = await pendingDraft(c, id, "rejected");
      if ("response" in pending) return pending.response;
      if (input.reason === "")
        return draftAgain(c, id, alert("Not rejected: a rejection needs a reason."), 400, input);
      if (input.by === "")
        return draftAgain(c, id, alert("Not rejected: say who rejects."), 400, input);
      try {
        await rejectDraft(ctx.store, id, input.reason as string, input.by as string);
      } catch (error) {
        if (!isInputError(error)) throw error;
        return draftAgain(c, id, alert(`Not rejected: ${error.format()}`), 409, input);
      }
      return c.redirect("/review", 303);
    });
  });

  app.post("/review/:id/edit", async (c) => {
    const got = await writeForm(c);
    if ("response" in got) return got.response;
    const ctx = c.get("page");
    const id = c.req.param("id");
    const text = got.form.case ?? "";
    return serially(async () => {
      const pending = await pendingDraft(c, id, "edited");
      if ("response" in pending) return pending.response;
      const { draft } = pending;
      let value: unknown;
      try {
        value = parse(text);
      } catch (error) {
        return draftAgain(
          c,
          id,
          alert(
            `Edit not saved: the case does not parse as YAML or JSON: ${errorMessage(error).split("\n")[0]}`,
          ),
          400,
          { case: text },
        );
      }
      try {
        // The CLI's edit path: checked like a suite case before it replaces the draft's.
        await editDraft(ctx.store, draft, value);
      } catch (error) {
        if (!isInputError(error)) throw error;
        return draftAgain(
          c,
          id,
          alert(`Edit not saved: ${error.format()}; the draft is kept as it was.`),
          400,
          {
            case: text,
          },
        );
      }
      return c.redirect(`/review/${encodeURIComponent(id)}`, 303);
    });
  });
}
