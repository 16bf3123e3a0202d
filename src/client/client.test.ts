import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnRatchet } from "../../test/cli-helpers.js";
import { addPrompt, labelPrompt } from "../prompts/index.js";
import { openSqliteStore } from "../store/index.js";
import { createPromptClient, PromptFetchError, promptSpanAttributes } from "./index.js";

const TOKEN = "client-test-token-0123456789";
let dir: string;
let db: string;
let server: ChildProcess;
let baseUrl: string;
let v1: string;
let v2: string;

/** `ratchet serve` in a child process on a free port; resolves with its URL. */
function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnRatchet(["serve", "--db", db, "--port", "0"], {
    cwd: dir,
    env: { RATCHET_SERVER_TOKEN: TOKEN },
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-client-"));
  db = join(dir, "r.db");
  const store = await openSqliteStore(db);
  v1 = (
    await addPrompt(store, {
      name: "support",
      content: "Be brief.",
      author: "a",
      label: "production",
    })
  ).version.hash;
  v2 = (
    await addPrompt(store, {
      name: "support",
      content: "Be kind.",
      settings: { model: "sim:analyst" },
      author: "a",
      label: "candidate",
    })
  ).version.hash;
  await store.close();
  ({ child: server, url: baseUrl } = await startServe());
}, 60_000);

afterAll(async () => {
  if (server) await stop(server);
});

const auth = { authorization: `Bearer ${TOKEN}` };

describe("GET /v1/prompts/:name", () => {
  it("answers the labelled version with its hash as ETag, and 304 to If-None-Match", async () => {
    const res = await fetch(`${baseUrl}/v1/prompts/support?label=production`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${v1}"`);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.json()).toEqual({
      name: "support",
      version: v1,
      label: "production",
      content: "Be brief.",
      settings: null,
    });
    const again = await fetch(`${baseUrl}/v1/prompts/support`, {
      headers: { ...auth, "if-none-match": `"${v1}"` },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const byVersion = await fetch(`${baseUrl}/v1/prompts/support?version=${v2.slice(0, 8)}`, {
      headers: auth,
    });
    expect(await byVersion.json()).toMatchObject({
      version: v2,
      label: null,
      settings: { model: "sim:analyst" },
    });
  });

  it("401 without the token, 404 JSON for an unknown name or label, 400 for a bad query", async () => {
    expect((await fetch(`${baseUrl}/v1/prompts/support`)).status).toBe(401);
    const name = await fetch(`${baseUrl}/v1/prompts/suport`, { headers: auth });
    expect([name.status, await name.json()]).toEqual([
      404,
      { code: 404, message: "no prompt named 'suport'" },
    ]);
    const label = await fetch(`${baseUrl}/v1/prompts/support?label=nope`, { headers: auth });
    expect([label.status, ((await label.json()) as { message: string }).message]).toEqual([
      404,
      "prompt 'support' has no label 'nope'",
    ]);
    const bad = await fetch(`${baseUrl}/v1/prompts/support?version=xyz`, { headers: auth });
    expect(bad.status).toBe(400);
  });
});

describe("ratchet/client", () => {
  it("caches, revalidates by ETag, and sees a label move", async () => {
    const statuses: number[] = [];
    const counting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    };
    const client = createPromptClient({ baseUrl, token: TOKEN, fetch: counting });
    const first = await client.getPrompt("support");
    expect([first.source, first.version, first.content]).toEqual(["server", v1, "Be brief."]);
    expect((await client.getPrompt("support", { ttlMs: 60_000 })).source).toBe("cache");
    expect(statuses).toEqual([200]);
    const revalidated = await client.getPrompt("support", { ttlMs: 0 });
    expect([revalidated.source, revalidated.version]).toEqual(["server", v1]);
    expect(statuses).toEqual([200, 304]);

    const store = await openSqliteStore(db);
    await labelPrompt(store, "support", v2, "production", { actor: "test" });
    await store.close();
    const moved = await client.getPrompt("support", { ttlMs: 0 });
    expect([moved.version, moved.content, moved.settings]).toEqual([
      v2,
      "Be kind.",
      { model: "sim:analyst" },
    ]);
    expect(statuses).toEqual([200, 304, 200]);
    expect(promptSpanAttributes(moved)).toEqual({
      "ratchet.prompt.name": "support",
      "ratchet.prompt.version": `support@${v2}`,
      "ratchet.prompt.label": "production",
    });
  });

  it("a 4xx is a mistake and throws, even with a fallback", async () => {
    const client = createPromptClient({ baseUrl, token: TOKEN });
    await expect(client.getPrompt("support", { label: "nope", fallback: "x" })).rejects.toThrow(
      "cannot get prompt 'support': prompt 'support' has no label 'nope'",
    );
    const wrong = createPromptClient({ baseUrl, token: "wrong-token-wrong-token" });
    await expect(wrong.getPrompt("support")).rejects.toMatchObject({ status: 401 });
  });

  it("answers 5xx with the last good value, else the fallback, else an error", async () => {
    let failing = false;
    const flaky = createServer((_req, res) => {
      if (failing) {
        res.writeHead(503, { "content-type": "application/json" }).end('{"code":503}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json", etag: '"h1"' }).end(
        JSON.stringify({
          name: "support",
          version: "h1",
          label: "production",
          content: "ok",
          settings: null,
        }),
      );
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", r));
    const address = flaky.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const client = createPromptClient({ baseUrl: url, ttlMs: 0 });
      expect((await client.getPrompt("support")).content).toBe("ok");
      failing = true;
      expect(await client.getPrompt("support")).toMatchObject({ content: "ok", source: "stale" });
      const fresh = createPromptClient({ baseUrl: url });
      expect(await fresh.getPrompt("support", { fallback: "be safe" })).toMatchObject({
        content: "be safe",
        version: undefined,
        source: "fallback",
      });
      await expect(fresh.getPrompt("support")).rejects.toBeInstanceOf(PromptFetchError);
    } finally {
      await new Promise<void>((r) => flaky.close(() => r()));
    }
  });

  it("serves the last good value when the server is down, the fallback when nothing is cached", async () => {
    const client = createPromptClient({ baseUrl, token: TOKEN, ttlMs: 0 });
    const live = await client.getPrompt("support", { label: "candidate" });
    await stop(server);
    const down = await client.getPrompt("support", { label: "candidate" });
    expect([down.source, down.version]).toEqual(["stale", live.version]);
    const empty = createPromptClient({ baseUrl, token: TOKEN });
    expect((await empty.getPrompt("support", { fallback: "Be helpful." })).content).toBe(
      "Be helpful.",
    );
    await expect(empty.getPrompt("support")).rejects.toThrow(/no fallback given/);
    expect(promptSpanAttributes(await empty.getPrompt("support", { fallback: "x" }))).toEqual({
      "ratchet.prompt.name": "support",
      "ratchet.prompt.label": "production",
    });
  });

  it("imports nothing but its own routing and, lazily, the OpenTelemetry API (no store, no AI SDK)", async () => {
    const specifiers = async (file: string) => {
      const source = await readFile(new URL(file, import.meta.url), "utf8");
      return [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]);
    };
    expect(await specifiers("./index.ts")).toEqual([
      "./route.js",
      "./route.js",
      "@opentelemetry/api",
    ]);
    expect(await specifiers("./route.ts")).toEqual([]);
    // The OpenTelemetry import is dynamic: an application without the package loads fine.
    const source = await readFile(new URL("./index.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/^import .*"@opentelemetry\/api"/m);
  });
});
