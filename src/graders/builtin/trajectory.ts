import { z } from "zod";
import { GENAI, type SideEffect, type Span } from "../../core/index.js";
import { namePattern } from "../strings.js";
import { addRegexIssue, plural, regexMessage } from "../text.js";
import type { GradeInput, GraderDefinition } from "../types.js";
import { fail, pass } from "../verdict.js";
import { type ArgsMatcher, compileArgsMatcher, MatcherError } from "./args-matcher.js";
import { count, MAX_AT_LEAST_MIN, maxAtLeastMin } from "./counts.js";

const MAX_LISTED = 8;

// Agents record spans as they end (a chat span after its tools); start time is the order
// in which things happened. The sort is stable, so ties keep the recorded order.
const ordered = new WeakMap<GradeInput, Span[]>();
export function spansInOrder(input: GradeInput): Span[] {
  let spans = ordered.get(input);
  if (spans === undefined) {
    spans = [...input.spans].sort((a, b) => a.start_ms - b.start_ms);
    ordered.set(input, spans);
  }
  return spans;
}

interface Pattern {
  source: string;
  test: (name: string) => boolean;
}

/** A list of name patterns (`exact`, `glob*`, `/regex/i`) compiled once, bad regex = input error. */
function patterns(min = 1) {
  return z
    .union([z.string().min(1), z.array(z.string().min(1)).min(min)])
    .transform((value, ctx): Pattern[] => {
      const list = typeof value === "string" ? [value] : value;
      const out: Pattern[] = [];
      list.forEach((source, i) => {
        try {
          out.push({ source, test: namePattern(source) });
        } catch (error) {
          addRegexIssue(ctx, typeof value === "string" ? [] : [i], error);
        }
      });
      return out;
    });
}

function names(spans: Span[]): string {
  if (spans.length === 0) return "no spans were recorded";
  const shown = spans.slice(0, MAX_LISTED).map((s) => s.name);
  return `spans: ${shown.join(", ")}${spans.length > MAX_LISTED ? `, … (+${spans.length - MAX_LISTED})` : ""}`;
}

const requiredSpansParams = z.strictObject({
  spans: patterns(),
  in_order: z.boolean().default(false),
});

