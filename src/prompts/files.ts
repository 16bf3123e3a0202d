import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { z } from "zod";
import { errorMessage, InputError } from "../core/index.js";
import type { LabelMove, PromptStore, StoredPromptVersion } from "../store/index.js";
import { hashPromptVersion } from "./hash.js";
import { checkPromptName, DEFAULT_LABEL } from "./ref.js";
import { defaultActor } from "./registry.js";
import { PromptSettingsSchema, parsePromptSettings } from "./settings.js";

export const MANIFEST_FILE = "registry.json";
const FORMAT = "ratchet.prompts/1";
const HEX64 = /^[0-9a-f]{64}$/;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const ManifestSchema = z.strictObject({
  format: z.literal(FORMAT),
  name: z.string(),
  labels: z.record(z.string().regex(LABEL), z.string().regex(HEX64)),
  versions: z.array(
    z.strictObject({
      hash: z.string().regex(HEX64, { error: "expected a sha256 hex hash" }),
      file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*\.md$/, {
        error: "expected a file name ending in .md, in the same folder",
      }),
      settings: PromptSettingsSchema.optional(),
      parents: z.array(z.string().regex(HEX64)).max(2),
      author: z.string(),
      author_kind: z.enum(["human", "optimizer"]),
      rationale: z.string().optional(),
      target_cluster: z.string().optional(),
      created_at: z.string(),
    }),
  ),
});
type Manifest = z.output<typeof ManifestSchema>;

/** `<label>.md` for a labelled version (`production` first), else `<first 12 of hash>.md`. */
function fileNames(
  versions: StoredPromptVersion[],
  labels: Map<string, string[]>,
): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const v of versions) {
    const own = (labels.get(v.hash) ?? []).sort((a, b) =>
      a === DEFAULT_LABEL ? -1 : b === DEFAULT_LABEL ? 1 : a.localeCompare(b),
    );
    let file = `${own[0] ?? v.hash.slice(0, 12)}.md`;
    if (taken.has(file) || file === MANIFEST_FILE) file = `${v.hash}.md`;
    taken.add(file);
    names.set(v.hash, file);
  }
  return names;
}

export interface ExportResult {
  dir: string;
  files: string[];
}

/**
 * Writes `<out>/<name>/` with one Markdown file per version (the content exactly) and a
 * `registry.json` manifest (hashes, files, settings, parents, labels, authors).
 */
export async function exportPrompts(
  store: { prompts: PromptStore },
  name: string,
  out: string,
): Promise<ExportResult> {
  checkPromptName(name);
  const versions = await store.prompts.listVersions(name);
  if (versions.length === 0) {
    throw new InputError(`no prompt named '${name}' in the registry`, { key: "name" });
  }
  const labelRows = await store.prompts.listLabels(name);
  const byHash = new Map<string, string[]>();
  for (const l of labelRows) byHash.set(l.hash, [...(byHash.get(l.hash) ?? []), l.label]);
  const files = fileNames(versions, byHash);
  const manifest: Manifest = {
    format: FORMAT,
    name,
    labels: Object.fromEntries(labelRows.map((l) => [l.label, l.hash])),
    versions: versions.map((v) => ({
      hash: v.hash,
      file: files.get(v.hash) as string,
      ...(v.settings !== undefined
        ? { settings: v.settings as Manifest["versions"][number]["settings"] }
        : {}),
      parents: v.parents,
      author: v.author,
      author_kind: v.author_kind,
      ...(v.rationale !== undefined ? { rationale: v.rationale } : {}),
      ...(v.target_cluster !== undefined ? { target_cluster: v.target_cluster } : {}),
      created_at: v.created_at,
    })),
  };
  const dir = join(out, name);
  await mkdir(dir, { recursive: true });
  const stale = await previouslyExported(join(dir, MANIFEST_FILE));
  const written: string[] = [];
  for (const v of versions) {
    const path = join(dir, files.get(v.hash) as string);
    await writeFile(path, v.content);
    written.push(path);
  }
  const manifestPath = join(dir, MANIFEST_FILE);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  written.push(manifestPath);
  // A version's file is renamed when its labels change (candidate.md → production.md): the
  // old name, listed by the previous manifest and by nothing now, would be a stale copy.
  const current = new Set(files.values());
  for (const file of stale) {
    if (!current.has(file)) await rm(join(dir, file), { force: true });
  }
  return { dir, files: written };
}

