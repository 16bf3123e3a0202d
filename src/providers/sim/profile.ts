import { z } from "zod";

/** A regular expression written as a string; compiled case-insensitively. */
const regexString = z.string().refine(
  (source) => {
    try {
      new RegExp(source, "i");
      return true;
    } catch {
      return false;
    }
  },
  { message: "not a valid regular expression" },
);

const phrases = z.array(z.string().min(1)).min(1);

/** One way to cure a habit; every clause given must hold. */
const cureGroupSchema = z
  .object({
    any_of: phrases.optional(),
    all_of: phrases.optional(),
    regex: regexString.optional(),
  })
  .strict()
  .refine((g) => g.any_of || g.all_of || g.regex, {
    message: "a cure needs any_of, all_of or regex",
  });

export const TRIGGER_CONDITIONS = [
  "json_answer",
  "text_answer",
  "final_answer",
  "tool_call",
  "has_tools",
  "contains_date",
  "contains_contact",
  "has_reference",
] as const;

const triggerSchema = z
  .object({
    /** Fires only for cases carrying at least one of these tags. */
    tags_any: z.array(z.string()).min(1).optional(),
    /** Fires only when the case input (or the user's messages) matches. */
    input_regex: regexString.optional(),
    /** Every listed condition must hold for the answer being produced. */
    when: z.array(z.enum(TRIGGER_CONDITIONS)).optional(),
  })
  .strict();

const argTemplates = z.record(z.string(), z.string());

export const effectSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("wrap_json"),
      prefix: z.string().default("Sure! Here is the JSON you asked for:"),
      suffix: z.string().default("Let me know if you need anything else!"),
      fence: z.boolean().default(true),
    })
    .strict(),
  z.object({ type: z.literal("skip_tool_call"), answer: z.string().min(1) }).strict(),
  z
    .object({
      type: z.literal("wrong_tool"),
      from: z.string().optional(),
      to: z.string(),
      arguments: argTemplates.default({}),
    })
    .strict(),
  z
    .object({
      type: z.literal("mangle_argument"),
      tool: z.string().optional(),
      argument: z.string(),
      pattern: regexString,
      replacement: z.string(),
    })
    .strict(),
  z
    .object({
      type: z.literal("leak_contact"),
      kind: z.enum(["email", "phone", "any"]).default("any"),
      template: z.string().includes("{contact}"),
    })
    .strict(),
  z
    .object({
      type: z.literal("date_format"),
      format: z.enum(["MM/DD/YYYY", "DD/MM/YYYY", "Month D, YYYY"]),
    })
    .strict(),
  z
    .object({
      type: z.literal("pad"),
      paragraphs: z.array(z.string().min(1)).min(1),
      count: z.number().int().min(1).default(2),
    })
    .strict(),
  z.object({ type: z.literal("refuse"), text: z.string().min(1) }).strict(),
  z.object({ type: z.literal("append"), text: z.string().min(1) }).strict(),
  z.object({ type: z.literal("prepend"), text: z.string().min(1) }).strict(),
  z
    .object({ type: z.literal("json_rename_keys"), style: z.enum(["camelCase", "PascalCase"]) })
    .strict(),
  z.object({ type: z.literal("json_drop_key"), key: z.string().optional() }).strict(),
  z
    .object({
      type: z.literal("json_stringify_numbers"),
      thousands_separator: z.boolean().default(true),
    })
    .strict(),
]);

export const habitSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, "use snake_case ids"),
    description: z.string().min(1),
    trigger: triggerSchema.default({}),
    probability: z.number().min(0).max(1),
    effect: effectSchema,
    /** The habit is suppressed when the system prompt (within the budget) matches a group. */
    cure: z
      .union([cureGroupSchema, z.array(cureGroupSchema).min(1)])
      .transform((c) => (Array.isArray(c) ? c : [c])),
  })
  .strict();

export const templateSchema = z
  .object({
    id: z.string().min(1),
    /** Matched against the user's latest message; omit for the fallback. */
    match: regexString.optional(),
    answer: z.string().min(1),
    /** Call this tool first (when offered and not yet called), then answer. */
    tool: z
      .object({ name: z.string(), arguments: argTemplates.default({}) })
      .strict()
      .optional(),
  })
  .strict();

export const simProfileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, - and _"),
    description: z.string().min(1),
    tokenizer: z.enum(["o200k_base", "cl100k_base"]).default("o200k_base"),
    latency: z
      .object({
        base_ms: z.number().min(0).max(600_000).default(600),
        per_output_token_ms: z.number().min(0).max(60_000).default(12),
        /** Relative spread, 0.25 = ±25 %. */
        jitter: z.number().min(0).max(1).default(0.25),
      })
      .strict()
      .default({ base_ms: 600, per_output_token_ms: 12, jitter: 0.25 }),
    /** Only this many leading tokens of the system prompt are "read" when checking cures. */
    context_budget_tokens: z.number().int().min(1).default(400),
    /** Chance per (case, epoch) that one habit fires whatever the prompt says. */
    flake_rate: z.number().min(0).max(1).default(0.02),
    templates: z.array(templateSchema).min(1),
    habits: z.array(habitSchema),
  })
  .strict()
  .superRefine((profile, ctx) => {
    const seen = new Set<string>();
    profile.habits.forEach((habit, index) => {
      if (seen.has(habit.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["habits", index, "id"],
          message: `duplicate habit id "${habit.id}"`,
        });
      }
      seen.add(habit.id);
    });
  });

/** A profile as written (defaults optional). */
export type SimProfileInput = z.input<typeof simProfileSchema>;
/** A validated profile with defaults filled in. */
export type SimProfile = z.output<typeof simProfileSchema>;
export type SimHabit = SimProfile["habits"][number];
export type SimHabitEffect = z.output<typeof effectSchema>;
export type SimTemplate = SimProfile["templates"][number];
export type SimCureGroup = SimHabit["cure"][number];
export type SimTriggerCondition = (typeof TRIGGER_CONDITIONS)[number];
