import { execFileSync } from "node:child_process";
import { InputError } from "../core/index.js";
import type {
  PromptLabelEvent,
  PromptLabelEventKind,
  PromptStore,
  StoredPromptVersion,
} from "../store/index.js";
import { hashPromptVersion } from "./hash.js";
import {
  checkLabel,
  checkPromptName,
  DEFAULT_LABEL,
  type PromptVersionRecord,
  recordOf,
  resolvePromptRef,
} from "./ref.js";
import { normalizeSettings, type PromptSettings } from "./settings.js";

type Stores = { prompts: PromptStore };

/** Who moved a label when nobody said: git's user.name, else $USER. */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  try {
    const name = execFileSync("git", ["config", "user.name"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 2000,
    }).trim();
    if (name) return name;
  } catch {
    // No git, or no user.name: fall through.
  }
  return env.USER || env.USERNAME || "unknown";
}

export interface AddPromptInput {
  name: string;
  content: string;
  settings?: PromptSettings;
  /** Refs (`name@label`, `name@hash`) or full hashes of this name's versions. */
  parents?: string[];
  author?: string;
  author_kind?: "human" | "optimizer";
  rationale?: string;
  target_cluster?: string;
  /** Move this label to the new version, recorded with `actor` and `reason`. */
  label?: string;
  actor?: string;
  reason?: string;
  /** `rollback.max_versions_retained`; no pruning when absent. */
  retain?: number;
  now?: Date;
}

export interface AddPromptResult {
  version: PromptVersionRecord;
  created: boolean;
  pruned: string[];
  event?: PromptLabelEvent;
}

/** Adds a version (the same content again returns the existing one), then prunes. */
export async function addPrompt(store: Stores, input: AddPromptInput): Promise<AddPromptResult> {
  const name = checkPromptName(input.name);
  if (input.label !== undefined) checkLabel(input.label, "--label");
  const settings = normalizeSettings(input.settings);
  const parents: string[] = [];
  for (const ref of input.parents ?? []) {
    const parent = await resolvePromptRef(
      store,
      ref.includes("@") ? ref : `${name}@${ref}`,
      "--parent",
    );
    if (parent.name !== name) {
      throw new InputError(`parent ${ref} is a version of ${parent.name}, not of ${name}`, {
        key: "--parent",
      });
    }
    if (!parents.includes(parent.hash)) parents.push(parent.hash);
  }
  if (parents.length > 2) {
    throw new InputError("a version has at most two parents (two for a merge)", {
      key: "--parent",
    });
  }
  const at = (input.now ?? new Date()).toISOString();
  const version: StoredPromptVersion = {
    name,
    hash: hashPromptVersion(input.content, settings),
    content: input.content,
    ...(settings !== undefined ? { settings: settings as StoredPromptVersion["settings"] } : {}),
    parents,
    author: input.author ?? defaultActor(),
    author_kind: input.author_kind ?? "human",
    ...(input.rationale !== undefined ? { rationale: input.rationale } : {}),
    ...(input.target_cluster !== undefined ? { target_cluster: input.target_cluster } : {}),
    created_at: at,
  };
  const saved = await store.prompts.saveVersion(version, {
    ...(input.retain !== undefined ? { retain: input.retain } : {}),
    ...(input.label !== undefined
      ? {
          label: {
            label: input.label,
            kind: "set",
            actor: input.actor ?? input.author ?? defaultActor(),
            ...(input.reason !== undefined ? { reason: input.reason } : {}),
            at,
          },
        }
      : {}),
  });
  return {
    version: await recordOf(store.prompts, saved.version),
    created: saved.created,
    pruned: saved.pruned,
    ...(saved.event ? { event: saved.event } : {}),
  };
}

export interface LabelInput {
  actor?: string;
  reason?: string;
  decision_id?: string;
  kind?: Extract<PromptLabelEventKind, "set" | "promote">;
  now?: Date;
}

