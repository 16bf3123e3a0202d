import { z } from "zod";
import { compileCustomPattern } from "../../redact/index.js";

/** PII and secret masking applied to traces before anything is stored. */
export const RedactionSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    patterns: z
      .array(
        z
          .strictObject({ name: z.string().min(1), regex: z.string().min(1) })
          .superRefine((p, ctx) => {
            try {
              compileCustomPattern(p.name, p.regex);
            } catch (error) {
              ctx.addIssue({
                code: "custom",
                path: ["regex"],
                message: error instanceof Error ? error.message : String(error),
              });
            }
          }),
      )
      .default([]),
  })
  .prefault({});

export type RedactionConfig = z.output<typeof RedactionSchema>;
