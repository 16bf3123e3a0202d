import { z } from "zod";

export const ProviderSchema = z
  .strictObject({
    type: z.enum(["openai", "anthropic", "ollama", "openai-compatible"]),
    base_url: z.url().optional(),
    /** The NAME of the variable holding the key; keys themselves never live in the config. */
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
        error: "must name an environment variable (e.g. OPENAI_API_KEY), not hold the key",
      })
      .optional(),
    /** May hold `${VAR}` placeholders, expanded at request time. */
    headers: z.record(z.string(), z.string()).optional(),
    max_concurrency: z.int().min(1).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.type === "openai-compatible" && p.base_url === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["base_url"],
        message: "an openai-compatible provider needs `base_url`",
      });
    }
  });

export const ProvidersSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
      error: "provider names are letters, digits, _ . -",
    }),
    ProviderSchema,
  )
  .default({});

export type ProviderConfig = z.output<typeof ProviderSchema>;
