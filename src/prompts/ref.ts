import { didYouMean, InputError } from "../core/index.js";
import type { PromptStore, StoredPromptVersion } from "../store/index.js";
import type { PromptSettings } from "./settings.js";

/** A version as callers see it: the stored record with typed settings and its labels. */
export interface PromptVersionRecord {
  name: string;
  hash: string;
  content: string;
  settings?: PromptSettings;
  parents: string[];
  author: string;
  author_kind: "human" | "optimizer";
  rationale?: string;
  target_cluster?: string;
  created_at: string;
  labels: string[];
}

export interface PromptRef {
  name: string;
  /** A label or a hash (prefix); `production` when the ref was a bare name. */
  selector: string;
  /** False for a bare name. */
  explicit: boolean;
}

export const DEFAULT_LABEL = "production";
export const MIN_HASH_PREFIX = 7;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SELECTOR = /^[A-Za-z0-9_.-]+$/;
/** A config value that is exactly `name@selector` on one line is a registry reference. */
export const REGISTRY_REF = /^[A-Za-z0-9][A-Za-z0-9_.-]*@[A-Za-z0-9_.-]+$/;
const HASH_PREFIX = /^[0-9a-f]+$/;

export function isRegistryRef(value: string): boolean {
  return REGISTRY_REF.test(value);
}

export function checkPromptName(name: string, key = "name"): string {
  if (!NAME.test(name)) {
    throw new InputError(
      `prompt name '${name}' must start with a letter or digit and hold only letters, digits, _ . -`,
      { key },
    );
  }
  return name;
}

export function checkLabel(label: string, key = "label"): string {
  if (!NAME.test(label)) {
    throw new InputError(
      `label '${label}' must start with a letter or digit and hold only letters, digits, _ . -`,
      { key },
    );
  }
  return label;
}

/** `support@production`, `support@<hash or prefix of ≥ 7>`, or `support` (= `@production`). */
export function parsePromptRef(ref: string, key = "prompt"): PromptRef {
  const text = ref.trim();
  const at = text.indexOf("@");
  const name = at < 0 ? text : text.slice(0, at);
  const selector = at < 0 ? DEFAULT_LABEL : text.slice(at + 1);
  if (!NAME.test(name) || !SELECTOR.test(selector)) {
    throw new InputError(
      `'${ref}' is not a prompt reference: expected name, name@label or name@hash`,
      { key },
    );
  }
  return { name, selector, explicit: at >= 0 };
}

export function toRecord(version: StoredPromptVersion, labels: string[]): PromptVersionRecord {
  const { settings, ...rest } = version;
  return {
    ...rest,
    ...(settings !== undefined ? { settings: settings as PromptSettings } : {}),
    labels,
  };
}

async function labelsOf(store: PromptStore, name: string, hash: string): Promise<string[]> {
  return (await store.listLabels(name)).filter((l) => l.hash === hash).map((l) => l.label);
}

export async function recordOf(
  store: PromptStore,
  version: StoredPromptVersion,
): Promise<PromptVersionRecord> {
  return toRecord(version, await labelsOf(store, version.name, version.hash));
}

/**
 * The version a ref names. A selector is a label of the name first, else a hash prefix of at
 * least 7 hex digits; unknown names, labels and hashes are bad input with a suggestion.
 */
export async function resolvePromptRef(
  store: { prompts: PromptStore },
  ref: string | PromptRef,
  key = "prompt",
): Promise<PromptVersionRecord> {
  const parsed = typeof ref === "string" ? parsePromptRef(ref, key) : ref;
  const text = typeof ref === "string" ? ref : `${parsed.name}@${parsed.selector}`;
  const prompts = store.prompts;
  const { name, selector } = parsed;
  const names = await prompts.listNames();
  if (!names.includes(name)) {
    const hint = didYouMean(name, names);
    throw new InputError(
      `no prompt named '${name}' in the registry${hint}${
        names.length === 0 ? " (it is empty: add one with `ratchet prompts add <name> <file>`)" : ""
      }`,
      { key },
    );
  }
  const labels = await prompts.listLabels(name);
  const label = labels.find((l) => l.label === selector);
  if (label !== undefined) {
    const version = await prompts.getVersion(name, label.hash);
    if (version === undefined) {
      throw new InputError(`${name}@${selector} points at ${label.hash}, which is missing`, {
        key,
      });
    }
    return recordOf(prompts, version);
  }
  if (HASH_PREFIX.test(selector) && selector.length >= MIN_HASH_PREFIX) {
    const matches = await prompts.findByPrefix(name, selector);
    if (matches.length === 1) return recordOf(prompts, matches[0] as StoredPromptVersion);
    if (matches.length > 1) {
      throw new InputError(
        `'${text}' is ambiguous: ${matches.length} versions of ${name} start with ${selector} (${matches
          .slice(0, 5)
          .map((m) => m.hash.slice(0, 12))
          .join(", ")}); give more of the hash`,
        { key },
      );
    }
    throw new InputError(
      `no version of ${name} has a hash starting with ${selector} (see \`ratchet prompts list\`)`,
      { key },
    );
  }
  const labelNames = labels.map((l) => l.label);
  const hint = didYouMean(selector, labelNames);
  const short = HASH_PREFIX.test(selector)
    ? `; a hash needs at least ${MIN_HASH_PREFIX} hex digits`
    : "";
  throw new InputError(
    `${name} has no label '${selector}'${hint}${short} (labels: ${
      labelNames.length ? labelNames.join(", ") : "none"
    })`,
    { key },
  );
}
