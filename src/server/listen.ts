import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { watchEventLoopDelay } from "./load.js";
import { createReceiverApp, DEFAULT_BODY_TIMEOUT_MS, type ReceiverOptions } from "./receiver.js";
import { createTurnQueue } from "./turns.js";

export interface ServerOptions extends ReceiverOptions {
  /** 0 picks a free port. Default 4318 (the OTLP/HTTP port). */
  port?: number;
  /** Default 127.0.0.1: listening on all interfaces must be asked for. */
  host?: string;
  /** Most milliseconds to receive a request's headers; then 408 and the socket closes. Default 10 s. */
  headersTimeoutMs?: number;
  /**
   * New requests are refused (503 + Retry-After) while work waits longer than this for the
   * event loop, or would wait longer for its turn to be stored (receiver.ts, turns.ts): a
   * backlog is answered at once instead of making exporters time out. Default 2000 ms, well
   * inside the exporters' 10 s timeout. The event loop's part is ignored when `overloaded` is
   * given.
   */
  maxQueueDelayMs?: number;
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_QUEUE_DELAY_MS = 2_000;

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Start the receiver; resolves once it listens. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const probe = options.overloaded ? undefined : watchEventLoopDelay();
  const maxDelay = options.maxQueueDelayMs ?? DEFAULT_MAX_QUEUE_DELAY_MS;
  const overloaded =
    options.overloaded ??
    ((waitedSince?: number) => {
      const delay = probe?.delayMs() ?? 0;
      if (delay > maxDelay) {
        return `overloaded: work waits ${Math.round(delay)} ms for the server (limit ${maxDelay} ms); retry after 1 s`;
      }
      const waited = waitedSince === undefined ? 0 : (probe?.waitedMs() ?? 0) - waitedSince;
      return waited > maxDelay
        ? `overloaded: this request waited ${Math.round(waited)} ms for the server (limit ${maxDelay} ms); retry after 1 s`
        : undefined;
    });
  const loadMark = options.overloaded ? options.loadMark : () => probe?.waitedMs() ?? 0;
  const turns = options.turns ?? createTurnQueue();
  const app = createReceiverApp({
    maxQueueWaitMs: maxDelay,
    ...options,
    turns,
    overloaded,
    ...(loadMark !== undefined ? { loadMark } : {}),
  });
  const host = options.host ?? "127.0.0.1";
  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const bodyTimeout = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const serverOptions = {
    // Node answers 408 itself when headers are late; it checks every connectionsCheckingInterval.
    headersTimeout,
    // A backstop only: the receiver answers a late body with 408 first (its own timer).
    requestTimeout: headersTimeout + bodyTimeout + 1_000,
    connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(headersTimeout / 4))),
  };
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 4318, hostname: host, serverOptions },
      (info: AddressInfo) => {
        server.off("error", onError);
        const shown = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${shown}:${info.port}`,
          host: info.address,
          port: info.port,
          close: () =>
            new Promise<void>((done, fail) => {
              probe?.stop();
              server.close((error) => (error ? fail(error) : done()));
              // Idle keep-alive sockets would hold close() open; nothing is in flight then.
              if ("closeIdleConnections" in server) server.closeIdleConnections();
            }),
        });
      },
    );
    const onError = (error: Error) => {
      probe?.stop();
      reject(error);
    };
    server.once("error", onError);
    server.on("connection", () => turns.connectionAccepted());
  });
}
