import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore, type Store, type TraceStore } from "../store/index.js";
import {
  type RunningServer,
  type ServerOptions,
  startServer,
  watchEventLoopDelay,
} from "./index.js";

const TOKEN = "slow-test-token-0123456789";
const BODY = JSON.stringify({
  resourceSpans: [
    {
      scopeSpans: [
        {
          spans: [
            {
              traceId: "5".repeat(32),
              spanId: "6".repeat(16),
              name: "op",
              startTimeUnixNano: "1700000000000000000",
              endTimeUnixNano: "1700000000500000000",
            },
          ],
        },
      ],
    },
  ],
});

/**
 * Calls `each` with the status of every complete response on a keep-alive socket (one per
 * request, each with a Content-Length).
 */
function onResponses(socket: Socket, each: (status: number) => void): void {
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
    for (;;) {
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) break;
      const head = received.slice(0, end);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (received.length < end + 4 + length) break;
      received = received.slice(end + 4 + length);
      each(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]));
    }
  });
}

function requestHead(port: number, contentLength: number): string {
  return (
    "POST /v1/traces HTTP/1.1\r\n" +
    `Host: 127.0.0.1:${port}\r\n` +
    `Authorization: Bearer ${TOKEN}\r\n` +
    "Content-Type: application/json\r\n" +
    `Content-Length: ${contentLength}\r\n\r\n`
  );
}

/** A raw client; `status` resolves with the first response's status (undefined if none came). */
function rawClient(port: number): { socket: Socket; status: Promise<number | undefined> } {
  const socket = connect(port, "127.0.0.1");
  let received = "";
  const status = new Promise<number | undefined>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      if (match) resolve(Number(match[1]));
    });
    socket.on("error", () => resolve(undefined));
    socket.on("close", () => resolve(undefined));
  });
  return { socket, status };
}

const connected = (socket: Socket) =>
  new Promise<void>((resolve) => socket.once("connect", () => resolve()));

