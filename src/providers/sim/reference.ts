import type { JSONValue } from "@ai-sdk/provider";
import { z } from "zod";
import type { JsonValue } from "../../core/index.js";

/**
 * What the agent passes in `providerOptions.sim` so the sim can answer a case from the
 * case's own reference. Production traffic has none and gets template answers.
 */
export interface SimCallReference {
  case?: {
    id: string;
    tags: string[];
    input: string;
    expected?: {
      output?: string;
      json?: JsonValue;
      tool_calls?: Array<{ name: string; arguments?: Record<string, unknown> }>;
    };
  };
  epoch: number;
  seed: number;
}

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const referenceSchema = z.object({
  case: z
    .object({
      id: z.string(),
      tags: z.array(z.string()).default([]),
      input: z.string(),
      expected: z
        .object({
          output: z.string().optional(),
          json: jsonValue.optional(),
          tool_calls: z
            .array(
              z.object({
                name: z.string(),
                arguments: z.record(z.string(), z.unknown()).optional(),
              }),
            )
            .optional(),
        })
        .optional(),
    })
    .optional(),
  epoch: z.number().int().default(0),
  seed: z.number().int().default(0),
});

/** Reads `providerOptions.sim`; a malformed reference is an agent bug and throws. */
export function readReference(providerOptions: unknown): SimCallReference {
  const raw =
    providerOptions && typeof providerOptions === "object"
      ? (providerOptions as Record<string, unknown>).sim
      : undefined;
  const parsed = referenceSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `providerOptions.sim is malformed at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? ""}`,
    );
  }
  return parsed.data as SimCallReference;
}

/**
 * Builds `providerOptions` for a call carrying a sim reference. Real providers ignore the
 * `sim` key, so agents can pass it to every model.
 */
export function simProviderOptions(reference: {
  case?: {
    id: string;
    tags?: string[];
    input: string;
    expected?: {
      output?: string;
      json?: JsonValue;
      tool_calls?: Array<{ name: string; arguments?: Record<string, unknown> }>;
    };
  };
  epoch?: number;
  seed?: number;
}): { sim: { [key: string]: JSONValue | undefined } } {
  return { sim: plainCopy(reference) as { [key: string]: JSONValue | undefined } };
}

/**
 * The JSON value of plain data, as a JSON round trip would give it (undefined fields dropped,
 * undefined array items as null), at a third of the cost: this runs once per attempt.
 */
function plainCopy(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    return typeof value === "number" && !Number.isFinite(value) ? null : value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => (item === undefined ? null : plainCopy(item)));
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined && typeof item !== "function") out[key] = plainCopy(item);
  }
  return out;
}
