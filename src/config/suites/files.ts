import { readdir, stat } from "node:fs/promises";
import { extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import picomatch from "picomatch";
import { InputError } from "../../core/index.js";

export type SuiteFormat = "yaml" | "jsonl" | "csv";

const FORMATS: Record<string, SuiteFormat> = {
  ".yaml": "yaml",
  ".yml": "yaml",
  ".json": "yaml",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".csv": "csv",
};

export function suiteFormat(file: string): SuiteFormat | undefined {
  return FORMATS[extname(file).toLowerCase()];
}

/** Never worth descending into when expanding `**`. */
const SKIP_DIRS = new Set(["node_modules", ".git", ".ratchet"]);

async function* walk(dir: string): AsyncGenerator<string> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* walk(full);
    } else if (entry.isFile()) yield full;
  }
}

const toPosix = (p: string) => p.split(sep).join("/");

/**
 * Suite files matched by `globs` (relative to `baseDir`; `!glob` excludes), sorted
 * so runs see cases in the same order everywhere. A literal path must exist and
 * have a suite extension; a glob silently skips files of other kinds.
 */
export async function listSuiteFiles(globs: readonly string[], baseDir: string): Promise<string[]> {
  const found = new Set<string>();
  const excludes = globs
    .filter((g) => g.startsWith("!"))
    .map((g) => picomatch(toPosix(resolve(baseDir, g.slice(1)))));
  for (const glob of globs) {
    if (glob.startsWith("!")) continue;
    const scan = picomatch.scan(glob);
    if (!scan.isGlob) {
      const file = resolve(baseDir, glob);
      const info = await stat(file).catch(() => undefined);
      if (!info)
        throw new InputError(`suite file not found: ${glob}`, { key: "evaluation.suites" });
      if (info.isDirectory()) {
        for await (const f of walk(file)) if (suiteFormat(f)) found.add(f);
        continue;
      }
      if (!suiteFormat(file)) {
        throw new InputError(`not a suite file (use .yaml, .yml, .json, .jsonl or .csv): ${glob}`, {
          key: "evaluation.suites",
        });
      }
      found.add(file);
      continue;
    }
    const root = resolve(baseDir, scan.base);
    const match = picomatch(scan.glob, { dot: false });
    for await (const file of walk(root)) {
      if (suiteFormat(file) && match(toPosix(relative(root, file)))) found.add(file);
    }
  }
  return [...found].filter((f) => !excludes.some((x) => x(toPosix(f)))).sort();
}

/** The globs (not `!` excludes) that match no suite file: most likely typos. */
export async function unmatchedSuiteGlobs(
  globs: readonly string[],
  baseDir: string,
): Promise<string[]> {
  const unmatched: string[] = [];
  for (const glob of globs) {
    if (glob.startsWith("!")) continue;
    const files = await listSuiteFiles([glob], baseDir).catch(() => []);
    if (files.length === 0) unmatched.push(glob);
  }
  return unmatched;
}

/** How a suite file is named in `origin`: relative to the config when inside it. */
export function suiteLabel(file: string, baseDir: string): string {
  const rel = relative(baseDir, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : toPosix(rel);
}
