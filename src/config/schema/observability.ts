import { z } from "zod";

const PerToken = z.number().min(0);

export const ObservabilitySchema = z
  .strictObject({
    tracing: z
      .strictObject({
        protocol: z.enum(["otlp", "otlp_http", "otlp_grpc"]).default("otlp"),
        endpoint: z.string().min(1).optional(),
      })
      .optional(),
    otlp_endpoint: z.string().min(1).optional(),
    cost_tracking: z
      .strictObject({
        enabled: z.boolean().default(true),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, { error: "a 3-letter currency code, e.g. USD" })
          .default("USD"),
        /** The seed's per-token default price (USD per token, not per million). */
        token_pricing: z
          .strictObject({
            input: PerToken,
            output: PerToken,
            cached_input: PerToken.optional(),
          })
          .optional(),
      })
      .prefault({}),
  })
  .prefault({});

export type ObservabilityConfig = z.output<typeof ObservabilitySchema>;
