/**
 * A writer of the reflection protocol for tests, as the prompt optimizer writes it: prose,
 * trusted header lines, then HTML-escaped data blocks; multi-line field values have their
 * continuation lines indented by two spaces so an output line cannot pose as a field.
 */

export interface FailureInput {
  caseId: string;
  input: string;
  output: string;
  toolCalls?: Array<{ name: string; arguments?: Record<string, unknown> }>;
  expectedToolCalls?: Array<{ name: string; arguments?: Record<string, unknown> }>;
  failed: Array<{ name?: string; type: string; dimension: string; reason: string }>;
}

export interface ReflectionInput {
  prompt: string;
  failures: FailureInput[];
  avoid?: string[];
  target?: string;
  operations?: string;
  maxWords?: number;
  boundary?: string;
  mode?: string;
}

const escapeData = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const field = (key: string, value: string) => `${key}: ${value.split("\n").join("\n  ")}`;

const calls = (list: FailureInput["toolCalls"]) =>
  list && list.length > 0
    ? list.map((c) => `${c.name} ${JSON.stringify(c.arguments ?? {})}`).join("; ")
    : "none";

export function failureBlockText(f: FailureInput): string {
  const lines = [
    field("CASE", f.caseId),
    field("INPUT", f.input),
    field("OUTPUT", f.output),
    field("TOOL_CALLS", calls(f.toolCalls)),
  ];
  if (f.expectedToolCalls) lines.push(field("EXPECTED_TOOL_CALLS", calls(f.expectedToolCalls)));
  for (const c of f.failed) {
    lines.push(field("FAILED", `${c.name ?? c.type} (${c.type}, ${c.dimension}): ${c.reason}`));
  }
  return lines.join("\n");
}

export function reflectionPrompt(r: ReflectionInput): string {
  const token = r.boundary ?? "b0undary7";
  const block = (name: string, text: string) =>
    `<<<BEGIN ${name} ${token}>>>\n${escapeData(text)}\n<<<END ${name} ${token}>>>`;
  const header = [
    "You improve an AI agent's system prompt. Read the failing cases and answer with one JSON patch.",
    "",
    `MODE: ${r.mode ?? "reflect"}`,
    `BOUNDARY: ${token}`,
    `OPERATIONS: ${r.operations ?? "add, replace, remove"}`,
    `MAX_INSTRUCTION_WORDS: ${r.maxWords ?? 40}`,
    `TARGET: ${r.target ?? "failing cases"}`,
    "",
  ];
  const blocks = [
    block("PROMPT", r.prompt),
    ...r.failures.map((f) => block("FAILURE", failureBlockText(f))),
  ];
  if (r.avoid && r.avoid.length > 0) blocks.push(block("AVOID", r.avoid.join("\n")));
  return `${header.join("\n")}\n${blocks.join("\n")}\n`;
}
