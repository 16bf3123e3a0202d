import { relative, resolve } from "node:path";
import type { LoadedConfig, RatchetConfig } from "../config/index.js";
import { listSuiteFiles } from "../config/index.js";
import { type Failure, InputError, isInputError, type JsonValue, newId } from "../core/index.js";
import { resolveModel } from "../providers/index.js";
import type { Store, StoredEvalDraft } from "../store/index.js";
import { type ConfirmRequest, confirmFails } from "./confirm.js";
import { contradictions } from "./conflicts.js";
import { draftCases } from "./draft.js";
import { type AppendGuard, appendCase, suiteSnapshot } from "./suite-file.js";
import { projectCases } from "./suites.js";
import type { CaseDraft, DraftSeverity, EvalDraftRecord, SuiteCase } from "./types.js";
import { validateCase } from "./validate.js";

export const DEFAULT_EXPIRY_DAYS = 90;
const DAY_MS = 86_400_000;

export function toRecord(stored: StoredEvalDraft): EvalDraftRecord {
  return stored as unknown as EvalDraftRecord;
}

export interface Project {
  store: Store;
  config: RatchetConfig;
  dir: string;
  loaded: LoadedConfig | undefined;
}

export interface DraftRequest {
  cluster?: string;
  failures?: string[];
  /** `provider:model` that writes the judgement parts. */
  model?: string;
  /** Epochs of the confirmation run; 0 = do not confirm. */
  epochs: number;
  /** The champion to confirm against (a registry ref); default the config's agent. */
  prompt?: string;
  expiresInDays?: number;
  /** The suite the cases are meant for: its content is recorded beside the config's suites. */
  suite?: string;
  env?: NodeJS.ProcessEnv;
  now?: Date;
  onProgress?: (message: string) => void;
}

export interface DraftReport {
  drafts: EvalDraftRecord[];
  notes: string[];
}

async function failuresOf(
  store: Store,
  request: DraftRequest,
): Promise<{ failures: Failure[]; clusterId?: string }> {
  if (request.cluster !== undefined) {
    const id = await store.clusters.resolveId(request.cluster);
    const cluster = id ? await store.clusters.get(id) : undefined;
    if (!id || !cluster) {
      throw new InputError(
        `no cluster matches '${request.cluster}' (see \`ratchet clusters list\`)`,
        { key: "--cluster" },
      );
    }
    const members = await store.clusters.members(id);
    // Representatives first: the members the cluster is best described by.
    const order = [...new Set([...cluster.representatives, ...members.map((m) => m.failure_id)])];
    const failures: Failure[] = [];
    for (const fid of order) {
      const f = await store.failures.get(fid);
      if (f) failures.push(f);
    }
    return { failures, clusterId: id };
  }
  const refs = request.failures ?? [];
  if (refs.length === 0)
    throw new InputError("name a cluster (--cluster <id>) or failures (--failure <id...>)");
  const failures: Failure[] = [];
  for (const ref of refs) {
    const id = await store.failures.resolveId(ref);
    const f = id ? await store.failures.get(id) : undefined;
    if (!f)
      throw new InputError(`no failure matches '${ref}' (see \`ratchet failures list\`)`, {
        key: "--failure",
      });
    failures.push(f);
  }
  return { failures };
}

/** Flags contradictions with the config's cases; a suite that does not load is a note. */
async function conflictsOf(project: Project, drafts: CaseDraft[], notes: string[]): Promise<void> {
  if (!project.loaded) return;
  try {
    for await (const { file, case: approved } of projectCases(project.loaded)) {
      for (const d of drafts) {
        for (const why of contradictions(d.case, approved)) {
          d.fixture.conflicts = [
            ...(d.fixture.conflicts ?? []),
            `${why}: case \`${approved.id}\` in ${file}`,
          ];
        }
      }
    }
  } catch (error) {
    if (!isInputError(error)) throw error;
    notes.push(`contradictions not checked: ${error.format()}`);
  }
}

/** How a suite path is keyed in a draft's snapshots: relative to the project, `/`-separated. */
export function snapshotKey(dir: string, file: string): string {
  return relative(dir, resolve(dir, file)).split("\\").join("/");
}

/**
 * The content hash of each suite file the drafts were checked against (the config's suites)
 * and of the intended target suite, so approval can tell whether one changed since.
 */
async function suiteSnapshots(
  project: Project,
  target: string | undefined,
): Promise<Record<string, string | null>> {
  const files: string[] = [];
  if (project.loaded) {
    try {
      files.push(...(await listSuiteFiles(project.config.evaluation.suites, project.dir)));
    } catch (error) {
      // A suite glob that does not list is reported by the contradiction check already.
      if (!isInputError(error)) throw error;
    }
  }
  if (target !== undefined) files.push(resolve(project.dir, target));
  const out: Record<string, string | null> = {};
  for (const file of files) out[snapshotKey(project.dir, file)] = await suiteSnapshot(file);
  return out;
}

