import { z } from "zod";

/** Seeds write `version: 1.0`; YAML reads that as a number, so accept and keep it as text. */
export const VersionSchema = z.union([z.string().min(1), z.number()]).transform(String);

export const PipelineSchema = z
  .strictObject({
    name: z.string().min(1).default("default"),
    version: VersionSchema.default("1"),
    max_concurrency: z.int().min(1).default(10),
    timeout_seconds: z.number().positive().default(60),
    retries: z.int().min(0).default(2),
    seed: z.int().default(42),
  })
  .prefault({});

export type PipelineConfig = z.output<typeof PipelineSchema>;
