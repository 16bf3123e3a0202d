import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { type Document, isMap, isScalar, isSeq, parseDocument, type YAMLMap, YAMLSeq } from "yaml";
import { errorMessage, InputError } from "../core/index.js";

/** Options that write an untouched suite back byte for byte (checked on the bundled suites). */
const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

const HEADER = ` Regression cases approved from failure drafts (\`ratchet evals approve\`).
 Each case names the incident or cluster it came from, its owner and when it expires.`;

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new InputError(`cannot read suite ${path}: ${errorMessage(error)}`, { file: path });
  }
}

/** The suite's document and its `cases:` sequence; anything else is a clear input error. */
function openSuite(path: string, text: string): { doc: Document; cases: YAMLSeq } {
  const doc = parseDocument(text);
  const problem = doc.errors[0];
  if (problem) {
    throw new InputError(
      `${path} no longer parses as YAML, so nothing was written: ${problem.message.split("\n")[0]}`,
      {
        file: path,
        ...(problem.linePos?.[0] ? { line: problem.linePos[0].line } : {}),
      },
    );
  }
  const root = doc.contents;
  if (!isMap(root)) {
    throw new InputError(
      `${path} is not a suite (a mapping with \`cases:\`), so nothing was written`,
      { file: path },
    );
  }
  const map = root as unknown as YAMLMap<unknown, unknown>;
  const cases: unknown = map.get("cases", true);
  if (cases === undefined || (isScalar(cases) && cases.value === null)) {
    const seq = new YAMLSeq();
    map.set("cases", seq);
    return { doc, cases: seq };
  }
  if (!isSeq(cases)) {
    throw new InputError(`${path}: \`cases\` is not a list, so nothing was written`, {
      file: path,
      key: "cases",
    });
  }
  return { doc, cases };
}

export function caseIdsOf(cases: YAMLSeq): string[] {
  return cases.items.map((item) => (isMap(item) ? String(item.get("id") ?? "") : ""));
}

/**
 * Writes beside the target and renames over it, so a reader (or a crash) sees the old file or
 * the new one, never half of one; aborts when the file changed since it was read.
 */
async function replaceFile(path: string, before: string | undefined, after: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  await writeFile(temp, after, { encoding: "utf8", flag: "wx" });
  try {
    const now = await readIfExists(path);
    if (now !== before) {
      throw new InputError(
        `${path} changed while it was being updated; nothing was written, try again`,
        { file: path },
      );
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

function checkYamlSuite(path: string): void {
  const ext = extname(path).toLowerCase();
  if (ext !== ".yaml" && ext !== ".yml") {
    throw new InputError(`${path}: approved cases are written to YAML suites (.yaml or .yml)`, {
      file: path,
      key: "--suite",
    });
  }
}

/** sha256 of a suite file's text, null when there is no file: what a draft records. */
export function contentHash(text: string | undefined): string | null {
  return text === undefined ? null : createHash("sha256").update(text, "utf8").digest("hex");
}

/** The content hash of a suite file as it is now (null when it does not exist). */
export async function suiteSnapshot(path: string): Promise<string | null> {
  return contentHash(await readIfExists(path));
}

export interface AppendResult {
  created: boolean;
  /** The suite's cases after the append. */
  count: number;
  /** The file differed from `since` (it changed since the draft was made) and was merged. */
  changed: boolean;
}

/** What the file looked like when the draft was made, and who decides whether a change is safe. */
export interface AppendGuard {
  /** The snapshot recorded with the draft (null: the file did not exist then). */
  since: string | null;
  /**
   * Called when the file no longer matches `since`, with its current cases (empty when it is
   * gone) and whether it still exists; throws to refuse, so nothing is written.
   */
  onChanged: (current: { cases: Array<Record<string, unknown>>; exists: boolean }) => void;
}

function plainCases(cases: YAMLSeq): Array<Record<string, unknown>> {
  return cases.items.flatMap((item) => {
    const json: unknown = isMap(item) ? item.toJSON() : undefined;
    return json !== null && typeof json === "object" ? [json as Record<string, unknown>] : [];
  });
}

/**
 * Appends one case to a suite's `cases:` keeping the file's comments, order and style (the
 * `yaml` Document API), with `comment` above it. Creates the file, with a header, if absent.
 * A suite that no longer parses, or already has a case with this id, is left untouched.
 */
export async function appendCase(
  path: string,
  value: Record<string, unknown> & { id: string },
  comment: string,
  guard?: AppendGuard,
): Promise<AppendResult> {
  checkYamlSuite(path);
  const before = await readIfExists(path);
  const { doc, cases } = before === undefined ? newSuite() : openSuite(path, before);
  // Judged on the very text that is edited below; the write then aborts if the file moves again.
  const changed = guard !== undefined && contentHash(before) !== guard.since;
  if (guard && changed) guard.onChanged({ cases: plainCases(cases), exists: before !== undefined });
  if (caseIdsOf(cases).includes(value.id)) {
    throw new InputError(
      `${path} already has a case \`${value.id}\` (the suite changed since the draft was made); nothing was written`,
      {
        file: path,
        key: "cases",
      },
    );
  }
  const node = doc.createNode(value);
  node.commentBefore = comment
    .split("\n")
    .map((line) => ` ${line}`)
    .join("\n");
  cases.items.push(node);
  await replaceFile(path, before, doc.toString(TO_STRING));
  return { created: before === undefined, count: cases.items.length, changed };
}

function newSuite(): { doc: Document; cases: YAMLSeq } {
  const doc = parseDocument("cases: []\n");
  doc.commentBefore = HEADER;
  const cases = new YAMLSeq();
  (doc.contents as unknown as YAMLMap<unknown, unknown>).set("cases", cases);
  return { doc, cases };
}

/** Removes the cases with these ids (safe write); returns the ids it removed. */
export async function removeCases(path: string, ids: ReadonlySet<string>): Promise<string[]> {
  const before = await readIfExists(path);
  if (before === undefined) return [];
  const { doc, cases } = openSuite(path, before);
  const removed: string[] = [];
  cases.items = cases.items.filter((item) => {
    const id = isMap(item) ? String(item.get("id") ?? "") : "";
    if (!ids.has(id)) return true;
    removed.push(id);
    return false;
  });
  if (removed.length > 0) await replaceFile(path, before, doc.toString(TO_STRING));
  return removed;
}

/** A suite file's cases as plain values with their ids (for expiry and conflict checks). */
export async function readSuiteCases(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readIfExists(path);
  if (text === undefined) return [];
  return plainCases(openSuite(path, text).cases);
}