/**
 * Drafts cases from a cluster or failures, flags contradictions with approved cases, confirms
 * the champion fails each one and stores them: `draft` when confirmed (or not confirmed on
 * request), `discarded` with the reason when the champion passes.
 */
export async function draftAndStore(project: Project, request: DraftRequest): Promise<DraftReport> {
  const { store, config, dir } = project;
  const { failures, clusterId } = await failuresOf(store, request);
  const now = request.now ?? new Date();
  const expiresAt = new Date(
    now.getTime() + (request.expiresInDays ?? DEFAULT_EXPIRY_DAYS) * DAY_MS,
  ).toISOString();
  const model = request.model
    ? {
        spec: request.model,
        model: resolveModel(request.model, config.providers, request.env ?? process.env, {
          cwd: dir,
        }).model,
      }
    : undefined;
  const { drafts, notes } = await draftCases({
    failures,
    expiresAt,
    ...(clusterId ? { clusterId } : {}),
    ...(model ? { model } : {}),
  });
  await conflictsOf(project, drafts, notes);
  const snapshots = await suiteSnapshots(project, request.suite);
  if (request.epochs > 0 && !project.loaded) {
    throw new InputError(
      "confirming a draft runs the champion, which needs a ratchet.yaml (or pass --no-confirm)",
    );
  }
  const out: EvalDraftRecord[] = [];
  for (const d of drafts) {
    let confirm: EvalDraftRecord["confirm"] = null;
    let status: EvalDraftRecord["status"] = "draft";
    let reason: string | null = null;
    if (request.epochs > 0 && project.loaded) {
      request.onProgress?.(`confirming ${d.case.id} on the champion (${request.epochs} epochs)…`);
      const confirmRequest: ConfirmRequest = {
        cwd: dir,
        configPath: project.loaded.file,
        epochs: request.epochs,
        ...(request.prompt ? { prompt: request.prompt } : {}),
        ...(request.env ? { env: request.env } : {}),
      };
      confirm = await confirmFails(d.case, confirmRequest);
      if (!confirm.confirmed && confirm.error_epochs < confirm.epochs) {
        status = "discarded";
        const passed = confirm.epochs - confirm.error_epochs - confirm.failed_epochs;
        const rule =
          confirm.decided_by === "judge"
            ? "; judged by its judge alone, most epochs must fail"
            : "";
        reason = `the champion passed it in ${passed} of ${confirm.epochs} epochs (run ${confirm.run_id}${rule}): it does not reproduce the failure`;
      } else if (!confirm.confirmed) {
        reason = `not confirmed: the champion errored in every epoch (run ${confirm.run_id})`;
      }
    }
    const record: EvalDraftRecord = {
      id: newId("draft"),
      created_at: now.toISOString(),
      cluster_id: d.cluster_id ?? null,
      failure_ids: d.failure_ids,
      case: d.case,
      fixture: d.fixture,
      status,
      reason,
      reviewer: null,
      reviewed_at: null,
      target_suite: null,
      confirm,
      suite_snapshots: snapshots,
    };
    await store.evalDrafts.save(record as unknown as StoredEvalDraft);
    out.push(record);
  }
  return { drafts: out, notes };
}

/** The newest draft waiting for review, else the newest draft: what `latest` names. */
async function latestDraftId(store: Store): Promise<string | undefined> {
  const pending = await store.evalDrafts.list({ status: ["draft"] });
  return (pending.at(-1) ?? (await store.evalDrafts.list()).at(-1))?.id;
}

export async function getDraft(store: Store, ref: string): Promise<EvalDraftRecord> {
  const id = ref === "latest" ? await latestDraftId(store) : await store.evalDrafts.resolveId(ref);
  const draft = id ? await store.evalDrafts.get(id) : undefined;
  if (!draft)
    throw new InputError(`no eval draft matches '${ref}' (see \`ratchet evals list\`)`, {
      key: "<draft>",
    });
  return toRecord(draft);
}

function pending(draft: EvalDraftRecord): void {
  if (draft.status !== "draft") {
    throw new InputError(
      `draft ${draft.id} is ${draft.status}${draft.reason ? ` (${draft.reason})` : ""}; only pending drafts can be reviewed`,
      { key: "<draft>" },
    );
  }
}

export interface ApproveRequest {
  owner: string;
  severity: DraftSeverity;
  /** Suite file, relative to the project folder. */
  suite: string;
  by: string;
  /** Write the case even though the suite changed since the draft in a way that contradicts it. */
  force?: boolean;
  now?: Date;
}

/**
 * A hand-written case's input as the contradiction check reads it (a message list: its last
 * user message); anything malformed reads as "", which matches no draft.
 */
function inputOf(value: unknown): SuiteCase["input"] {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return "";
  const messages = value.filter(
    (m): m is { role: string; content: string } =>
      m !== null &&
      typeof m === "object" &&
      (m as { role?: unknown }).role === "user" &&
      typeof (m as { content?: unknown }).content === "string",
  );
  return messages.at(-1)?.content ?? "";
}

