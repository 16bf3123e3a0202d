import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createReceiverApp, type ReceiverOptions } from "./receiver.js";

export interface ServerOptions extends ReceiverOptions {
  /** 0 picks a free port. Default 4318 (the OTLP/HTTP port). */
  port?: number;
  /** Default 127.0.0.1: listening on all interfaces must be asked for. */
  host?: string;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Start the receiver; resolves once it listens. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = createReceiverApp(options);
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 4318, hostname: host },
      (info: AddressInfo) => {
        server.off("error", reject);
        const shown = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${shown}:${info.port}`,
          host: info.address,
          port: info.port,
          close: () =>
            new Promise<void>((done, fail) => {
              server.close((error) => (error ? fail(error) : done()));
              // Idle keep-alive sockets would hold close() open; nothing is in flight then.
              if ("closeIdleConnections" in server) server.closeIdleConnections();
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
