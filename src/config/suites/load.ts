import type { Case } from "../../core/index.js";
import { InputError } from "../../core/index.js";
import { readCsvSuite } from "./csv.js";
import { listSuiteFiles, suiteFormat, suiteLabel } from "./files.js";
import { readJsonlSuite } from "./jsonl.js";
import { readYamlSuite } from "./yaml.js";

/** Cases of one file, in file order. */
export function readSuiteFile(file: string, label: string = file): AsyncGenerator<Case> {
  switch (suiteFormat(file)) {
    case "yaml":
      return readYamlSuite(file, label);
    case "jsonl":
      return readJsonlSuite(file, label);
    case "csv":
      return readCsvSuite(file, label);
    default:
      throw new InputError("not a suite file (use .yaml, .yml, .json, .jsonl or .csv)", { file });
  }
}

/**
 * Streams every case of every matched file. Only ids are remembered (to reject a
 * duplicate id, naming both places), so memory grows with the case count, not file size.
 */
export async function* loadSuites(globs: readonly string[], baseDir: string): AsyncGenerator<Case> {
  const seen = new Map<string, string>();
  for (const file of await listSuiteFiles(globs, baseDir)) {
    const label = suiteLabel(file, baseDir);
    for await (const c of readSuiteFile(file, label)) {
      const first = seen.get(c.id);
      if (first !== undefined) {
        const line = Number(c.origin?.slice(c.origin.lastIndexOf(":") + 1));
        throw new InputError(`duplicate case id \`${c.id}\` (first at ${first})`, {
          file,
          ...(Number.isFinite(line) ? { line } : {}),
          key: "id",
        });
      }
      seen.set(c.id, c.origin ?? label);
      yield c;
    }
  }
}

/** All cases in memory; for callers that need the count or random access. */
export async function collectSuites(globs: readonly string[], baseDir: string): Promise<Case[]> {
  const out: Case[] = [];
  for await (const c of loadSuites(globs, baseDir)) out.push(c);
  return out;
}
