import { readFile } from "node:fs/promises";
import type { Node } from "yaml";
import { type Document, LineCounter, parseDocument, visit } from "yaml";
import { errorMessage, InputError } from "../core/index.js";
import type { Locator } from "./issues.js";
import { formatPath, locateInDocument, type PathSegment, pathAtOffset } from "./yaml-locations.js";

export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
  /** Plain JS value; `null` for an empty file. */
  value: unknown;
  locate: Locator;
}

/** Parses YAML text keeping node ranges; syntax errors become located InputErrors. */
export function parseYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const offset = problem.pos[0];
    const pos = lines.linePos(offset);
    const key = formatPath(pathAtOffset(doc.contents as Node | null, offset));
    // yaml's message may carry a multi-line excerpt; the CLI prints one line.
    const message = problem.message.split("\n")[0]?.replace(/ at line \d+, column \d+.*$/, "");
    throw new InputError(`invalid YAML: ${message ?? problem.code}`, {
      file,
      line: pos.line,
      column: pos.col,
      ...(key ? { key } : {}),
    });
  }
  refuseCircularAliases(doc, lines, file);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new InputError(`invalid YAML: ${errorMessage(error)}`, { file });
  }
  return {
    file,
    doc,
    lines,
    value: value ?? null,
    locate: (path: readonly PathSegment[]) => locateInDocument(doc, path, lines),
  };
}

/**
 * `a: &x [*x]` is legal YAML but builds a value that contains itself; everything downstream
 * (env expansion, the schema, hashing) would recurse until the stack overflows. An alias
 * inside the node its anchor names is such a cycle.
 */
function refuseCircularAliases(doc: Document, lines: LineCounter, file: string): void {
  visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (!target || !path.includes(target)) return;
      const pos = lines.linePos(alias.range?.[0] ?? 0);
      const key = formatPath(pathAtOffset(doc.contents as Node | null, alias.range?.[0] ?? 0));
      throw new InputError(
        `invalid YAML: alias *${alias.source} refers to its own anchor &${alias.source} (a value cannot contain itself)`,
        { file, line: pos.line, column: pos.col, ...(key ? { key } : {}) },
      );
    },
  });
}

export async function readYaml(file: string): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InputError(`cannot read file: ${errorMessage(error)}`, { file });
  }
  return parseYaml(text, file);
}