export const requiredSpans: GraderDefinition<z.output<typeof requiredSpansParams>> = {
  type: "required-spans",
  dimension: "tool_use",
  params: requiredSpansParams,
  negatable: true,
  description:
    "spans matching each of `spans` (exact name, glob `execute_tool *`, or `/regex/`) were recorded; `in_order: true` for this order",
  grade(input, p) {
    const spans = spansInOrder(input);
    if (p.in_order) {
      let k = 0;
      for (const span of spans) if (k < p.spans.length && p.spans[k]!.test(span.name)) k++;
      if (k === p.spans.length) {
        return pass(`spans appear in order: ${p.spans.map((s) => s.source).join(" → ")}`);
      }
      return {
        score: k / p.spans.length,
        passed: false,
        reason: `expected spans in order ${p.spans.map((s) => s.source).join(" → ")}; no \`${p.spans[k]!.source}\` ${k > 0 ? `after \`${p.spans[k - 1]!.source}\`` : "at all"}; ${names(spans)}`,
        details: { matched: k },
      };
    }
    const missing = p.spans.filter((pat) => !spans.some((s) => pat.test(s.name)));
    if (missing.length === 0) return pass(`all ${plural(p.spans.length, "required span")} present`);
    return {
      score: 1 - missing.length / p.spans.length,
      passed: false,
      reason: `missing ${plural(missing.length, "span")}: ${missing.map((m) => `\`${m.source}\``).join(", ")}; ${names(spans)}`,
      details: { missing: missing.map((m) => m.source) },
    };
  },
};

const forbiddenSpansParams = z.strictObject({ spans: patterns() });

export const forbiddenSpans: GraderDefinition<z.output<typeof forbiddenSpansParams>> = {
  type: "forbidden-spans",
  dimension: "tool_use",
  params: forbiddenSpansParams,
  description: "no recorded span matches any of `spans` (exact, glob or `/regex/`)",
  grade(input, p) {
    const hits = input.spans.filter((s) => p.spans.some((pat) => pat.test(s.name)));
    if (hits.length === 0)
      return pass(`none of ${plural(p.spans.length, "forbidden span")} recorded`);
    const shown = [...new Set(hits.map((s) => s.name))].slice(0, MAX_LISTED);
    return fail(
      `forbidden ${plural(hits.length, "span")} recorded: ${shown.map((n) => `\`${n}\``).join(", ")}`,
      {
        spans: shown,
      },
    );
  },
};

/** Provider spellings of the same stop reasons, folded to the AI SDK's names. */
const STOP_ALIASES: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  eos: "stop",
  max_tokens: "length",
  tool_use: "tool-calls",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  content_filter: "content-filter",
  refusal: "content-filter",
};

export function normalizeStopReason(reason: string): string {
  const r = reason.trim().toLowerCase();
  return STOP_ALIASES[r] ?? r.replace(/_/g, "-");
}

/** Finish reason of the last chat span (GenAI `gen_ai.response.finish_reasons`). */
export function lastStopReason(input: GradeInput): string | undefined {
  const spans = spansInOrder(input);
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i]!;
    if (s.attributes[GENAI.operation] !== "chat") continue;
    const value = s.attributes[GENAI.finishReasons];
    const first = Array.isArray(value) ? value[value.length - 1] : value;
    if (first === undefined) return undefined;
    return normalizeStopReason(String(first));
  }
  return undefined;
}

const stopReasonParams = z
  .strictObject({ reason: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) })
  .transform((p) => ({
    reasons: (typeof p.reason === "string" ? [p.reason] : p.reason).map(normalizeStopReason),
  }));

export const expectedStopReason: GraderDefinition<z.output<typeof stopReasonParams>> = {
  type: "expected-stop-reason",
  dimension: "tool_use",
  params: stopReasonParams,
  negatable: true,
  description:
    "the last chat span finished with `reason` (stop | tool-calls | length | content-filter | error | other; provider spellings accepted)",
  grade(input, p) {
    const actual = lastStopReason(input);
    const want = p.reasons.join(" or ");
    if (actual === undefined) {
      return fail(
        `no chat span with gen_ai.response.finish_reasons was recorded (expected ${want}); this agent kind may not record stop reasons`,
      );
    }
    return p.reasons.includes(actual)
      ? pass(`the agent stopped with \`${actual}\``)
      : fail(
          `the agent stopped with \`${actual}\`, expected ${want}${actual === "tool-calls" ? " (it ran out of steps while calling tools?)" : ""}`,
        );
  },
};

const stepCountParams = z
  .strictObject({ min: count.optional(), max: count.optional() })
  .refine((p) => p.min !== undefined || p.max !== undefined, {
    message: "give `min`, `max` or both",
  })
  .refine(maxAtLeastMin, MAX_AT_LEAST_MIN);

export const stepCount: GraderDefinition<z.output<typeof stepCountParams>> = {
  type: "step-count",
  dimension: "tool_use",
  params: stepCountParams,
  negatable: true,
  description: "the agent took between `min` and `max` steps (model calls)",
  grade(input, p) {
    const n = input.steps;
    const range =
      p.min !== undefined && p.max !== undefined
        ? `${p.min} to ${p.max}`
        : p.min !== undefined
          ? `at least ${p.min}`
          : `at most ${p.max}`;
    const ok = (p.min === undefined || n >= p.min) && (p.max === undefined || n <= p.max);
    return ok
      ? pass(`took ${plural(n, "step")} (expected ${range})`)
      : fail(`took ${plural(n, "step")}, expected ${range}`);
  },
};

// ── mocked-tool effects: what happened, as opposed to what was asked for (tool-called) ──

export interface EffectMatcher {
  label: string;
  test(effect: SideEffect): boolean;
}

const effectSpec = z.union([
  z.string().min(1),
  z.strictObject({
    effect: z.string().min(1),
    tool: z.string().min(1).optional(),
    /** Partial match on the effect's data (`{ $regex }` values allowed). */
    data: z.record(z.string(), z.unknown()).optional(),
  }),
]);

type EffectSpec = z.output<typeof effectSpec>;

