import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpAgent } from "../agents/index.js";
import type { Case } from "../core/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { executeRun } from "./run.js";
import type { GradeFn, RunEvent, RunPlan } from "./types.js";

/** A user's agent endpoint that misbehaves on purpose, per case id. */
function startFaultyAgent(): Promise<{
  server: Server;
  url: string;
  hits: Map<string, number>;
  maxInFlight: () => number;
  resetMax: () => void;
}> {
  const hits = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      id: string;
      input: string;
    };
    const count = (hits.get(body.id) ?? 0) + 1;
    hits.set(body.id, count);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      inFlight--;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    if (body.id.startsWith("rate-limited")) {
      if (count <= 2) return reply(429, { error: "slow down" }, { "retry-after": "0" });
      return reply(200, { output: `ok ${body.input}` });
    }
    if (body.id.startsWith("broken")) return reply(500, { error: "boom" });
    if (body.id.startsWith("hangs")) {
      req.socket.on("close", () => {
        inFlight--;
      });
      return; // never answers
    }
    if (body.id.startsWith("retry-after-hour")) {
      return reply(429, { error: "come back later" }, { "retry-after": "3600" });
    }
    if (body.id.startsWith("retry-after-2")) {
      if (count === 1) return reply(429, { error: "wait" }, { "retry-after": "2" });
      return reply(200, { output: "ok" });
    }
    // Slow enough that several attempts overlap, so the concurrency cap is exercised.
    setTimeout(() => reply(200, { output: `ok ${body.input}` }), 20);
  });
  server.listen(0, "127.0.0.1");
  return once(server, "listening").then(() => ({
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/agent`,
    hits,
    maxInFlight: () => maxInFlight,
    resetMax: () => {
      maxInFlight = inFlight;
    },
  }));
}

const passIfOutput: GradeFn = (_case, result, error) => ({
  scores: [],
  dimension_scores: { accuracy: result?.output ? 1 : 0 },
  overall: result?.output ? 1 : 0,
  passed: !error && Boolean(result?.output),
});

function makeCase(id: string): Case {
  return { id, input: `question ${id}`, assertions: [], tags: [], severity: "warning" };
}

async function* casesOf(ids: string[]): AsyncIterable<Case> {
  for (const id of ids) yield makeCase(id);
}

describe("executeRun against a faulty HTTP agent", () => {
  let agent: Awaited<ReturnType<typeof startFaultyAgent>>;
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    agent = await startFaultyAgent();
    dir = await mkdtemp(join(tmpdir(), "ratchet-runner-"));
    store = await openSqliteStore(join(dir, "store.db"));
  });
  afterAll(async () => {
    await store.close();
    agent.server.closeAllConnections();
    agent.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  function plan(runId: string, ids: string[], overrides: Partial<RunPlan> = {}): RunPlan {
    return {
      runId,
      cases: () => casesOf(ids),
      variants: [
        {
          name: "http",
          agent: createHttpAgent({
            url: agent.url,
            method: "POST",
            headers: {},
            body: { id: "{{case.id}}", input: "{{input}}" },
            answerPath: "$.output",
          }),
        },
      ],
      epochs: 1,
      seed: 7,
      concurrency: 8,
      timeoutMs: 30_000,
      retries: 3,
      backoff: { baseMs: 1, maxMs: 5, maxRetryAfterMs: 60_000 },
      grade: passIfOutput,
      store,
      ...overrides,
    };
  }

  async function createRun(id: string): Promise<void> {
    await store.createRun({
      id,
      pipeline: "test",
      suite: "inline",
      config_hash: "x",
      agent_kind: "http",
      models: ["http"],
      seed: 7,
      epochs: 1,
      status: "running",
      started_at: new Date().toISOString(),
      purpose: "evaluation",
      config_snapshot: {},
      case_count: 0,
    });
  }

  it("retries 429s, classifies 500s and timeouts, and stores each attempt once", async () => {
    await createRun("run_faults");
    const events: RunEvent[] = [];
    const ids = ["rate-limited-1", "broken-1", "hangs-1", "fine-1", "fine-2"];
    const outcome = await executeRun(
      plan("run_faults", ids, { timeoutMs: 1500, onEvent: (event) => events.push(event) }),
    );
    expect(outcome.completed).toBe(5);
    const attempts = new Map<string, Awaited<ReturnType<typeof collect>>[number]>();
    for (const attempt of await collect(store, "run_faults"))
      attempts.set(attempt.case_id, attempt);
    expect(attempts.size).toBe(5);

    const limited = attempts.get("rate-limited-1");
    expect(limited?.status).toBe("passed");
    expect(limited?.retries).toBe(2);
    expect(agent.hits.get("rate-limited-1")).toBe(3);

    const broken = attempts.get("broken-1");
    expect(broken?.status).toBe("error");
    expect(broken?.error).toMatchObject({ class: "provider_error", status: 500 });
    expect(agent.hits.get("broken-1")).toBe(4); // first try + 3 retries

    const hung = attempts.get("hangs-1");
    expect(hung?.status).toBe("error");
    expect(hung?.error?.class).toBe("timeout");

    expect(attempts.get("fine-1")?.status).toBe("passed");
    const retryClasses = events
      .filter((e) => e.type === "retry")
      .map((e) => (e.type === "retry" ? e.error.class : ""));
    expect(retryClasses).toContain("rate_limit");
    expect(retryClasses).toContain("timeout");
  });

  it("waits at least as long as Retry-After asks", async () => {
    await createRun("run_retry_after");
    const events: RunEvent[] = [];
    await executeRun(
      plan("run_retry_after", ["retry-after-2"], { onEvent: (event) => events.push(event) }),
    );
    const retry = events.find((event) => event.type === "retry");
    expect(retry?.type === "retry" && retry.delayMs).toBeGreaterThanOrEqual(2000);
  });

  it("gives up at once when Retry-After asks for longer than the cap", async () => {
    await createRun("run_retry_after_cap");
    const events: RunEvent[] = [];
    await executeRun(
      plan("run_retry_after_cap", ["retry-after-hour-1"], {
        onEvent: (event) => events.push(event),
      }),
    );
    expect(agent.hits.get("retry-after-hour-1")).toBe(1);
    expect(events.filter((event) => event.type === "retry")).toHaveLength(0);
    const [attempt] = await collect(store, "run_retry_after_cap");
    expect(attempt?.error).toMatchObject({ class: "rate_limit", status: 429 });
  });

  it("never exceeds the per-key concurrency limit and skips stored attempts on resume", async () => {
    await createRun("run_limits");
    const ids = Array.from({ length: 24 }, (_, i) => `fine-limit-${i}`);
    agent.resetMax();
    const first = await executeRun(
      plan("run_limits", ids.slice(0, 10), {
        perKeyConcurrency: { [`http:${new URL(agent.url).host}`]: 3 },
      }),
    );
    expect(first.completed).toBe(10);
    expect(agent.maxInFlight()).toBeLessThanOrEqual(3);

    const existing = await store.attemptKeys("run_limits");
    const resumed = await executeRun(plan("run_limits", ids), existing);
    expect(resumed.skipped).toBe(10);
    expect(resumed.completed).toBe(14);
    expect(await store.countAttempts("run_limits")).toBe(24);
  });

  it("two executions of one run store each attempt once and count the other's as duplicates", async () => {
    await createRun("run_twice");
    const ids = Array.from({ length: 12 }, (_, i) => `fine-twice-${i}`);
    const attempts: string[] = [];
    const skipped: string[] = [];
    const onEvent = (event: RunEvent) => {
      if (event.type === "attempt") attempts.push(event.attempt.case_id);
      if (event.type === "skipped") skipped.push(event.caseId);
    };
    const [a, b] = await Promise.all([
      executeRun(plan("run_twice", ids, { onEvent })),
      executeRun(plan("run_twice", ids, { onEvent })),
    ]);
    expect(await store.countAttempts("run_twice")).toBe(12);
    expect(a.completed + b.completed).toBe(12);
    expect(a.duplicates + b.duplicates).toBe(12);
    expect(attempts.sort()).toEqual([...ids].sort());
    expect(skipped.sort()).toEqual([...ids].sort());
  });

  it("commits the run's last attempt at once instead of waiting out the group-commit window", async () => {
    await createRun("run_tail");
    const windows: number[] = [];
    // Records the commit window the runner asks for, and stores through the real store.
    const recording = new Proxy(store, {
      get(target, prop) {
        if (prop === "saveAttempt") {
          return (...args: Parameters<Store["saveAttempt"]>) => {
            windows.push(args[1]?.commitWithinMs ?? 0);
            return target.saveAttempt(...args);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const ids = Array.from({ length: 6 }, (_, i) => `fine-tail-${i}`);
    const outcome = await executeRun(plan("run_tail", ids, { concurrency: 2, store: recording }));
    expect(outcome.completed).toBe(6);
    expect(await store.countAttempts("run_tail")).toBe(6);
    // While others still execute an attempt waits to share a commit; the last one does not.
    expect(windows.slice(0, 4).every((ms) => ms > 0)).toBe(true);
    expect(windows.at(-1)).toBe(0);
  });

  it("runs above concurrency 10 without Node's listener-leak warning on the kill signal", async () => {
    await createRun("run_wide");
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const ids = Array.from({ length: 16 }, (_, i) => `fine-wide-${i}`);
      const kill = new AbortController();
      const outcome = await executeRun(
        plan("run_wide", ids, { concurrency: 16, killSignal: kill.signal }),
      );
      expect(outcome.completed).toBe(16);
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });

  it("stops scheduling when asked and keeps what finished", async () => {
    await createRun("run_stop");
    const stop = new AbortController();
    const ids = Array.from({ length: 50 }, (_, i) => `fine-stop-${i}`);
    let seen = 0;
    let stopping = 0;
    let attemptsAfterStopping = 0;
    const outcome = await executeRun(
      plan("run_stop", ids, {
        concurrency: 2,
        stopSignal: stop.signal,
        onEvent: (event) => {
          if (event.type === "stopping") stopping++;
          if (event.type === "attempt" && stopping > 0) attemptsAfterStopping++;
          if (event.type === "attempt" && ++seen === 3) stop.abort();
        },
      }),
    );
    expect(outcome.stopped).toBe(true);
    expect(outcome.completed).toBeLessThan(50);
    expect(await store.countAttempts("run_stop")).toBe(outcome.completed);
    // Told once, when the stop arrives, and the attempts in flight then end after it.
    expect(stopping).toBe(1);
    expect(attemptsAfterStopping).toBe(outcome.completed - 3);
  });

  it("a kill ends the run while grading is stuck, keeping the attempts that finished", async () => {
    await createRun("run_kill_grading");
    const stop = new AbortController();
    const kill = new AbortController();
    const ids = ["fine-kg-0", "fine-kg-1", "stuck-kg-2", "fine-kg-3"];
    const events: string[] = [];
    const outcome = await executeRun(
      plan("run_kill_grading", ids, {
        concurrency: 1,
        stopSignal: stop.signal,
        killSignal: kill.signal,
        onEvent: (event) => events.push(event.type),
        // A grader that never settles (user code stuck, a judge that ignores its signal); the
        // user's SIGTERM arrives while it is stuck.
        grade: (testCase, result, error, timing, signal) => {
          if (!testCase.id.startsWith("stuck"))
            return passIfOutput(testCase, result, error, timing);
          // The grader gets the run's copy of the kill signal, which follows the caller's.
          expect(signal?.aborted).toBe(false);
          queueMicrotask(() => {
            kill.abort();
            stop.abort();
            expect(signal?.aborted).toBe(true);
          });
          return new Promise(() => {});
        },
      }),
    );
    expect(outcome).toMatchObject({ stopped: true, completed: 2 });
    // The attempt whose grading was cut short is not stored: a resume runs it again.
    expect((await collect(store, "run_kill_grading")).map((a) => a.case_id).sort()).toEqual([
      "fine-kg-0",
      "fine-kg-1",
    ]);
    expect(events).not.toContain("stopping"); // a kill waits for nothing
  });
});

async function collect(store: Store, runId: string) {
  const out = [];
  for await (const attempt of store.iterateAttempts(runId)) out.push(attempt);
  return out;
}
