import type { Command } from "commander";
import { defaultConfig, type RatchetConfig, redactionOptions } from "../../config/index.js";
import { InputError } from "../../core/index.js";
import { keepRollupsFresh } from "../../cost/index.js";
import { createRedactor, type Redactor } from "../../redact/index.js";
import { isLoopbackHost, startServer } from "../../server/index.js";
import type { Store } from "../../store/index.js";
import { createWebApp } from "../../web/index.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { openProject, type ProjectFlags } from "../project.js";
import { signInLines, uiTokens } from "./ui.js";

/** Same floor as `server.token` in the config schema: a guessable token is no auth. */
const MIN_TOKEN_LENGTH = 16;

export interface TraceContext {
  store: Store;
  storePath: string;
  /** The config's folder, or the working directory when there is no config. */
  dir: string;
  config: RatchetConfig | undefined;
  redactor: Redactor;
}

/**
 * The store and redaction rules for trace commands. A project config is used when there is
 * one; without one the defaults apply (`.ratchet/ratchet.db`, built-in redaction), so that
 * `serve` and `ingest` work in a directory that only has trace files.
 */
export async function openTraceContext(
  flags: ProjectFlags,
  secretVariables: readonly string[] = [],
): Promise<TraceContext> {
  const project = await openProject(flags);
  const config = project.loaded?.config;
  return {
    store: project.store,
    storePath: project.storePath,
    dir: project.dir,
    config,
    // The values of the keys the config names (and the server token) are masked too.
    redactor: createRedactor(redactionOptions(config, process.env, secretVariables)),
  };
}

interface ServeFlags {
  config?: string;
  db?: string;
  port?: number;
  host?: string;
  tokenEnv?: string;
  verbose?: boolean;
  ui?: boolean;
}

/** Said on stderr when the receiver is reachable from other machines. */
function exposureWarning(host: string, tokenSource: string): string {
  const where =
    host === "0.0.0.0" || host === "::" || host === "[::]"
      ? `every network interface (--host ${host})`
      : `a non-loopback address (--host ${host})`;
  return (
    `ratchet: warning: listening on ${where}: other machines can reach this receiver. ` +
    `A bearer token is set (from ${tokenSource}) and every POST must carry it; traffic is plain ` +
    "HTTP, so put a TLS proxy in front or keep the port firewalled. Use --host 127.0.0.1 to stay local."
  );
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      done(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

function dashboard(ctx: TraceContext) {
  const tokens = uiTokens();
  const app = createWebApp({
    store: ctx.store,
    readToken: tokens.read,
    writeToken: tokens.write,
    storeLabel: ctx.storePath,
    // Approved eval cases are written under the project folder, as `ratchet ui` does.
    project: { config: ctx.config ?? defaultConfig(), dir: ctx.dir, loaded: undefined },
  });
  return { app, tokens };
}

export function registerServe(
  program: Command,
  output: Output,
  options: { until?: () => Promise<unknown> } = {},
): void {
  program
    .command("serve")
    .description(
      "OTLP/HTTP trace receiver (POST /v1/traces, protobuf or JSON, gzip) and live prompts (GET /v1/prompts/<name>); bearer token required",
    )
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above, if any)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option(
      "-p, --port <n>",
      "port (default 4318; 0 picks one)",
      parseIntOption("--port", 0, 65535),
    )
    .option("--host <host>", "interface to listen on (default 127.0.0.1)")
    .option("--token-env <name>", "environment variable holding the bearer token")
    .option("--verbose", "log every request")
    .option(
      "--ui",
      "also serve the dashboard's pages (tokens from RATCHET_UI_READ_TOKEN / _WRITE_TOKEN, else new)",
    )
    .action(async (flags: ServeFlags) => {
      const ctx = await openTraceContext(flags, flags.tokenEnv ? [flags.tokenEnv] : []);
      try {
        const server = ctx.config?.server;
        const tokenEnv = flags.tokenEnv ?? server?.token_env ?? "RATCHET_SERVER_TOKEN";
        const token = process.env[tokenEnv] || server?.token;
        const tokenSource = process.env[tokenEnv] ? tokenEnv : "server.token";
        if (token && token.length < MIN_TOKEN_LENGTH) {
          throw new InputError(
            `the bearer token in ${tokenSource} is too short (${token.length} characters; the minimum is ${MIN_TOKEN_LENGTH}): a guessable token is no auth. Make a random one, e.g. ${tokenEnv}=$(openssl rand -hex 16)`,
            { key: "server.token" },
          );
        }
        if (!token) {
          throw new InputError(
            `no bearer token: set ${tokenEnv} (or server.token in ratchet.yaml, or --token-env NAME)`,
            { key: "server.token" },
          );
        }
        const host = flags.host ?? server?.host ?? "127.0.0.1";
        const ui = flags.ui ? dashboard(ctx) : undefined;
        const running = await startServer({
          traces: ctx.store.traces,
          prompts: ctx.store.prompts,
          live: ctx.store.live,
          ...(ui ? { fallback: ui.app.fetch } : {}),
          token,
          port: flags.port ?? server?.port ?? 4318,
          host,
          ...(server?.max_body_bytes !== undefined ? { maxBodyBytes: server.max_body_bytes } : {}),
          ...(server?.max_concurrent_requests !== undefined
            ? { maxConcurrentRequests: server.max_concurrent_requests }
            : {}),
          ...(server !== undefined
            ? {
                headersTimeoutMs: server.headers_timeout_ms,
                bodyTimeoutMs: server.body_timeout_ms,
                maxQueueDelayMs: server.max_queue_delay_ms,
              }
            : {}),
          redactor: ctx.redactor,
          log: (line) => {
            if (flags.verbose || !line.startsWith("stored")) output.err(line);
          },
        }).catch((error: NodeJS.ErrnoException) => {
          if (error.code === "EADDRINUSE" || error.code === "EACCES") {
            throw new InputError(`cannot listen: ${error.message}`, { key: "--port" });
          }
          throw error;
        });
        // Production spans arrive all day: their cost rollups are kept up in the background,
        // in small steps with room between them, so that storing spans comes first (a cost
        // report computes whatever is still waiting when it is asked for).
        const rollups = keepRollupsFresh(ctx.store.costs, {
          chunk: 100,
          busyPauseMs: 25,
          onError: (error) => output.err(`ratchet: cost rollups: ${String(error)}`),
        });
        if (!isLoopbackHost(host)) output.err(exposureWarning(host, tokenSource));
        output.out(
          `ratchet: listening on ${running.url} (POST /v1/traces, GET /v1/prompts/<name>, GET /healthz); store ${ctx.storePath}`,
        );
        if (ui) {
          output.out("  dashboard:");
          for (const line of signInLines(running.url, ui.tokens)) output.out(`  ${line}`);
        }
        const signal = await (options.until ?? untilSignal)();
        await rollups.stop();
        await running.close();
        output.out(`ratchet: stopped${typeof signal === "string" ? ` (${signal})` : ""}`);
      } finally {
        await ctx.store.close();
      }
    });
}
