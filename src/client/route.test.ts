import { AsyncLocalStorage } from "node:async_hooks";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  trace,
} from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../config/index.js";
import { startCanary } from "../live/canary/index.js";
import { addPrompt } from "../prompts/index.js";
import { createReceiverApp } from "../server/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { createPromptClient } from "./index.js";
import { routeBucket, routesToCandidate } from "./route.js";

/** The context manager an instrumented Node application registers (AsyncLocalStorage). */
class AsyncContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

describe("routeBucket", () => {
  it("is stable and spreads neighbouring keys evenly", () => {
    expect(routeBucket("c1", "user-1")).toBe(routeBucket("c1", "user-1"));
    expect(routeBucket("c1", "user-1")).not.toBe(routeBucket("c2", "user-1"));
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const b = Math.floor(routeBucket("canary_x", `user-${i}`) * 10);
      bins[b] = (bins[b] as number) + 1;
    }
    // Pearson's χ² against uniform, 9 degrees of freedom: 27.88 is its 0.999 quantile.
    const chi2 = bins.reduce((sum, observed) => sum + (observed - 1000) ** 2 / 1000, 0);
    expect(chi2).toBeLessThan(27.88);
  });
});

describe("the client during a canary", () => {
  const token = "client-route-token-0123456789";
  let store: Store;
  let v1: string;
  let v2: string;
  let canaryId: string;
  let fetchViaApp: typeof fetch;

  beforeAll(async () => {
    store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), "ratchet-route-")), "r.db"));
    v1 = (
      await addPrompt(store, { name: "support", content: "A.", author: "a", label: "production" })
    ).version.hash;
    v2 = (await addPrompt(store, { name: "support", content: "B.", author: "a" })).version.hash;
    canaryId = (
      await startCanary(store, defaultConfig(), {
        candidate: `support@${v2}`,
        traffic: 0.3,
        actor: "ann",
        force: true,
      })
    ).id;
    const app = createReceiverApp({
      traces: store.traces,
      prompts: store.prompts,
      live: store.live,
      token,
    });
    fetchViaApp = ((input: string | URL | Request, init?: RequestInit) =>
      app.request(input instanceof Request ? input : String(input), init)) as typeof fetch;
  });

  afterAll(async () => {
    await store.close();
  });

  it("routes each key locally to the arm the server gives it, from one cached answer", async () => {
    let requests = 0;
    const counting = ((input: string | URL | Request, init?: RequestInit) => {
      requests++;
      return fetchViaApp(input, init);
    }) as typeof fetch;
    const client = createPromptClient({ baseUrl: "http://ratchet.test", token, fetch: counting });
    for (let u = 0; u < 100; u++) {
      const key = `user-${u}`;
      const local = await client.getPrompt("support", { key, tagActiveSpan: false });
      const server = (await (
        await fetchViaApp(`http://ratchet.test/v1/prompts/support?key=${key}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { version: string };
      expect(local.version).toBe(server.version);
      expect(local.canary).toEqual({
        id: canaryId,
        arm: routesToCandidate(canaryId, key, 0.3) ? "candidate" : "control",
      });
      expect(local.content).toBe(local.version === v2 ? "B." : "A.");
    }
    expect(requests).toBe(1);
    const keyless = await client.getPrompt("support", { tagActiveSpan: false });
    expect(keyless.version).toBe(v1);
    expect(keyless.canary).toBeUndefined();
  });

  it("tags the application's active span with the version it served", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const manager = new AsyncContextManager();
    context.setGlobalContextManager(manager);
    try {
      const tracer = provider.getTracer("app");
      const client = createPromptClient({
        baseUrl: "http://ratchet.test",
        token,
        fetch: fetchViaApp,
      });
      const span = tracer.startSpan("handle request");
      const served = await context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
        client.getPrompt("support", { key: "user-7" }),
      );
      span.end();
      const [finished] = exporter.getFinishedSpans();
      expect(finished?.attributes).toMatchObject({
        "ratchet.prompt.name": "support",
        "ratchet.prompt.version": `support@${served.version}`,
        "ratchet.canary.id": canaryId,
      });
    } finally {
      context.disable();
    }
  });
});
