import { type JsonParse, parseJsonOutput } from "./json-tools.js";
import { collapseWhitespace } from "./text.js";
import type { GradeInput } from "./types.js";

interface Derived {
  lower?: string;
  collapsed?: string;
  collapsedLower?: string;
  json?: JsonParse;
}

// Several assertions on one attempt often need the same lowered text or parsed JSON;
// computing it once per attempt keeps grading linear in the output size.
const cache = new WeakMap<GradeInput, Derived>();

function derived(input: GradeInput): Derived {
  let d = cache.get(input);
  if (d === undefined) {
    d = {};
    cache.set(input, d);
  }
  return d;
}

export function outputText(input: GradeInput, ignoreCase: boolean, collapse: boolean): string {
  if (!ignoreCase && !collapse) return input.output;
  const d = derived(input);
  if (ignoreCase && collapse) {
    d.collapsedLower ??= collapseWhitespace(input.output).toLowerCase();
    return d.collapsedLower;
  }
  if (ignoreCase) {
    d.lower ??= input.output.toLowerCase();
    return d.lower;
  }
  d.collapsed ??= collapseWhitespace(input.output);
  return d.collapsed;
}

export function outputJson(input: GradeInput): JsonParse {
  const d = derived(input);
  d.json ??= parseJsonOutput(input.output);
  return d.json;
}
