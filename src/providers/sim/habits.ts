import type { JsonValue } from "../../core/index.js";
import { rngFor } from "../../core/index.js";
import type { AnswerContext } from "./answer.js";
import { type Draft, EMAIL, fillArguments, fillTemplate, ISO_DATE, PHONE } from "./draft.js";
import type { SimCureGroup, SimHabit, SimHabitEffect, SimTriggerCondition } from "./profile.js";

export interface HabitContext extends AnswerContext {
  caseId: string;
  epoch: number;
  seed: number;
  /** The part of the system prompt the sim "reads": its first context_budget_tokens tokens. */
  readableSystem: string;
  /** A habit the flake draw forces for this (case, epoch), whatever the prompt says. */
  forcedHabit: string | undefined;
}

/** Decisions first (which call, or none), then content, then formatting. */
const PHASE: Record<SimHabitEffect["type"], number> = {
  refuse: 0,
  skip_tool_call: 0,
  wrong_tool: 0,
  mangle_argument: 0,
  json_rename_keys: 1,
  json_drop_key: 1,
  json_stringify_numbers: 1,
  date_format: 1,
  leak_contact: 1,
  append: 1,
  prepend: 1,
  pad: 1,
  wrap_json: 2,
};

export function normalisePrompt(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/\s+/g, " ");
}

function groupHolds(group: SimCureGroup, normalised: string): boolean {
  if (group.any_of && !group.any_of.some((p) => normalised.includes(normalisePrompt(p)))) {
    return false;
  }
  if (group.all_of && !group.all_of.every((p) => normalised.includes(normalisePrompt(p)))) {
    return false;
  }
  if (group.regex && !new RegExp(group.regex, "i").test(normalised)) return false;
  return true;
}

export function isCured(habit: SimHabit, readableSystem: string): boolean {
  const normalised = normalisePrompt(readableSystem);
  return habit.cure.some((group) => groupHolds(group, normalised));
}

function contactIn(ctx: HabitContext, kind: "email" | "phone" | "any"): string | undefined {
  const sources = [
    ctx.inputText,
    ...ctx.view.userTexts,
    ...ctx.view.toolResults.map((r) =>
      typeof r.value === "string" ? r.value : JSON.stringify(r.value),
    ),
  ];
  for (const text of sources) {
    if (kind !== "phone") {
      const email = EMAIL.exec(text);
      if (email) return email[0];
    }
    if (kind !== "email") {
      const phone = PHONE.exec(text);
      if (phone) return phone[0];
    }
  }
  return undefined;
}

function draftText(draft: Draft): string {
  return draft.kind === "final" ? draft.text : JSON.stringify(draft.args);
}

function conditionHolds(condition: SimTriggerCondition, ctx: HabitContext, draft: Draft): boolean {
  switch (condition) {
    case "json_answer":
      return draft.kind === "final" && draft.json !== undefined;
    case "text_answer":
      return draft.kind === "final" && draft.json === undefined;
    case "final_answer":
      return draft.kind === "final";
    case "tool_call":
      return draft.kind === "tool";
    case "has_tools":
      return ctx.view.offeredTools.length > 0;
    case "contains_date":
      return new RegExp(ISO_DATE.source).test(draftText(draft));
    case "contains_contact":
      return contactIn(ctx, "any") !== undefined;
    case "has_reference":
      return ctx.reference.case !== undefined;
  }
}

export function triggerHolds(habit: SimHabit, ctx: HabitContext, draft: Draft): boolean {
  const { tags_any, input_regex, when } = habit.trigger;
  if (tags_any && !tags_any.some((tag) => ctx.tags.includes(tag))) return false;
  if (input_regex && !new RegExp(input_regex, "i").test(ctx.inputText)) return false;
  if (when && !when.every((c) => conditionHolds(c, ctx, draft))) return false;
  return true;
}

function mapJson(value: JsonValue, fn: (v: JsonValue) => JsonValue | undefined): JsonValue {
  const mapped = fn(value);
  if (mapped !== undefined) return mapped;
  if (Array.isArray(value)) return value.map((item) => mapJson(item, fn));
  if (value !== null && typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapJson(v, fn);
    return out;
  }
  return value;
}

