import { z } from "zod";
import { LIMITS } from "./limits.js";

export const ProviderSchema = z
  .strictObject({
    type: z.enum(["openai", "anthropic", "ollama", "openai-compatible", "sim"]),
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
    max_concurrency: z.int().min(1).max(LIMITS.concurrency).optional(),
    /** sim only: fixed latency per call in ms (0 = answer at once); default from the profile. */
    latency_ms: z.number().min(0).max(LIMITS.latencyMs).optional(),
    /** sim only: folder searched for `<profile>.yaml` before the bundled profiles. */
    profiles_dir: z.string().min(1).optional(),
    /** sim only: overrides the profile's flake rate. */
    flake_rate: z.number().min(0).max(1).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.type !== "sim") {
      for (const key of ["latency_ms", "profiles_dir", "flake_rate"] as const) {
        if (p[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `\`${key}\` only applies to the sim provider`,
          });
        }
      }
    }
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
