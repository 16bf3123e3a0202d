import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpFetch } from "./index.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

describe("createHttpFetch against a local server", () => {
  let server: Server;
  let base: string;
  let otherBase: string;
  let other: Server;
  const seen: Seen[] = [];
  let openStream: ServerResponse | undefined;
  const httpFetch = createHttpFetch();

  const handler =
    (label: string) =>
    async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      seen.push({
        method: req.method ?? "",
        url: `${label}${req.url}`,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const url = req.url ?? "";
      if (url === "/json") {
        res.writeHead(201, { "content-type": "application/json", "x-trace": "a" });
        res.end(JSON.stringify({ ok: true }));
      } else if (url === "/gzip") {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        res.end(gzipSync(JSON.stringify({ zipped: "yes" })));
      } else if (url === "/redirect-307") {
        res.writeHead(307, { location: "/json" });
        res.end();
      } else if (url === "/redirect-303") {
        res.writeHead(303, { location: "/json" });
        res.end();
      } else if (url === "/redirect-away") {
        res.writeHead(307, { location: `${otherBase}/json` });
        res.end();
      } else if (url === "/loop") {
        res.writeHead(302, { location: "/loop" });
        res.end();
      } else if (url === "/sse") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: one\n\n");
        // The rest is sent by the test once it has read the first event.
        openStream = res;
      } else if (url === "/cut") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"partial":');
        // The rest never comes: the connection drops mid-body.
        setImmediate(() => res.socket?.destroy());
      } else if (url === "/slow") {
        setTimeout(() => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ slow: true }));
        }, 150);
      } else if (url === "/hang") {
        // Never answers: the caller's signal must end it.
      } else if (url === "/cookies") {
        res.setHeader("set-cookie", ["a=1", "b=2"]);
        res.setHeader("x-many", ["one", "two"]);
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      } else if (url === "/empty") {
        res.writeHead(204);
        res.end();
      } else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("no such route");
      }
    };

  beforeAll(async () => {
    server = createServer((req, res) => void handler("main")(req, res));
    other = createServer((req, res) => void handler("other")(req, res));
    server.listen(0, "127.0.0.1");
    other.listen(0, "127.0.0.1");
    await Promise.all([once(server, "listening"), once(other, "listening")]);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    httpFetch.close();
    server.closeAllConnections();
    other.closeAllConnections();
    server.close();
    other.close();
  });

  it("sends method, headers and body, and returns a real Response", async () => {
    const response = await httpFetch(`${base}/json`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer t" },
      body: JSON.stringify({ q: "é" }),
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-trace")).toBe("a");
    expect(response.url).toBe(`${base}/json`);
    expect(await response.json()).toEqual({ ok: true });
    const request = seen.at(-1);
    expect(request?.method).toBe("POST");
    expect(request?.body).toBe('{"q":"é"}');
    expect(request?.headers["content-length"]).toBe(String(Buffer.byteLength('{"q":"é"}')));
    expect(request?.headers.authorization).toBe("Bearer t");
    expect(request?.headers["accept-encoding"]).toContain("gzip");
  });

  it("keeps repeated response headers as fetch does", async () => {
    const response = await httpFetch(`${base}/cookies`);
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(response.headers.get("x-many")).toBe("one, two");
    expect(await response.text()).toBe("ok");
  });

  it("decodes gzip bodies", async () => {
    const response = await httpFetch(`${base}/gzip`);
    expect(await response.json()).toEqual({ zipped: "yes" });
  });

  it("keeps method and body on 307 and turns a POST into a GET on 303", async () => {
    const kept = await httpFetch(`${base}/redirect-307`, { method: "POST", body: "x" });
    expect(kept.status).toBe(201);
    expect(seen.at(-1)).toMatchObject({ method: "POST", url: "main/json", body: "x" });
    const changed = await httpFetch(`${base}/redirect-303`, { method: "POST", body: "x" });
    expect(changed.status).toBe(201);
    expect(seen.at(-1)).toMatchObject({ method: "GET", url: "main/json", body: "" });
  });

  it("drops credentials when a redirect leaves the origin", async () => {
    await httpFetch(`${base}/redirect-away`, {
      method: "POST",
      body: "x",
      headers: { authorization: "Bearer secret", "x-api-key": "k", "x-keep": "1" },
    });
    const request = seen.at(-1);
    expect(request?.url).toBe("other/json");
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers["x-api-key"]).toBeUndefined();
    expect(request?.headers["x-keep"]).toBe("1");
  });

  it("fails a redirect loop as fetch does", async () => {
    const loopFetch = createHttpFetch({ maxRedirects: 3 });
    await expect(loopFetch(`${base}/loop`)).rejects.toThrow(TypeError);
    loopFetch.close();
  });

  it("hands event streams over as they arrive", async () => {
    const response = await httpFetch(`${base}/sse`);
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
    openStream?.end("data: two\n\n");
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe("data: two\n\n");
  });

  it("returns a null body for 204 and error statuses as responses", async () => {
    const empty = await httpFetch(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const missing = await httpFetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("no such route");
  });

  it("rejects with the signal's reason when aborted, before or during the call", async () => {
    const before = new AbortController();
    before.abort(new Error("stopped early"));
    await expect(httpFetch(`${base}/json`, { signal: before.signal })).rejects.toThrow(
      "stopped early",
    );
    const during = new AbortController();
    const pending = httpFetch(`${base}/hang`, { signal: during.signal });
    during.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("never applies the idle-socket timeout to a request that is waiting for its answer", async () => {
    const impatient = createHttpFetch({ idleSocketMs: 20 });
    const response = await impatient(`${base}/slow`);
    expect(await response.json()).toEqual({ slow: true });
    impatient.close();
  });

  it("fails a body cut off mid-way as TypeError('fetch failed')", async () => {
    await expect(httpFetch(`${base}/cut`)).rejects.toThrow(/fetch failed/);
  });

  it("reports a refused connection as TypeError('fetch failed') with the cause", async () => {
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, "close");
    const error = await httpFetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("fetch failed");
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("hands what it does not handle itself to the fallback", async () => {
    const calls: string[] = [];
    const withFallback = createHttpFetch({
      fallback: async (input) => {
        calls.push(String(input instanceof Request ? input.url : input));
        return new Response("from fallback");
      },
    });
    const streamed = new ReadableStream({
      start: (controller) => {
        controller.enqueue(new TextEncoder().encode("x"));
        controller.close();
      },
    });
    const response = await withFallback(`${base}/json`, {
      method: "POST",
      body: streamed,
      duplex: "half",
    } as RequestInit);
    expect(await response.text()).toBe("from fallback");
    expect(calls).toEqual([`${base}/json`]);
    withFallback.close();
  });
});
