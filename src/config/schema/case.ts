import { z } from "zod";
import { AssertionSpecSchema } from "./evaluation.js";

const ToolCallSchema = z.strictObject({
  id: z.string(),
  name: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()),
});

export const MessageSchema = z.strictObject({
  role: z.enum(["system", "user", "assistant", "tool"]),
  content: z.string(),
  tool_calls: z.array(ToolCallSchema).optional(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
});

export const ExpectedSchema = z.strictObject({
  output: z.string().optional(),
  json: z.json().optional(),
  tool_calls: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        arguments: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});

export const CaseSourceSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("hand_written") }),
  z.strictObject({ kind: z.literal("incident"), incident_id: z.string() }),
  z.strictObject({ kind: z.literal("cluster"), cluster_id: z.string() }),
  z.strictObject({ kind: z.literal("trace"), trace_id: z.string() }),
  z.strictObject({ kind: z.literal("redteam"), probe_id: z.string() }),
]);

export const SeveritySchema = z.enum(["blocking", "warning", "exploratory"]);

/** One case as written; severity stays optional until suite defaults are merged. */
export const CaseInputSchema = z.strictObject({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  input: z.union([z.string(), z.array(MessageSchema).min(1)]),
  context: z.record(z.string(), z.unknown()).optional(),
  /** A plain string (promptfoo-style suites) is the expected output. */
  expected: z.union([z.string().transform((output) => ({ output })), ExpectedSchema]).optional(),
  assertions: z.array(AssertionSpecSchema).default([]),
  tags: z.array(z.string().min(1)).default([]),
  severity: SeveritySchema.optional(),
  owner: z.string().optional(),
  source: CaseSourceSchema.optional(),
  expires_at: z.string().optional(),
});

export const SuiteDefaultsSchema = z.strictObject({
  tags: z.array(z.string().min(1)).default([]),
  severity: SeveritySchema.optional(),
  assertions: z.array(AssertionSpecSchema).default([]),
});

/** A YAML suite file's frame; its cases are validated one by one for precise lines. */
export const SuiteFileSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  defaults: SuiteDefaultsSchema.optional(),
  cases: z.array(z.unknown()),
});

export type CaseInput = z.output<typeof CaseInputSchema>;
export type SuiteDefaults = z.output<typeof SuiteDefaultsSchema>;