/** Points `label` of `name` at the version `version` names (a hash, prefix or ref). */
export async function labelPrompt(
  store: Stores,
  name: string,
  version: string,
  label: string,
  input: LabelInput = {},
): Promise<PromptLabelEvent> {
  checkPromptName(name);
  checkLabel(label);
  const target = await resolvePromptRef(
    store,
    version.includes("@") ? version : `${name}@${version}`,
    "version",
  );
  if (target.name !== name) {
    throw new InputError(`${version} is a version of ${target.name}, not of ${name}`, {
      key: "version",
    });
  }
  return store.prompts.moveLabel({
    name,
    label,
    to: target.hash,
    kind: input.kind ?? "set",
    actor: input.actor ?? defaultActor(),
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.decision_id !== undefined ? { decision_id: input.decision_id } : {}),
    at: (input.now ?? new Date()).toISOString(),
  });
}

/** Takes a label off its version (recorded; a later rollback can restore it). */
export async function removeLabel(
  store: Stores,
  name: string,
  label: string,
  input: Omit<LabelInput, "kind"> = {},
): Promise<PromptLabelEvent> {
  await resolvePromptRef(store, `${checkPromptName(name)}@${checkLabel(label)}`, "label");
  return store.prompts.moveLabel({
    name,
    label,
    to: null,
    kind: "remove",
    actor: input.actor ?? defaultActor(),
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    at: (input.now ?? new Date()).toISOString(),
  });
}

/** Moves `label` (default `production`) back one step in its history. */
export async function rollbackPrompt(
  store: Stores,
  name: string,
  label: string = DEFAULT_LABEL,
  input: Omit<LabelInput, "kind"> = {},
): Promise<PromptLabelEvent> {
  checkPromptName(name);
  checkLabel(label, "--label");
  if (!(await store.prompts.listNames()).includes(name)) {
    await resolvePromptRef(store, `${name}@${label}`, "name"); // throws with a suggestion
  }
  return store.prompts.moveLabel({
    name,
    label,
    to: { previous: true },
    kind: "rollback",
    actor: input.actor ?? defaultActor(),
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.decision_id !== undefined ? { decision_id: input.decision_id } : {}),
    at: (input.now ?? new Date()).toISOString(),
  });
}

/** Every name with its versions (oldest first) and labels. */
export async function listPrompts(store: Stores, name?: string): Promise<PromptVersionRecord[]> {
  const [versions, labels] = await Promise.all([
    store.prompts.listVersions(name),
    store.prompts.listLabels(name),
  ]);
  return versions.map((v) => {
    const { settings, ...rest } = v;
    return {
      ...rest,
      ...(settings !== undefined ? { settings: settings as PromptSettings } : {}),
      labels: labels.filter((l) => l.name === v.name && l.hash === v.hash).map((l) => l.label),
    };
  });
}

export interface LineageEntry {
  hash: string;
  /** Generations back: 1 for a parent. */
  depth: number;
  /** Absent when the version was pruned (its hash is still known from its child). */
  version?: PromptVersionRecord;
}

/** A version's ancestors, nearest first, up to `maxDepth` generations. */
export async function promptLineage(
  store: Stores,
  version: PromptVersionRecord,
  maxDepth = 20,
): Promise<LineageEntry[]> {
  const out: LineageEntry[] = [];
  const seen = new Set<string>([version.hash]);
  let frontier = version.parents.map((hash) => ({ hash, depth: 1 }));
  while (frontier.length > 0) {
    const next: Array<{ hash: string; depth: number }> = [];
    for (const { hash, depth } of frontier) {
      if (seen.has(hash) || depth > maxDepth) continue;
      seen.add(hash);
      const stored = await store.prompts.getVersion(version.name, hash);
      if (stored === undefined) {
        out.push({ hash, depth });
        continue;
      }
      const record = await recordOf(store.prompts, stored);
      out.push({ hash, depth, version: record });
      for (const parent of record.parents) next.push({ hash: parent, depth: depth + 1 });
    }
    frontier = next;
  }
  return out;
}
