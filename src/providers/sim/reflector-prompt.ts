/**
 * How the sim reflector reads a reflection prompt. The prompt optimizer writes a plain-text
 * protocol any LLM can read: free prose, then trusted header lines (MODE, BOUNDARY,
 * OPERATIONS, MAX_INSTRUCTION_WORDS, TARGET), then data blocks
 * `<<<BEGIN NAME token>>> … <<<END NAME token>>>` (PROMPT, FAILURE…, AVOID) whose text is
 * HTML-escaped, so an agent output quoted in a FAILURE block can neither close its block nor
 * forge a header. The reflector reads exactly this text and nothing else.
 */

import { closingIndex } from "../../core/index.js";
import { unescapeData } from "./judge-prompt.js";

export type PatchOperation = "add" | "replace" | "remove";

export const PATCH_OPERATIONS: readonly PatchOperation[] = ["add", "replace", "remove"];

export interface ReflectionToolCall {
  name: string;
  /** Parsed arguments; `{}` when absent or unreadable. */
  arguments: Record<string, unknown>;
}

/** One `FAILED:` line: `<grader name> (<assertion type>, <dimension>): <reason>`. */
export interface ReflectionCheck {
  name: string;
  type: string;
  dimension: string;
  reason: string;
}

export interface ReflectionFailure {
  caseId: string;
  input: string;
  output: string;
  toolCalls: ReflectionToolCall[];
  /** Undefined when the block has no EXPECTED_TOOL_CALLS line. */
  expectedToolCalls?: ReflectionToolCall[];
  failed: ReflectionCheck[];
}

export interface ParsedReflectionPrompt {
  boundary: string;
  operations: PatchOperation[];
  maxInstructionWords: number;
  target: string;
  prompt: string;
  failures: ReflectionFailure[];
  avoid: string[];
}

export const DEFAULT_MAX_INSTRUCTION_WORDS = 40;

function headerValue(header: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, "m").exec(header);
  return m?.[1]?.trim();
}

const FIELD_KEYS = ["CASE", "INPUT", "OUTPUT", "TOOL_CALLS", "EXPECTED_TOOL_CALLS", "FAILED"];
const FIELD_LINE = new RegExp(`^(${FIELD_KEYS.join("|")}):[ \\t]?(.*)$`);

/** `name {json}; name {json}` (or `none`); arguments may contain `;` inside their JSON. */
export function parseToolCalls(text: string): ReflectionToolCall[] {
  const out: ReflectionToolCall[] = [];
  let rest = text.trim();
  if (/^(\(?none\)?|-|\[\])$/i.test(rest)) return out;
  while (rest !== "") {
    const name = /^[\s;,]*([A-Za-z_][\w.-]*)\s*/.exec(rest);
    if (!name) break;
    rest = rest.slice(name[0].length);
    let args: Record<string, unknown> = {};
    if (rest.startsWith("{") || rest.startsWith("(")) {
      const open = rest.startsWith("(") ? rest.indexOf("{") : 0;
      const end = open >= 0 ? closingIndex(rest, open) : -1;
      if (end > 0) {
        try {
          const value: unknown = JSON.parse(rest.slice(open, end));
          if (value && typeof value === "object" && !Array.isArray(value)) {
            args = value as Record<string, unknown>;
          }
        } catch {
          // Unreadable arguments still name the tool; the call counts without them.
        }
        rest = rest.slice(end).replace(/^\)/, "");
      }
    }
    out.push({ name: name[1]!, arguments: args });
    rest = rest.replace(/^\s*[;,]?\s*/, "");
  }
  return out;
}

const CHECK_LINE = /^(.*?)\s*\(([^(),]+),\s*([^()]+?)\):\s*([\s\S]*)$/;

export function parseCheck(text: string): ReflectionCheck {
  const m = CHECK_LINE.exec(text.trim());
  if (!m) return { name: "", type: "", dimension: "", reason: text.trim() };
  return { name: m[1]!.trim(), type: m[2]!.trim(), dimension: m[3]!.trim(), reason: m[4]!.trim() };
}

