import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { z } from "zod";
import { outputJson } from "../derived.js";
import { pointerToPath } from "../json-tools.js";
import type { GraderDefinition } from "../types.js";
import { fail, pass } from "../verdict.js";

// ajv-formats ships CJS with `exports.default`; under NodeNext the default import is the module.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

let shared: Ajv | undefined;

function ajv(): Ajv {
  if (shared === undefined) {
    // strict: false accepts the annotation keywords people paste from docs (`example`, …);
    // addUsedSchema: false lets two cases use schemas with the same `$id`.
    shared = new Ajv({ allErrors: true, strict: false, addUsedSchema: false });
    addFormats(shared);
  }
  return shared;
}

// Suites repeat one schema across many cases and ajv compiles take milliseconds each, so
// validators are shared by schema text (bounded; ajv validators keep no per-call state
// other than `.errors`, which is read right after each call).
const validators = new Map<string, ValidateFunction>();
const MAX_CACHED = 256;

export function compileSchema(schema: Record<string, unknown> | boolean): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = ajv().compile(schema);
    if (validators.size >= MAX_CACHED) validators.delete(validators.keys().next().value!);
    validators.set(key, validate);
  }
  return validate;
}

const jsonValidParams = z.strictObject({});

export const jsonValid: GraderDefinition<z.output<typeof jsonValidParams>> = {
  type: "json-valid",
  dimension: "accuracy",
  params: jsonValidParams,
  negatable: true,
  description: "the whole output parses as JSON",
  grade(input) {
    const parsed = outputJson(input);
    return parsed.ok
      ? pass("output is valid JSON")
      : fail(`output is not valid JSON: ${parsed.problem}`);
  },
};

const MAX_LISTED = 3;

/** Compiles a `schema` param, or records a zod issue on it (so compile errors name the key). */
export function compileSchemaParam(
  schema: Record<string, unknown> | boolean,
  ctx: z.RefinementCtx,
): ValidateFunction | undefined {
  try {
    return compileSchema(schema);
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      path: ["schema"],
      message: `invalid JSON Schema: ${(error as Error).message}`,
    });
    return undefined;
  }
}

export function formatError(e: ErrorObject): string {
  const path = pointerToPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `${path}: missing required property "${String(p.missingProperty)}"`;
    case "additionalProperties":
      return `${path}: unexpected property "${String(p.additionalProperty)}"`;
    case "enum":
      return `${path}: must be one of ${JSON.stringify(p.allowedValues)}`;
    default:
      return `${path}: ${e.message ?? e.keyword}`;
  }
}

const jsonSchemaParams = z
  .strictObject({ schema: z.union([z.record(z.string(), z.unknown()), z.boolean()]) })
  .transform((p, ctx) => {
    const validate = compileSchemaParam(p.schema, ctx);
    return validate ? { validate } : z.NEVER;
  });

export const jsonSchema: GraderDefinition<z.output<typeof jsonSchemaParams>> = {
  type: "json-schema",
  dimension: "accuracy",
  params: jsonSchemaParams,
  negatable: true,
  description: "the output parses as JSON and validates against `schema` (JSON Schema, ajv)",
  grade(input, p) {
    const parsed = outputJson(input);
    if (!parsed.ok) return fail(`output is not valid JSON: ${parsed.problem}`);
    if (p.validate(parsed.value)) return pass("output matches the JSON schema");
    const errors = (p.validate.errors ?? []).map(formatError);
    const more = errors.length > MAX_LISTED ? ` (+${errors.length - MAX_LISTED} more)` : "";
    return fail(
      `output does not match the JSON schema: ${errors.slice(0, MAX_LISTED).join("; ")}${more}`,
      {
        errors: errors.slice(0, 20),
      },
    );
  },
};