describe("receiver under slow clients and backlog", () => {
  let dir: string;
  let store: Store;
  const servers: RunningServer[] = [];
  const sockets: Socket[] = [];

  async function start(options: Partial<ServerOptions>): Promise<RunningServer> {
    const server = await startServer({ traces: store.traces, token: TOKEN, port: 0, ...options });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-recv-slow-"));
    store = await openSqliteStore(join(dir, "r.db"));
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 408 to a client that sends headers and half its body, then stalls", async () => {
    const server = await start({ bodyTimeoutMs: 200 });
    const { socket, status } = rawClient(server.port);
    sockets.push(socket);
    await connected(socket);
    socket.write(requestHead(server.port, BODY.length) + BODY.slice(0, BODY.length / 2));
    expect(await status).toBe(408);
  });

  it("answers 408 to a client that never finishes its headers", async () => {
    const server = await start({ headersTimeoutMs: 200 });
    const { socket, status } = rawClient(server.port);
    sockets.push(socket);
    await connected(socket);
    socket.write(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    expect(await status).toBe(408);
  });

  it("serves a normal exporter while 8 slow clients hold their uploads open", async () => {
    let started = 0;
    let allStarted: () => void = () => undefined;
    const eightStarted = new Promise<void>((resolve) => {
      allStarted = resolve;
    });
    // The probe is asked once per request as its handler starts: it tells when all 8 are in.
    const server = await start({
      maxConcurrentRequests: 8,
      bodyTimeoutMs: 600_000,
      overloaded: () => {
        if (++started === 8) allStarted();
        return undefined;
      },
    });
    const slow = Array.from({ length: 8 }, () => rawClient(server.port));
    for (const client of slow) {
      sockets.push(client.socket);
      await connected(client.socket);
      client.socket.write(requestHead(server.port, BODY.length) + BODY.slice(0, 10));
    }
    await eightStarted;
    const res = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: BODY,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect((await store.traces.getTrace("5".repeat(32)))?.spans).toHaveLength(1);
  });

  it("answers 503 with Retry-After while the probe says the server is overloaded", async () => {
    let overloaded = true;
    const server = await start({
      overloaded: () => (overloaded ? "overloaded: test backlog" : undefined),
    });
    const post = () =>
      fetch(`${server.url}/v1/traces`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: BODY,
      });
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(((await refused.json()) as { message: string }).message).toMatch(/overloaded/);
    overloaded = false;
    expect((await post()).status).toBe(200);
  });

  it("reads a refused request's body before its 503, so the connection stays usable", async () => {
    let overloaded = true;
    let asked: () => void = () => undefined;
    const probed = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const server = await start({
      overloaded: () => {
        asked();
        return overloaded ? "overloaded: test backlog" : undefined;
      },
    });
    const socket = connect(server.port, "127.0.0.1");
    sockets.push(socket);
    await connected(socket);
    const responses: number[] = [];
    let arrived: () => void = () => undefined;
    onResponses(socket, (status) => {
      responses.push(status);
      arrived();
    });
    const next = () =>
      new Promise<void>((resolve) => {
        arrived = resolve;
      });
    const half = Math.floor(BODY.length / 2);
    socket.write(requestHead(server.port, BODY.length) + BODY.slice(0, half));
    await probed;
    // A full round trip on another connection, then the rest of this loop turn: a 503 sent
    // without waiting for the body would have reached this socket by now.
    await (await fetch(`${server.url}/healthz`)).text();
    await new Promise((resolve) => setImmediate(resolve));
    expect(responses).toEqual([]);
    let answered = next();
    socket.write(BODY.slice(half));
    await answered;
    expect(responses).toEqual([503]);
    overloaded = false;
    answered = next();
    socket.write(requestHead(server.port, BODY.length) + BODY);
    await answered;
    expect(responses).toEqual([503, 200]);
  });

  it("asks the probe again once the body is in, and refuses if the backlog grew meanwhile", async () => {
    let asked = 0;
    const server = await start({
      overloaded: () => (++asked >= 2 ? "overloaded: the backlog grew" : undefined),
    });
    const res = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: BODY,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(((await res.json()) as { message: string }).message).toMatch(/backlog grew/);
    expect(asked).toBe(2);
  });

  it("hands the start-of-request load mark back once the body is in", async () => {
    const seen: Array<number | undefined> = [];
    const server = await start({
      loadMark: () => 42,
      overloaded: (since) => {
        seen.push(since);
        return since === 42 ? "overloaded: this request waited too long" : undefined;
      },
    });
    const res = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: BODY,
    });
    expect(res.status).toBe(503);
    expect(seen).toEqual([undefined, 42]);
  });

  it("refuses with 503 a request that waited behind a blocked event loop", async () => {
    const server = await start({ maxQueueDelayMs: 500 });
    const { socket } = rawClient(server.port);
    sockets.push(socket);
    await connected(socket);
    let next: (status: number) => void = () => undefined;
    onResponses(socket, (status) => next(status));
    const send = () =>
      new Promise<number>((resolve) => {
        next = resolve;
        socket.write(requestHead(server.port, BODY.length) + BODY);
      });
    // Warm up the connection (the server is reading from it), retrying if the machine stalled.
    while ((await send()) !== 200);
    // The request is in the socket's buffer before the loop is blocked; it is read after.
    const answer = send();
    const until = performance.now() + 2_000;
    while (performance.now() < until);
    expect(await answer).toBe(503);
  });

  it("refuses a request that waited, over many short stalls, longer than the bound", async () => {
    const server = await start({ maxQueueDelayMs: 2_000 });
    const { socket, status } = rawClient(server.port);
    sockets.push(socket);
    await connected(socket);
    let message = "";
    socket.on("data", (chunk: Buffer) => {
      message += chunk.toString("utf8");
    });
    const half = Math.floor(BODY.length / 2);
    socket.write(requestHead(server.port, BODY.length) + BODY.slice(0, half));
    // A round trip on another connection: this request's handler has started by then.
    await (await fetch(`${server.url}/healthz`)).text();
    // Six stalls of 600 ms, each well under the bound, 3.6 s in all.
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      const until = performance.now() + 600;
      while (performance.now() < until);
    }
    await new Promise((resolve) => setTimeout(resolve, 60));
    socket.write(BODY.slice(half));
    expect(await status).toBe(503);
    await new Promise<void>((resolve) => {
      const check = () => (message.includes("}") ? resolve() : socket.once("data", check));
      check();
    });
    expect(message).toMatch(/this request waited \d+ ms for the server/);
  });

  it("the load probe reports at least the time the event loop was blocked", async () => {
    const probe = watchEventLoopDelay(20);
    try {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const until = performance.now() + 300;
      while (performance.now() < until);
      // The pending tick is at least 300 - 20 ms late, whatever else the machine is doing.
      expect(probe.delayMs()).toBeGreaterThanOrEqual(280);
      const before = probe.waitedMs();
      const again = performance.now() + 300;
      while (performance.now() < again);
      expect(probe.waitedMs() - before).toBeGreaterThanOrEqual(280);
    } finally {
      probe.stop();
    }
  });

  it("serves a burst of new connections in arrival order, not the connected ones again and again", async () => {
    // Each stored request costs the server 8 ms of CPU (as decoding and storing ~500 spans
    // does). Before turns.ts, every body that arrived in one turn of the event loop was stored
    // in that turn, and Node accepted the waiting connections one per turn: the clients that
    // got in first sent request after request while the rest waited seconds for their first.
    const order: Array<{ client: number; seq: number }> = [];
    const slow: TraceStore = Object.create(store.traces);
    slow.insertSpans = async (spans, options) => {
      const until = performance.now() + 8;
      while (performance.now() < until) {
        // busy, as synchronous decoding and storing are
      }
      const id = spans[0]?.trace_id ?? "";
      order.push({
        client: Number.parseInt(id.slice(0, 8), 16),
        seq: Number.parseInt(id.slice(8, 16), 16),
      });
      return store.traces.insertSpans(spans, options);
    };
    const server = await startServer({
      traces: slow,
      token: TOKEN,
      port: 0,
      // No refusals: the test is about the order requests are served in.
      overloaded: () => undefined,
      maxQueueWaitMs: 600_000,
      maxConcurrentRequests: 1024,
    });
    servers.push(server);
    const CLIENTS = 24;
    const REQUESTS = 4;
    const body = (client: number, seq: number) =>
      BODY.replace(
        "5".repeat(32),
        client.toString(16).padStart(8, "0") + seq.toString(16).padStart(8, "0") + "5".repeat(16),
      );
    await Promise.all(
      Array.from({ length: CLIENTS }, (_, client) => {
        const socket = connect(server.port, "127.0.0.1");
        sockets.push(socket);
        return new Promise<void>((resolve, reject) => {
          let seq = 0;
          const send = () => {
            const text = body(client, seq);
            socket.write(requestHead(server.port, text.length) + text);
          };
          onResponses(socket, (status) => {
            if (status !== 200) reject(new Error(`HTTP ${status}`));
            else if (++seq === REQUESTS) resolve();
            else send();
          });
          socket.once("connect", send);
          socket.once("error", reject);
        });
      }),
    );
    expect(order).toHaveLength(CLIENTS * REQUESTS);
    const lastFirst = Math.max(...order.flatMap((r, i) => (r.seq === 0 ? [i] : [])));
    const firstThird = Math.min(...order.flatMap((r, i) => (r.seq === 2 ? [i] : [])));
    expect(lastFirst).toBeLessThan(firstThird);
  });
});