/**
 * Multi-line values run until the next known `KEY:` line. A writer may indent continuation
 * lines by two spaces so that an output line such as `FAILED: …` cannot pose as a field;
 * that indent is removed when every continuation line has it.
 */
function fieldValue(lines: string[]): string {
  const [first = "", ...rest] = lines;
  const indented = rest.length > 0 && rest.every((l) => l.startsWith("  ") || l === "");
  return [first, ...(indented ? rest.map((l) => l.slice(2)) : rest)].join("\n").trimEnd();
}

export function parseFailureBlock(text: string): ReflectionFailure {
  const fields: Array<{ key: string; lines: string[] }> = [];
  for (const line of text.split("\n")) {
    const m = FIELD_LINE.exec(line);
    if (m) fields.push({ key: m[1]!, lines: [m[2] ?? ""] });
    else if (fields.length > 0) fields[fields.length - 1]!.lines.push(line);
  }
  const failure: ReflectionFailure = {
    caseId: "",
    input: "",
    output: "",
    toolCalls: [],
    failed: [],
  };
  for (const { key, lines } of fields) {
    const value = fieldValue(lines);
    if (key === "CASE") failure.caseId = value.trim();
    else if (key === "INPUT") failure.input = value;
    else if (key === "OUTPUT") failure.output = value;
    else if (key === "TOOL_CALLS") failure.toolCalls = parseToolCalls(value);
    else if (key === "EXPECTED_TOOL_CALLS") failure.expectedToolCalls = parseToolCalls(value);
    else if (key === "FAILED") failure.failed.push(parseCheck(value));
  }
  return failure;
}

/** The header text (prose and header lines) and the blocks, or undefined without MODE/BOUNDARY. */
export function parseReflectionPrompt(text: string): ParsedReflectionPrompt | undefined {
  const normalized = text.replace(/\r\n/g, "\n");
  const firstBlock = normalized.indexOf("<<<BEGIN ");
  const header = firstBlock < 0 ? normalized : normalized.slice(0, firstBlock);
  const mode = headerValue(header, "MODE");
  const boundary = headerValue(header, "BOUNDARY");
  if (mode?.toLowerCase() !== "reflect" || !boundary) return undefined;

  const listed = (headerValue(header, "OPERATIONS") ?? "")
    .toLowerCase()
    .split(/[\s,|/]+/)
    .filter((op): op is PatchOperation => (PATCH_OPERATIONS as readonly string[]).includes(op));
  const words = Number.parseInt(headerValue(header, "MAX_INSTRUCTION_WORDS") ?? "", 10);

  const token = boundary.replace(/[^A-Za-z0-9]/g, "");
  const re = new RegExp(
    `<<<BEGIN ([A-Z_]+) ${token}>>>\\n([\\s\\S]*?)\\n?<<<END \\1 ${token}>>>`,
    "g",
  );
  let prompt = "";
  const failures: ReflectionFailure[] = [];
  const avoid: string[] = [];
  for (const m of normalized.matchAll(re)) {
    const body = unescapeData(m[2]!);
    if (m[1] === "PROMPT") prompt = body;
    else if (m[1] === "FAILURE") failures.push(parseFailureBlock(body));
    else if (m[1] === "AVOID") {
      for (const line of body.split("\n")) {
        const item = line.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, "").trim();
        if (item) avoid.push(item);
      }
    }
  }
  return {
    boundary,
    operations: listed.length > 0 ? [...new Set(listed)] : [...PATCH_OPERATIONS],
    maxInstructionWords:
      Number.isFinite(words) && words > 0 ? words : DEFAULT_MAX_INSTRUCTION_WORDS,
    target: headerValue(header, "TARGET") ?? "",
    prompt,
    failures,
    avoid,
  };
}
