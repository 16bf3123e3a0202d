import { z } from "zod";
import { LIMITS } from "./limits.js";

/** Seeds write `version: 1.0`; YAML reads that as a number, so accept and keep it as text. */
export const VersionSchema = z.union([z.string().min(1), z.number()]).transform(String);

export const PipelineSchema = z
  .strictObject({
    name: z.string().min(1).default("default"),
    version: VersionSchema.default("1"),
    max_concurrency: z.int().min(1).max(LIMITS.concurrency).default(10),
    timeout_seconds: z.number().positive().max(LIMITS.timeoutSeconds).default(60),
    retries: z.int().min(0).max(LIMITS.retries).default(2),
    seed: z.int().default(42),
  })
  .prefault({});

export type PipelineConfig = z.output<typeof PipelineSchema>;
