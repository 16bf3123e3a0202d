/**
 * Reading a judge's answer. Models are asked for JSON, but answer with fences, prose around
 * the object, or prose alone; each reader takes the JSON when there is one and falls back to
 * the plain words, and says `undefined` rather than guess.
 */

/** The first balanced `{…}` in the text that parses as a JSON object. */
export function firstJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) {
        try {
          const value: unknown = JSON.parse(text.slice(start, i + 1));
          if (value && typeof value === "object" && !Array.isArray(value))
            return value as Record<string, unknown>;
        } catch {
          // not JSON after all: try the next `{`
        }
        break;
      }
    }
  }
  return undefined;
}

const field = (o: Record<string, unknown> | undefined, ...names: string[]): unknown => {
  if (!o) return undefined;
  for (const n of names) if (o[n] !== undefined && o[n] !== null) return o[n];
  return undefined;
};

function stepNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === "string") {
    const m = /(\d+)/.exec(v);
    if (m) return Number(m[1]);
  }
  return undefined;
}

export interface BlameAnswer {
  agent?: string;
  step?: number;
  reason?: string;
}

/** `{"agent": …, "step": …, "reason": …}`, or "Step 5 … by WebSurfer" in prose. */
export function parseBlame(text: string, agents: readonly string[]): BlameAnswer | undefined {
  const json = firstJsonObject(text);
  const out: BlameAnswer = {};
  const step = stepNumber(field(json, "step", "mistake_step", "step_index", "index"));
  const agentText = field(json, "agent", "mistake_agent", "agent_name");
  const reason = field(json, "reason", "reasoning", "explanation", "mistake_reason");
  if (step !== undefined) out.step = step;
  if (typeof agentText === "string") {
    const known = matchAgent(agentText, agents);
    if (known) out.agent = known;
  }
  if (typeof reason === "string") out.reason = reason;
  if (!json) {
    const m = /\bstep\s*(?:index|number|#)?\s*[:=]?\s*(\d+)/i.exec(text);
    if (m) out.step = Number(m[1]);
    const agent = mentionedAgent(text, agents);
    if (agent) out.agent = agent;
    const r = /\breason\s*[:=]\s*(.+)/i.exec(text);
    if (r?.[1]) out.reason = r[1].trim();
  }
  return out.step === undefined && out.agent === undefined ? undefined : out;
}

/** `{"decisive": true}`, `{"answer": "yes"}`, or a leading yes / no. */
export function parseYesNo(text: string): boolean | undefined {
  const json = firstJsonObject(text);
  const v = field(json, "decisive", "is_mistake", "mistake", "answer", "verdict");
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    if (/^\s*(yes|true|y)\b/i.test(v)) return true;
    if (/^\s*(no|false|n)\b/i.test(v)) return false;
  }
  if (json) return undefined;
  const m = /^\W*(yes|no)\b/i.exec(text);
  return m ? m[1]?.toLowerCase() === "yes" : undefined;
}

/** `{"half": "first"}` / `"second"`; also upper / lower, 1 / 2, A / B. */
export function parseHalf(text: string): "first" | "second" | undefined {
  const json = firstJsonObject(text);
  const v = field(json, "half", "answer", "segment", "part");
  const read = (s: string): "first" | "second" | undefined => {
    if (/^\s*(first|upper|earlier|1|a)\b/i.test(s)) return "first";
    if (/^\s*(second|lower|later|2|b)\b/i.test(s)) return "second";
    return undefined;
  };
  if (typeof v === "string") return read(v);
  if (typeof v === "number") return v === 1 ? "first" : v === 2 ? "second" : undefined;
  if (json) return undefined;
  const m = /\b(first|second|upper|lower)\s+half\b/i.exec(text);
  return m?.[1] ? read(m[1]) : read(text);
}

function canonical(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The known agent a name means: exact, then ignoring case, spaces and punctuation. */
export function matchAgent(name: string, agents: readonly string[]): string | undefined {
  const exact = agents.find((a) => a === name.trim());
  if (exact) return exact;
  const wanted = canonical(name.replace(/\s*\([^()]*\)\s*$/, ""));
  return agents.find((a) => canonical(a) === wanted);
}

/** The known agent named first in prose (longer names first, so `Web` never shadows `WebSurfer`). */
function mentionedAgent(text: string, agents: readonly string[]): string | undefined {
  let best: { agent: string; at: number } | undefined;
  for (const agent of [...agents].sort((a, b) => b.length - a.length)) {
    const at = text.indexOf(agent);
    if (at >= 0 && (!best || at < best.at)) best = { agent, at };
  }
  return best?.agent;
}
