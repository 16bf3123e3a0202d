import { z } from "zod";
import { DIMENSIONS, type Dimension } from "../../core/index.js";

const Weight = z.number().min(0).max(1);

/** The seed calls tool use `tool_compliance`. */
const ALIASES: Record<string, Dimension> = { tool_compliance: "tool_use" };

export const DEFAULT_DIMENSIONS: Readonly<Record<Dimension, number>> = {
  accuracy: 0.5,
  tool_use: 0.2,
  safety: 0.2,
  latency: 0.05,
  cost: 0.05,
};

const DimensionName = z.enum([...DIMENSIONS, ...Object.keys(ALIASES)] as [string, ...string[]]);

const DimensionMap = z.strictObject({
  accuracy: Weight.optional(),
  latency: Weight.optional(),
  tool_use: Weight.optional(),
  tool_compliance: Weight.optional(),
  safety: Weight.optional(),
  cost: Weight.optional(),
});

const DimensionList = z
  .array(
    z.strictObject({
      name: DimensionName,
      weight: Weight,
      judge_model: z.string().min(1).optional(),
    }),
  )
  .min(1);

export interface Dimensions {
  weights: Record<Dimension, number>;
  /** Per-dimension judge model from the seed's list form. */
  judges: Partial<Record<Dimension, string>>;
}

const canonical = (name: string): Dimension => ALIASES[name] ?? (name as Dimension);

export const DimensionsSchema = z
  .union([DimensionMap, DimensionList])
  .transform((value, ctx): Dimensions => {
    const weights: Record<Dimension, number> = {
      accuracy: 0,
      latency: 0,
      tool_use: 0,
      safety: 0,
      cost: 0,
    };
    const judges: Partial<Record<Dimension, string>> = {};
    const seen = new Map<Dimension, string>();
    const entries: Array<{
      name: string;
      weight: number;
      judge?: string;
      at: (string | number)[];
    }> = Array.isArray(value)
      ? value.map((d, i) => ({
          name: d.name,
          weight: d.weight,
          ...(d.judge_model !== undefined ? { judge: d.judge_model } : {}),
          at: [i, "name"],
        }))
      : Object.entries(value)
          .filter((e): e is [string, number] => e[1] !== undefined)
          .map(([name, weight]) => ({ name, weight, at: [name] }));
    for (const e of entries) {
      const dim = canonical(e.name);
      const earlier = seen.get(dim);
      if (earlier !== undefined) {
        ctx.issues.push({
          code: "custom",
          input: value,
          path: e.at,
          message: `dimension \`${dim}\` given twice (\`${earlier}\` and \`${e.name}\`)`,
        });
        continue;
      }
      seen.set(dim, e.name);
      weights[dim] = e.weight;
      if (e.judge !== undefined) judges[dim] = e.judge;
    }
    const sum = Object.values(weights).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6) {
      ctx.issues.push({
        code: "custom",
        input: value,
        message: `dimension weights must sum to 1, got ${Number(sum.toFixed(6))}`,
      });
    }
    return { weights, judges };
  });
