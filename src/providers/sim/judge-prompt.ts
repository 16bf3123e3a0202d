/**
 * How the sim judge reads a judge prompt. The judge graders write a plain-text protocol that
 * any LLM can read: trusted header lines (MODE, SCALE, BOUNDARY, RUBRIC, STEPS) followed by
 * data blocks `<<<BEGIN NAME token>>> … <<<END NAME token>>>` whose text is HTML-escaped, so
 * a candidate can neither close its block nor forge a header. The sim judge reads exactly what
 * a real judge is shown, and nothing else (never the case reference a sim agent profile gets).
 */

export type JudgeMode = "pointwise" | "pairwise";

export interface ParsedJudgePrompt {
  mode: JudgeMode;
  scale: { min: number; max: number };
  rubric: string;
  steps: string[];
  /** Data blocks by name (INPUT, CANDIDATE, REFERENCE, OUTPUT_A, OUTPUT_B), unescaped. */
  blocks: Map<string, string>;
}

export function unescapeData(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function headerValue(header: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, "m").exec(header);
  return m?.[1]?.trim();
}

/** Multi-line header section: from `NAME:` up to the next `UPPER:` header line. */
function headerSection(header: string, name: string): string {
  const lines = header.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${name}:`));
  if (start < 0) return "";
  const out: string[] = [];
  const first = lines[start]!.slice(name.length + 1).trim();
  if (first) out.push(first);
  for (let i = start + 1; i < lines.length; i++) {
    if (/^[A-Z][A-Z_]+:/.test(lines[i]!)) break;
    out.push(lines[i]!);
  }
  return out.join("\n").trim();
}

/** Undefined when the text is not a judge prompt (the sim judge then answers malformed). */
export function parseJudgePrompt(text: string): ParsedJudgePrompt | undefined {
  const firstBlock = text.indexOf("<<<BEGIN ");
  const header = firstBlock < 0 ? text : text.slice(0, firstBlock);
  const mode = headerValue(header, "MODE");
  const boundary = headerValue(header, "BOUNDARY");
  if ((mode !== "pointwise" && mode !== "pairwise") || !boundary) return undefined;
  const scaleText = headerValue(header, "SCALE") ?? "0 to 10";
  const sm = /(-?\d+(?:\.\d+)?)\s+to\s+(-?\d+(?:\.\d+)?)/.exec(scaleText);
  const scale = sm ? { min: Number(sm[1]), max: Number(sm[2]) } : { min: 0, max: 10 };
  const steps = headerSection(header, "STEPS")
    .split("\n")
    .map((l) => l.replace(/^\s*\d+[.)]\s*/, "").trim())
    .filter((l) => l !== "");
  const blocks = new Map<string, string>();
  const escaped = boundary.replace(/[^A-Za-z0-9]/g, "");
  const re = new RegExp(
    `<<<BEGIN ([A-Z_]+) ${escaped}>>>\\n([\\s\\S]*?)\\n<<<END \\1 ${escaped}>>>`,
    "g",
  );
  for (const m of text.matchAll(re)) blocks.set(m[1]!, unescapeData(m[2]!));
  return { mode, scale, rubric: headerSection(header, "RUBRIC"), steps, blocks };
}