function renameKeys(value: JsonValue, rename: (key: string) => string): JsonValue {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (value !== null && typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[rename(k)] = renameKeys(v, rename);
    return out;
  }
  return value;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function reformatDates(text: string, format: string): string {
  return text.replace(ISO_DATE, (whole, y: string, m: string, d: string) => {
    const month = Number(m);
    if (month < 1 || month > 12) return whole;
    if (format === "MM/DD/YYYY") return `${m}/${d}/${y}`;
    if (format === "DD/MM/YYYY") return `${d}/${m}/${y}`;
    return `${MONTHS[month - 1]} ${Number(d)}, ${y}`;
  });
}

function withJson(json: JsonValue): Extract<Draft, { kind: "final" }> {
  return { kind: "final", text: JSON.stringify(json), json };
}

/** Applies one habit's effect; `undefined` when it does not apply to this draft. */
function applyEffect(
  effect: SimHabitEffect,
  habitId: string,
  draft: Draft,
  ctx: HabitContext,
): Draft | undefined {
  switch (effect.type) {
    case "refuse":
      return { kind: "final", text: effect.text };
    case "skip_tool_call":
      if (draft.kind !== "tool") return undefined;
      return {
        kind: "final",
        text: fillTemplate(effect.answer, { input: ctx.inputText, args: draft.args }),
      };
    case "wrong_tool": {
      if (draft.kind !== "tool") return undefined;
      if (effect.from && draft.toolName !== effect.from) return undefined;
      if (effect.to === draft.toolName || !ctx.view.offeredTools.includes(effect.to))
        return undefined;
      const args = fillArguments(effect.arguments, { input: ctx.inputText, args: draft.args });
      return { kind: "tool", toolName: effect.to, args };
    }
    case "mangle_argument": {
      if (draft.kind !== "tool") return undefined;
      if (effect.tool && draft.toolName !== effect.tool) return undefined;
      const current = draft.args[effect.argument];
      if (typeof current !== "string") return undefined;
      const mangled = current.replace(new RegExp(effect.pattern, "i"), effect.replacement);
      if (mangled === current) return undefined;
      return { ...draft, args: { ...draft.args, [effect.argument]: mangled } };
    }
    case "leak_contact": {
      if (draft.kind !== "final") return undefined;
      const contact = contactIn(ctx, effect.kind);
      if (!contact) return undefined;
      const json = draft.json;
      if (json !== undefined && json !== null && typeof json === "object" && !Array.isArray(json)) {
        return withJson({ ...json, customer_contact: contact });
      }
      if (json !== undefined) return undefined;
      return { kind: "final", text: `${draft.text} ${fillTemplate(effect.template, { contact })}` };
    }
    case "date_format": {
      if (draft.kind !== "final") return undefined;
      if (draft.json !== undefined) {
        const json = mapJson(draft.json, (v) =>
          typeof v === "string" ? reformatDates(v, effect.format) : undefined,
        );
        const next = withJson(json);
        return next.text === draft.text ? undefined : next;
      }
      const text = reformatDates(draft.text, effect.format);
      return text === draft.text ? undefined : { kind: "final", text };
    }
    case "pad": {
      if (draft.kind !== "final" || draft.json !== undefined) return undefined;
      const rng = rngFor(ctx.seed, ctx.caseId, ctx.epoch, habitId, "pad");
      const start = rng.int(effect.paragraphs.length);
      const extra: string[] = [];
      for (let i = 0; i < effect.count; i++) {
        extra.push(effect.paragraphs[(start + i) % effect.paragraphs.length]!);
      }
      return { kind: "final", text: [draft.text, ...extra].join("\n\n") };
    }
    case "append":
      if (draft.kind !== "final" || draft.json !== undefined) return undefined;
      return { kind: "final", text: `${draft.text} ${effect.text}` };
    case "prepend":
      if (draft.kind !== "final" || draft.json !== undefined) return undefined;
      return { kind: "final", text: `${effect.text} ${draft.text}` };
    case "json_rename_keys": {
      if (draft.kind !== "final" || draft.json === undefined) return undefined;
      const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      const rename =
        effect.style === "camelCase"
          ? camel
          : (k: string) => camel(k).replace(/^./, (c) => c.toUpperCase());
      const next = withJson(renameKeys(draft.json, rename));
      return next.text === draft.text ? undefined : next;
    }
    case "json_drop_key": {
      const json = draft.kind === "final" ? draft.json : undefined;
      if (json === undefined || json === null || typeof json !== "object" || Array.isArray(json)) {
        return undefined;
      }
      const keys = Object.keys(json);
      const drop = effect.key ?? keys[keys.length - 1];
      if (keys.length < 2 || drop === undefined || !(drop in json)) return undefined;
      const { [drop]: _dropped, ...rest } = json;
      return withJson(rest);
    }
    case "json_stringify_numbers": {
      if (draft.kind !== "final" || draft.json === undefined) return undefined;
      const json = mapJson(draft.json, (v) =>
        typeof v === "number"
          ? effect.thousands_separator
            ? v.toLocaleString("en-US", { maximumFractionDigits: 10 })
            : String(v)
          : undefined,
      );
      const next = withJson(json);
      return next.text === draft.text ? undefined : next;
    }
    case "wrap_json": {
      if (draft.kind !== "final" || draft.json === undefined) return undefined;
      const body = JSON.stringify(draft.json, null, 2);
      const block = effect.fence ? `\`\`\`json\n${body}\n\`\`\`` : body;
      return { kind: "final", text: `${effect.prefix}\n\n${block}\n\n${effect.suffix}`.trim() };
    }
  }
}

/** Draws, per (case, epoch), whether one habit fires regardless of cure and probability. */
export function flakeHabit(
  habits: readonly SimHabit[],
  flakeRate: number,
  seed: number,
  caseId: string,
  epoch: number,
): string | undefined {
  if (habits.length === 0 || flakeRate <= 0) return undefined;
  const rng = rngFor(seed, caseId, epoch, "flake");
  if (rng.next() >= flakeRate) return undefined;
  return rng.pick(habits).id;
}

/**
 * Runs the profile's habits over a draft. Each habit's dice come from
 * `rngFor(seed, caseId, epoch, habitId)`, so a habit decides the same way on every turn of
 * a conversation and under any scheduling order.
 */
export function applyHabits(
  habits: readonly SimHabit[],
  draft: Draft,
  ctx: HabitContext,
): { draft: Draft; fired: string[] } {
  const ordered = habits
    .map((habit, index) => ({ habit, index }))
    .sort((a, b) => PHASE[a.habit.effect.type] - PHASE[b.habit.effect.type] || a.index - b.index);
  const fired: string[] = [];
  let current = draft;
  for (const { habit } of ordered) {
    if (!triggerHolds(habit, ctx, current)) continue;
    if (ctx.forcedHabit !== habit.id) {
      if (isCured(habit, ctx.readableSystem)) continue;
      if (rngFor(ctx.seed, ctx.caseId, ctx.epoch, habit.id).next() >= habit.probability) continue;
    }
    const next = applyEffect(habit.effect, habit.id, current, ctx);
    if (next) {
      current = next;
      fired.push(habit.id);
    }
  }
  return { draft: current, fired };
}
