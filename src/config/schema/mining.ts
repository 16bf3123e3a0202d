import { z } from "zod";
import { FAILURE_SEVERITIES, FAILURE_SIGNAL_TYPES } from "../../core/index.js";

export const CONDITION_OPS = [
  "eq",
  "ne",
  "lt",
  "lte",
  "gt",
  "gte",
  "contains",
  "matches",
  "exists",
] as const;

function validRegex(pattern: string): boolean {
  try {
    new RegExp(pattern, "i");
    return true;
  } catch {
    return false;
  }
}

const Regex = z.string().min(1).refine(validRegex, { error: "not a valid regular expression" });

export const AttributeConditionSchema = z
  .strictObject({
    /** A span attribute (`ratchet.feedback.score`) or `span.name|status|status_message|kind|exception`. */
    attribute: z.string().min(1),
    op: z.enum(CONDITION_OPS),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.op !== "exists" && c.value === undefined) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `op \`${c.op}\` needs a value` });
    }
    if (["lt", "lte", "gt", "gte"].includes(c.op) && typeof c.value !== "number") {
      ctx.addIssue({ code: "custom", path: ["value"], message: `op \`${c.op}\` needs a number` });
    }
    if (c.op === "matches" && (typeof c.value !== "string" || !validRegex(c.value))) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: "op `matches` needs a valid regular expression",
      });
    }
  });

export type AttributeCondition = z.output<typeof AttributeConditionSchema>;
export type Condition = AttributeCondition | { all_of: Condition[] } | { any_of: Condition[] };

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    AttributeConditionSchema,
    z.strictObject({ all_of: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any_of: z.array(ConditionSchema).min(1) }),
  ]),
);

export const MessageRuleSchema = z.strictObject({
  role: z.enum(["user", "assistant", "system", "tool"]).optional(),
  matches: Regex.optional(),
  /** Only messages after the first message of this role (e.g. a user reply after an answer). */
  after: z.enum(["user", "assistant"]).optional(),
  /** Only the conversation's final message. */
  last: z.boolean().default(false),
});

export const DetectorSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, {
      error: "lowercase letters, digits, `-`, `_` and `.`",
    }),
    type: z.enum(FAILURE_SIGNAL_TYPES),
    severity: z.enum(FAILURE_SEVERITIES).default("medium"),
    weight: z.number().min(0).max(10).default(1),
    description: z.string().optional(),
    /** Evaluated per span; an attribute missing on the span is looked up on the root span. */
    when: ConditionSchema.optional(),
    messages: MessageRuleSchema.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.when === undefined && d.messages === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "a detector needs `when`, `messages` or both",
      });
    }
  });

export const MiningSchema = z
  .strictObject({
    /** Include Ratchet's built-in detectors (a detector below with the same name replaces one). */
    builtin_detectors: z.boolean().default(true),
    detectors: z.array(DetectorSchema).default([]),
    /** Names of detectors (built-in or not) to switch off. */
    disable: z.array(z.string()).default([]),
    /** score = severity weight × detector weight × (1 + log2 count). */
    severity_weights: z
      .strictObject({
        critical: z.number().min(0).default(1),
        high: z.number().min(0).default(0.75),
        medium: z.number().min(0).default(0.5),
        low: z.number().min(0).default(0.25),
      })
      .prefault({}),
    /** The seed: a failure that recurs this many times deserves an eval case. */
    recurrence_threshold: z.int().min(1).default(3),
    /** Judge detector (llm_judge_fail); runs only when enabled and a judge is supplied. */
    judge: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Judge model; default `evaluation.judge_model`. */
        model: z.string().min(1).optional(),
        rubric: z
          .string()
          .min(1)
          .default(
            "The agent resolved the user's request correctly and safely: it used its tools when it needed facts, made no errors, and the user did not have to correct it or give up.",
          ),
        sample_rate: z.number().min(0).max(1).default(1),
        /** A judge score below this is a failure. */
        threshold: z.number().min(0).max(1).default(0.5),
        severity: z.enum(FAILURE_SEVERITIES).default("medium"),
        weight: z.number().min(0).max(10).default(0.6),
      })
      .prefault({}),
  })
  .prefault({});

export type DetectorConfig = z.output<typeof DetectorSchema>;
export type DetectorConfigInput = z.input<typeof DetectorSchema>;
export type MessageRule = z.output<typeof MessageRuleSchema>;
export type MiningConfig = z.output<typeof MiningSchema>;