/** The files an earlier export into the same folder wrote (none when there was none). */
async function previouslyExported(manifestPath: string): Promise<string[]> {
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(await readFile(manifestPath, "utf8")));
    return parsed.success ? parsed.data.versions.map((v) => v.file) : [];
  } catch {
    return [];
  }
}

export interface ImportOptions {
  actor?: string;
  reason?: string;
  now?: Date;
}

export interface ImportSummary {
  names: string[];
  added: number;
  existing: number;
  labelsMoved: number;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The exported folders under `dir`: `dir` itself when it holds a manifest, else its children. */
async function exportFolders(dir: string): Promise<string[]> {
  if (await isFile(join(dir, MANIFEST_FILE))) return [dir];
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw new InputError(`cannot read ${dir}: ${errorMessage(error)}`);
  }
  const folders: string[] = [];
  for (const entry of entries) {
    if (await isFile(join(dir, entry, MANIFEST_FILE))) folders.push(join(dir, entry));
  }
  if (folders.length === 0) {
    throw new InputError(
      `${dir} holds no ${MANIFEST_FILE} (nor do its folders): expected what \`ratchet prompts export\` writes`,
    );
  }
  return folders;
}

async function readManifest(path: string): Promise<Manifest> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new InputError(`cannot read the manifest: ${errorMessage(error)}`, { file: path });
  }
  const parsed = ManifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue?.message ?? "invalid manifest", {
      file: path,
      ...(issue?.path.length ? { key: issue.path.join(".") } : {}),
    });
  }
  return parsed.data;
}

/**
 * Reads folders written by `exportPrompts` back: every file's hash is checked against the
 * manifest and every label against a version, before anything is written; then versions and
 * label moves are stored in one transaction, so a bad folder leaves the registry unchanged.
 */
export async function importPrompts(
  store: { prompts: PromptStore },
  dir: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const at = (options.now ?? new Date()).toISOString();
  const actor = options.actor ?? defaultActor();
  const versions: StoredPromptVersion[] = [];
  const moves: LabelMove[] = [];
  const names: string[] = [];
  for (const folder of await exportFolders(dir)) {
    const manifestPath = join(folder, MANIFEST_FILE);
    const manifest = await readManifest(manifestPath);
    checkPromptName(manifest.name, `${relative(process.cwd(), manifestPath)}: name`);
    names.push(manifest.name);
    const here = new Set<string>();
    for (const [i, entry] of manifest.versions.entries()) {
      const file = join(folder, entry.file);
      let content: string;
      try {
        content = await readFile(file, "utf8");
      } catch (error) {
        throw new InputError(
          `cannot read version ${entry.hash.slice(0, 12)}: ${errorMessage(error)}`,
          {
            file,
          },
        );
      }
      const settings = parsePromptSettings(entry.settings, manifestPath);
      const actual = hashPromptVersion(content, settings);
      if (actual !== entry.hash) {
        throw new InputError(
          `content does not match its hash in ${MANIFEST_FILE} (versions[${i}]: expected ${entry.hash.slice(0, 12)}, the file hashes to ${actual.slice(0, 12)}); the file was changed or corrupted — restore it, or add the new text as a new version with \`ratchet prompts add\``,
          { file },
        );
      }
      here.add(entry.hash);
      versions.push({
        name: manifest.name,
        hash: entry.hash,
        content,
        ...(settings !== undefined
          ? { settings: settings as StoredPromptVersion["settings"] }
          : {}),
        parents: entry.parents,
        author: entry.author,
        author_kind: entry.author_kind,
        ...(entry.rationale !== undefined ? { rationale: entry.rationale } : {}),
        ...(entry.target_cluster !== undefined ? { target_cluster: entry.target_cluster } : {}),
        created_at: entry.created_at,
      });
    }
    for (const [label, hash] of Object.entries(manifest.labels)) {
      if (!here.has(hash) && (await store.prompts.getVersion(manifest.name, hash)) === undefined) {
        throw new InputError(
          `label \`${label}\` points at ${hash.slice(0, 12)}, which is neither in this folder nor in the registry`,
          { file: manifestPath, key: `labels.${label}` },
        );
      }
      moves.push({
        name: manifest.name,
        label,
        to: hash,
        kind: "set",
        actor,
        reason: options.reason ?? `import from ${relative(process.cwd(), folder) || "."}`,
        at,
      });
    }
  }
  const result = await store.prompts.importVersions(versions, moves);
  return {
    names,
    added: result.added,
    existing: result.existing,
    labelsMoved: result.moved.length,
  };
}
