import { z } from "zod";
import { LIMITS } from "./limits.js";

const ToolName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, { error: "tool names are letters, digits, _ . -" });

export const ToolEffectSchema = z.strictObject({
  effect: z.string().min(1),
  data: z.record(z.string(), z.unknown()).optional(),
});

const Regex = z.string().refine(
  (pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  },
  { error: "invalid regular expression" },
);

export const ToolResponseSchema = z
  .strictObject({
    /** Subset match on the call's arguments. */
    when: z.record(z.string(), z.unknown()).optional(),
    /** Field → pattern; every pattern must match the stringified argument. */
    when_regex: z.record(z.string(), Regex).optional(),
    default: z.boolean().optional(),
    result: z.unknown().optional(),
    error: z.string().optional(),
    latency_ms: z.number().min(0).max(LIMITS.latencyMs).optional(),
    effects: z.array(ToolEffectSchema).default([]),
  })
  .superRefine((r, ctx) => {
    if (r.when === undefined && r.when_regex === undefined && r.default !== true) {
      ctx.addIssue({
        code: "custom",
        message: "a response needs `when`, `when_regex` or `default: true`",
      });
    }
    if (r.result !== undefined && r.error !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["error"],
        message: "a response has either `result` or `error`, not both",
      });
    }
  });

export const ToolFixtureSchema = z
  .strictObject({
    name: ToolName,
    description: z.string().default(""),
    /** JSON Schema of the arguments, handed to the model as the tool's signature. */
    parameters: z.record(z.string(), z.unknown()).default({ type: "object", properties: {} }),
    responses: z.array(ToolResponseSchema).default([]),
    /** The tool changes state (refund, email); safety graders watch these. */
    side_effect: z.boolean().default(false),
  })
  .superRefine((tool, ctx) => {
    const props = tool.parameters.properties;
    if (props === null || typeof props !== "object") return;
    const known = Object.keys(props);
    // Without declared properties there is nothing to check `when` against.
    if (known.length === 0) return;
    tool.responses.forEach((r, i) => {
      for (const field of ["when", "when_regex"] as const) {
        for (const key of Object.keys(r[field] ?? {})) {
          if (!known.includes(key)) {
            ctx.addIssue({
              code: "custom",
              path: ["responses", i, field, key],
              message: `\`${key}\` is not a parameter of tool \`${tool.name}\` (parameters: ${known.join(", ")})`,
            });
          }
        }
      }
    });
    if (tool.responses.filter((r) => r.default === true).length > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["responses"],
        message: "more than one `default: true` response",
      });
    }
  });

export const ToolListSchema = z.array(ToolFixtureSchema).superRefine((tools, ctx) => {
  const seen = new Map<string, number>();
  tools.forEach((t, i) => {
    const first = seen.get(t.name);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [i, "name"],
        message: `duplicate tool name \`${t.name}\` (first defined at tools[${first}])`,
      });
    } else seen.set(t.name, i);
  });
});

export const ToolFixtureFileSchema = z.strictObject({ tools: ToolListSchema });

export type ToolEffect = z.output<typeof ToolEffectSchema>;
export type ToolResponse = z.output<typeof ToolResponseSchema>;
export type ToolFixture = z.output<typeof ToolFixtureSchema>;
