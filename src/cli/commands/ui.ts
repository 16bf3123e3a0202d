import { serve } from "@hono/node-server";
import type { Command } from "commander";
import { InputError } from "../../core/index.js";
import { keepRollupsFresh } from "../../cost/index.js";
import { isLoopbackHost } from "../../server/index.js";
import { createWebApp, newToken } from "../../web/index.js";
import { catchUpCostRollups } from "../cost-rollups.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { openProject } from "../project.js";

interface UiFlags {
  config?: string;
  db?: string;
  port?: number;
  host?: string;
}

/** The dashboard's tokens: from the environment when set (shared servers), else new ones. */
export function uiTokens(env: NodeJS.ProcessEnv = process.env): {
  read: string;
  write: string;
  fromEnv: { read: boolean; write: boolean };
} {
  const read = env.RATCHET_UI_READ_TOKEN;
  const write = env.RATCHET_UI_WRITE_TOKEN;
  for (const [name, value] of [
    ["RATCHET_UI_READ_TOKEN", read],
    ["RATCHET_UI_WRITE_TOKEN", write],
  ] as const) {
    if (value !== undefined && value.length < 16) {
      throw new InputError(`${name} is too short (${value.length} characters; at least 16)`, {
        key: name,
      });
    }
  }
  if (read !== undefined && write !== undefined && read === write) {
    throw new InputError("RATCHET_UI_READ_TOKEN and RATCHET_UI_WRITE_TOKEN must differ", {
      key: "RATCHET_UI_WRITE_TOKEN",
    });
  }
  return {
    read: read ?? newToken(),
    write: write ?? newToken(),
    fromEnv: { read: read !== undefined, write: write !== undefined },
  };
}

/**
 * How to sign in. Tokens made here are printed (nobody else knows them); tokens from the
 * environment are the user's secrets and are only named, never written out.
 */
export function signInLines(
  url: string,
  tokens: { read: string; write: string; fromEnv: { read: boolean; write: boolean } },
): string[] {
  const line = (role: "read" | "write", token: string, env: string, fromEnv: boolean) =>
    `  ${role}: ${url}/login?token=${fromEnv ? `$${env}` : token}`;
  const lines = [
    line("read", tokens.read, "RATCHET_UI_READ_TOKEN", tokens.fromEnv.read),
    line("write", tokens.write, "RATCHET_UI_WRITE_TOKEN", tokens.fromEnv.write),
  ];
  if (!tokens.fromEnv.read || !tokens.fromEnv.write) {
    lines.push(
      "  (new tokens each start; set RATCHET_UI_READ_TOKEN and RATCHET_UI_WRITE_TOKEN to keep them)",
    );
  }
  return lines;
}

export function registerUi(program: Command, output: Output): void {
  program
    .command("ui")
    .description("the dashboard on http://127.0.0.1:4319 (prints sign-in links; opens nothing)")
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option(
      "-p, --port <n>",
      "port (default 4319; 0 picks one)",
      parseIntOption("--port", 0, 65535),
    )
    .option("--host <host>", "interface to listen on (default 127.0.0.1)")
    .action(async (flags: UiFlags) => {
      const project = await openProject(flags);
      const tokens = uiTokens();
      const host = flags.host ?? "127.0.0.1";
      await catchUpCostRollups(project.store, output);
      const app = createWebApp({
        store: project.store,
        readToken: tokens.read,
        writeToken: tokens.write,
        storeLabel: project.storePath,
        project: { config: project.config, dir: project.dir, loaded: project.loaded },
      });
      const server = await new Promise<{ url: string; close: () => Promise<void> }>(
        (resolve, reject) => {
          const s = serve(
            { fetch: app.fetch, port: flags.port ?? 4319, hostname: host },
            (info) => {
              const shown = info.family === "IPv6" ? `[${info.address}]` : info.address;
              resolve({
                url: `http://${shown}:${info.port}`,
                close: () => new Promise((done) => s.close(() => done())),
              });
            },
          );
          s.once("error", (error: NodeJS.ErrnoException) =>
            reject(
              error.code === "EADDRINUSE" || error.code === "EACCES"
                ? new InputError(`cannot listen: ${error.message}`, { key: "--port" })
                : error,
            ),
          );
        },
      ).catch(async (error: unknown) => {
        await project.store.close();
        throw error;
      });
      if (!isLoopbackHost(host)) {
        output.err(
          `ratchet: warning: the dashboard listens on ${host}, beyond this machine; anyone with a token can read the store`,
        );
      }
      const rollups = keepRollupsFresh(project.store.costs, {
        onError: (error) => output.err(`ratchet: cost rollups: ${String(error)}`),
      });
      output.out(`ratchet: dashboard on ${server.url} (store ${project.storePath})`);
      for (const line of signInLines(server.url, tokens)) output.out(line);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await rollups.stop();
      await server.close();
      await project.store.close();
      output.out("ratchet: dashboard stopped");
    });
}