function compileEffect(spec: EffectSpec, path: Array<string | number>): EffectMatcher {
  const s = typeof spec === "string" ? { effect: spec } : spec;
  const name = namePattern(s.effect);
  let data: ArgsMatcher | undefined;
  if (s.data !== undefined) {
    try {
      data = compileArgsMatcher(s.data);
    } catch (error) {
      if (error instanceof MatcherError) {
        throw new MatcherError(error.message, [...path.map(String), "data", ...error.path]);
      }
      throw error;
    }
  }
  const label = `${s.effect}${s.tool ? ` by ${s.tool}` : ""}${s.data ? ` with ${JSON.stringify(s.data)}` : ""}`;
  return {
    label,
    test(effect) {
      if (!name(effect.effect)) return false;
      if (s.tool !== undefined && effect.tool !== s.tool) return false;
      if (data === undefined) return true;
      const problems: string[] = [];
      data(effect.data ?? {}, "$", problems);
      return problems.length === 0;
    },
  };
}

/** `effect` / `effects` lists → matchers; regex or matcher errors become issues at their path. */
export function effectList(min = 1) {
  return z
    .union([effectSpec, z.array(effectSpec).min(min)])
    .transform((value, ctx): EffectMatcher[] => {
      const list = Array.isArray(value) ? value : [value];
      const out: EffectMatcher[] = [];
      list.forEach((spec, i) => {
        const at = Array.isArray(value) ? [i] : [];
        try {
          out.push(compileEffect(spec, at));
        } catch (error) {
          const path = error instanceof MatcherError ? error.path : at.map(String);
          ctx.addIssue({
            code: "custom",
            path,
            message:
              error instanceof MatcherError
                ? error.message
                : `invalid regular expression: ${regexMessage(error)}`,
          });
        }
      });
      return out;
    });
}

function effectsSummary(effects: SideEffect[]): string {
  if (effects.length === 0) return "no side effects happened";
  const shown = effects.slice(0, MAX_LISTED).map((e) => e.effect);
  return `side effects: ${shown.join(", ")}${effects.length > MAX_LISTED ? ", …" : ""}`;
}

const sideEffectParams = z
  .strictObject({ effect: effectList(), min: count.default(1), max: count.optional() })
  .refine(maxAtLeastMin, MAX_AT_LEAST_MIN);

export const sideEffect: GraderDefinition<z.output<typeof sideEffectParams>> = {
  type: "side-effect",
  dimension: "tool_use",
  params: sideEffectParams,
  negatable: true,
  description:
    "each `effect` (name, glob or `{effect, tool?, data?}`) happened between `min` (1) and `max` times in the mocked tools — the effect, not the call (see tool-called)",
  grade(input, p) {
    const bad: string[] = [];
    for (const m of p.effect) {
      const n = input.side_effects.filter((e) => m.test(e)).length;
      if (n < p.min || (p.max !== undefined && n > p.max)) {
        bad.push(`\`${m.label}\` happened ${plural(n, "time")}`);
      }
    }
    const range =
      p.max === undefined
        ? `at least ${p.min}`
        : p.max === p.min
          ? `exactly ${p.min}`
          : `${p.min} to ${p.max}`;
    if (bad.length === 0)
      return pass(
        `side effect${p.effect.length > 1 ? "s" : ""} ${p.effect.map((m) => `\`${m.label}\``).join(", ")} happened (${range})`,
      );
    return {
      score: 1 - bad.length / p.effect.length,
      passed: false,
      reason: `${bad.join("; ")} (expected ${range}); ${effectsSummary(input.side_effects)}`,
    };
  },
};

const forbiddenEffectParams = z.strictObject({ effect: effectList() });

export const forbiddenSideEffect: GraderDefinition<z.output<typeof forbiddenEffectParams>> = {
  type: "forbidden-side-effect",
  dimension: "safety",
  params: forbiddenEffectParams,
  description:
    "none of `effect` happened in the mocked tools (an attempted call that was blocked, denied or only drafted passes)",
  grade(input, p) {
    const hits = input.side_effects.filter((e) => p.effect.some((m) => m.test(e)));
    if (hits.length === 0) {
      const attempted = input.tool_calls.length;
      return pass(
        `no forbidden side effect (${p.effect.map((m) => `\`${m.label}\``).join(", ")})${attempted ? `; ${plural(attempted, "tool call")} made` : ""}`,
      );
    }
    const shown = [...new Set(hits.map((e) => `${e.effect} (by ${e.tool})`))].slice(0, 4);
    return fail(`forbidden side effect happened: ${shown.join(", ")}`, {
      effects: hits.map((e) => e.effect),
    });
  },
};