/** An approval refused because the suite changed since the draft; `force` overrules it. */
export class SuiteChangedError extends InputError {
  constructor(message: string, file: string) {
    super(message, { file });
    this.name = "SuiteChangedError";
  }
}

/**
 * Guards the append when the draft recorded the target suite's content: a file that changed
 * since is merged only when it still agrees with the draft (none of its cases contradicts it)
 * and still exists; otherwise approval is refused, naming the file and what to do.
 */
function changeGuard(
  draft: EvalDraftRecord,
  value: SuiteCase,
  key: string,
  force: boolean,
): AppendGuard | undefined {
  const since = draft.suite_snapshots?.[key];
  if (since === undefined) return undefined;
  const todo = `re-draft it (\`ratchet evals draft\`) or approve it anyway with \`ratchet evals approve ${draft.id} --force\``;
  return {
    since,
    onChanged: ({ cases, exists }) => {
      if (force) return;
      if (!exists) {
        throw new SuiteChangedError(
          `${key} was deleted since draft ${draft.id} was made; nothing was written: restore it, ${todo} to create it again`,
          key,
        );
      }
      const found: string[] = [];
      for (const c of cases) {
        const checked = {
          input: inputOf(c.input),
          assertions: Array.isArray(c.assertions) ? (c.assertions as SuiteCase["assertions"]) : [],
          ...(c.expected && typeof c.expected === "object"
            ? { expected: c.expected as SuiteCase["expected"] }
            : {}),
        };
        for (const why of contradictions(value, checked))
          found.push(`${why}: case \`${String(c.id)}\``);
      }
      if (found.length > 0) {
        throw new SuiteChangedError(
          `${key} changed since draft ${draft.id} was made and now contradicts it (${found.join("; ")}); nothing was written: ${todo}`,
          key,
        );
      }
    },
  };
}

export function approvalComment(draft: EvalDraftRecord, by: string, at: string): string {
  const from = draft.cluster_id
    ? `cluster ${draft.cluster_id}`
    : `incident ${draft.failure_ids.join(", ")}`;
  const lines = [
    `approved by ${by} at ${at} from draft ${draft.id} (${from})`,
    `expected: ${draft.fixture.expected_behaviour}`,
    `failure mode: ${draft.fixture.failure_mode}`,
  ];
  if (draft.case.severity === "blocking")
    lines.push(
      `release gate: blocks ${draft.fixture.release_gate.join(", ") || "prompt, policy, model, tool"} changes`,
    );
  return lines.map((l) => l.replace(/\s+/g, " ").slice(0, 300)).join("\n");
}

/** Writes the case into the suite (the only way a draft reaches one) and records who and when. */
export async function approveDraft(
  project: Project,
  ref: string,
  request: ApproveRequest,
): Promise<{ draft: EvalDraftRecord; suite: string; created: boolean; changed: boolean }> {
  const draft = await getDraft(project.store, ref);
  pending(draft);
  const at = (request.now ?? new Date()).toISOString();
  const blocking = request.severity === "blocking";
  const value: SuiteCase = {
    ...draft.case,
    owner: request.owner,
    severity: request.severity,
  };
  validateCase(value, `draft ${draft.id}`);
  const path = resolve(project.dir, request.suite);
  const guard = changeGuard(draft, value, snapshotKey(project.dir, path), request.force === true);
  const { created, changed } = await appendCase(
    path,
    value as unknown as Record<string, unknown> & { id: string },
    approvalComment(
      {
        ...draft,
        case: value,
        fixture: { ...draft.fixture, release_gate: blocking ? draft.fixture.release_gate : [] },
      },
      request.by,
      at,
    ),
    guard,
  );
  const updated = await project.store.evalDrafts.review(draft.id, {
    status: "approved",
    reviewer: request.by,
    reviewed_at: at,
    target_suite: request.suite,
    case: value as unknown as JsonValue,
  });
  return { draft: toRecord(updated), suite: path, created, changed };
}

export async function rejectDraft(
  store: Store,
  ref: string,
  reason: string,
  by: string,
): Promise<EvalDraftRecord> {
  const draft = await getDraft(store, ref);
  pending(draft);
  if (reason.trim() === "") throw new InputError("a rejection needs a reason", { key: "--reason" });
  return toRecord(
    await store.evalDrafts.review(draft.id, { status: "rejected", reason, reviewer: by }),
  );
}

/** An edited case (from `$EDITOR`) checked like a suite's before it replaces the draft's. */
export async function editDraft(
  store: Store,
  draft: EvalDraftRecord,
  value: unknown,
): Promise<EvalDraftRecord> {
  pending(draft);
  const c = validateCase(value, `edited draft ${draft.id}`);
  await store.evalDrafts.updateCase(draft.id, c as unknown as JsonValue);
  return getDraft(store, draft.id);
}
