import { serve } from "@hono/node-server";
import type { Command } from "commander";
import { InputError } from "../../core/index.js";
import { isLoopbackHost } from "../../server/index.js";
import { createWebApp, newToken } from "../../web/index.js";
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
  generated: boolean;
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
    generated: read === undefined || write === undefined,
  };
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
      output.out(`ratchet: dashboard on ${server.url} (store ${project.storePath})`);
      output.out(`  read:  ${server.url}/login?token=${tokens.read}`);
      output.out(`  write: ${server.url}/login?token=${tokens.write}`);
      if (tokens.generated) {
        output.out(
          "  (new tokens each start; set RATCHET_UI_READ_TOKEN and RATCHET_UI_WRITE_TOKEN to keep them)",
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await server.close();
      await project.store.close();
      output.out("ratchet: dashboard stopped");
    });
}
