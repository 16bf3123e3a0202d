import { z } from "zod";

/** `ratchet serve`: the OTLP/HTTP receiver. The token is better given by environment variable. */
export const ServerSchema = z
  .strictObject({
    port: z.number().int().min(0).max(65535).default(4318),
    host: z.string().min(1).default("127.0.0.1"),
    /** A literal bearer token; prefer `token_env` so the file holds no secret. */
    token: z.string().min(16, { error: "a token of at least 16 characters" }).optional(),
    token_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "an environment variable name" })
      .default("RATCHET_SERVER_TOKEN"),
    /** Largest request body, compressed and decompressed alike (bytes). */
    max_body_bytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(10 * 1024 * 1024),
    /**
     * Requests admitted at once, counted from the moment their body has arrived until they are
     * stored (their bodies are held in memory while they wait their turn); more get
     * 503 + Retry-After (exporters retry).
     */
    max_concurrent_requests: z.number().int().min(1).max(1024).default(32),
    /** Most milliseconds to receive a request's headers; then 408. */
    headers_timeout_ms: z.number().int().min(10).max(600_000).default(10_000),
    /** Most milliseconds to receive a body after its headers; then 408. */
    body_timeout_ms: z.number().int().min(10).max(600_000).default(10_000),
    /**
     * New requests get 503 + Retry-After while work waits longer than this for the server
     * (a backlog), instead of queueing until exporters time out.
     */
    max_queue_delay_ms: z.number().int().min(10).max(600_000).default(2_000),
  })
  .prefault({});

export type ServerConfig = z.output<typeof ServerSchema>;
