import { z } from "zod";

/** Seeds write `version: 1.0`; YAML reads that as a number, so accept and keep it as text. */
export const VersionSchema = z.union([z.string().min(1), z.number()]).transform(String);

export const PipelineSchema = z
  .strictObject({
    name: z.string().min(1).default("default"),
    version: VersionSchema.default("1"),
    max_concurrency: z.int().min(1).max(10_000).default(10),
    timeout_seconds: z.number().positive().default(60),
    // Each retry can wait minutes (backoff, Retry-After); more than this is a typo.
    retries: z.int().min(0).max(20).default(2),
    seed: z.int().default(42),
  })
  .prefault({});

export type PipelineConfig = z.output<typeof PipelineSchema>;
