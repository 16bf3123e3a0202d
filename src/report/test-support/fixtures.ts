/** Synthetic runs with hostile content, shared by the report tests. Not exported from index.ts. */
import type { Attempt, Run, Score } from "../../core/index.js";
import type { AttemptSource } from "../types.js";

export const NASTY = {
  script: `<script>alert("x")</script>`,
  cdata: "]]>",
  closeScript: "</script><!--",
  controls: "bell\u0007 esc\u001b[31m nul\u0000 vt\u000b",
  nonAscii: "naïve 日本語 🚀 Ελληνικά",
  separators: "line\u2028para\u2029end",
  loneSurrogate: "half \uD800 pair",
  formula: `=HYPERLINK("http://evil.example","click")`,
};

function score(
  grader: string,
  passed: boolean,
  reason: string,
  dimension: Score["dimension"] = "accuracy",
): Score {
  return { grader, dimension, score: passed ? 1 : 0, passed, reason };
}

export function makeAttempt(
  overrides: Partial<Attempt> & Pick<Attempt, "id" | "case_id">,
): Attempt {
  return {
    run_id: "run_1",
    epoch: 1,
    variant: "model-a",
    status: "passed",
    output: "ok",
    messages: [],
    tool_calls: [],
    side_effects: [],
    spans: [],
    scores: [],
    dimension_scores: { accuracy: 1 },
    overall: 1,
    usage: { input_tokens: 10, output_tokens: 5 },
    cost_usd: 0.0012,
    latency_ms: 420,
    retries: 0,
    started_at: "2026-01-01T00:00:00.000Z",
    finished_at: "2026-01-01T00:00:01.000Z",
    tags: [],
    severity: "blocking",
    ...overrides,
  };
}

export function nastyAttempts(): Attempt[] {
  return [
    makeAttempt({
      id: "att_1",
      case_id: `greet, "friendly"`,
      output: `Hello ${NASTY.script} ${NASTY.cdata}\nsecond line, with "quotes"`,
      scores: [score("contains", true, "found greeting")],
      tags: ["smoke"],
    }),
    makeAttempt({
      id: "att_2",
      case_id: "refund\nmulti-line",
      status: "failed",
      output: `${NASTY.formula} ${"x".repeat(700)}`,
      scores: [
        score("contains", false, `missing "refund", ${NASTY.closeScript} ${NASTY.script}`),
        score("tool_called", false, `no call; ${NASTY.controls}`, "tool_use"),
        score("regex", true, "fine"),
      ],
      dimension_scores: { accuracy: 0, tool_use: 0 },
      overall: 0,
      tags: ["billing", "edge,case"],
      latency_ms: 1530,
    }),
    makeAttempt({
      id: "att_3",
      case_id: `-cmd|pipe & <amp>`,
      epoch: 2,
      variant: "model-b",
      status: "error",
      output: "",
      error: {
        class: "timeout",
        message: `took too long & <gave up> '${NASTY.separators}' ${NASTY.loneSurrogate}`,
      },
      dimension_scores: {},
      overall: 0,
      tags: ["billing"],
      latency_ms: 30_000,
      retries: 2,
    }),
    makeAttempt({
      id: "att_4",
      case_id: "unicode",
      variant: "model-b",
      output: `${NASTY.nonAscii} ${NASTY.separators} ${NASTY.controls}`,
      tool_calls: [{ id: "c1", name: "lookup", arguments: { q: NASTY.closeScript, n: 1 } }],
      scores: [score("contains", true, "ok")],
      tags: [],
    }),
  ];
}

export function nastyRun(overrides: Partial<Run> = {}): Run {
  return {
    id: "run_1",
    pipeline: "support",
    suite: `support <script>alert('suite')</script> & co`,
    config_hash: "abc",
    agent_kind: "prompt",
    models: ["model-a"],
    seed: 1,
    epochs: 2,
    status: "completed",
    started_at: "2026-01-01T00:00:00.000Z",
    finished_at: "2026-01-01T00:01:00.000Z",
    purpose: "evaluation",
    config_snapshot: {},
    case_count: 4,
    threshold: 0.8,
    totals: {
      attempts: 4,
      passed: 2,
      failed: 1,
      errors: 1,
      score: 0.5,
      pass_rate: 0.5,
      cost_usd: 0.0048,
      input_tokens: 40,
      output_tokens: 20,
      latency_p50_ms: 975,
      latency_p95_ms: 25_000,
      latency_p99_ms: 29_000,
      dimension_scores: { accuracy: 0.667, tool_use: 0 },
    },
    ...overrides,
  };
}

/** An attempt source over an array that honours the selection, as the store does. */
export function source(items: Attempt[]): AttemptSource {
  return async function* (selection = {}) {
    for (const item of items) {
      if (selection.statuses && !selection.statuses.includes(item.status)) continue;
      if (selection.variant !== undefined && item.variant !== selection.variant) continue;
      yield item;
    }
  };
}

/**
 * Minimal strict XML 1.0 well-formedness check, enough for our output: one root, balanced tags,
 * quoted attributes, known entities only, no raw `<`/`&`, no forbidden characters.
 * Returns the elements in document order with decoded attributes and text.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
}

export function parseXmlStrict(xml: string): XmlElement[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: forbidden characters are what we look for
  const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
  if (forbidden.test(xml)) throw new Error("forbidden control character");
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(xml)) {
    throw new Error("lone surrogate");
  }
  const decode = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s))
      throw new Error(`bad entity in ${s}`);
    return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
      const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
      if (named[e]) return named[e];
      return String.fromCodePoint(
        e.startsWith("#x") ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
      );
    });
  };
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: XmlElement[] = [];
  const all: XmlElement[] = [];
  let roots = 0;
  while (rest.length > 0) {
    const lt = rest.indexOf("<");
    const text = lt < 0 ? rest : rest.slice(0, lt);
    if (text.includes("]]>")) throw new Error("]]> in text");
    if (stack.length === 0 && text.trim() !== "") throw new Error("text outside root");
    const top = stack[stack.length - 1];
    if (top) top.text += decode(text);
    if (lt < 0) break;
    rest = rest.slice(lt);
    const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(rest);
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`mismatched </${close[1]}>`);
      rest = rest.slice(close[0].length);
      continue;
    }
    const tag = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (!tag) throw new Error(`malformed tag near ${JSON.stringify(rest.slice(0, 40))}`);
    const element: XmlElement = { name: tag[1] ?? "", attrs: {}, text: "" };
    for (const m of (tag[2] ?? "").matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (m[1] && m[1] in element.attrs) throw new Error("duplicate attribute");
      element.attrs[m[1] ?? ""] = decode(m[2] ?? "");
    }
    if (stack.length === 0) roots += 1;
    all.push(element);
    if (tag[3] !== "/") stack.push(element);
    rest = rest.slice(tag[0].length);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (roots !== 1) throw new Error(`expected one root, got ${roots}`);
  return all;
}
