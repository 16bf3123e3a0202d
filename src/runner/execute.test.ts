import { describe, expect, it } from "vitest";
import { type Agent, AgentError, type AgentRunResult, HttpStatusError } from "../agents/index.js";
import type { Attempt, Case } from "../core/index.js";
import { expandSecretValues } from "../providers/index.js";
import type { Store } from "../store/index.js";
import { executeAttempt } from "./execute.js";
import { executeRun } from "./run.js";
import type { GradeFn, RunPlan } from "./types.js";

const testCase: Case = {
  id: "c1",
  input: "hello",
  assertions: [],
  tags: [],
  severity: "warning",
};

function result(output: string): AgentRunResult {
  return {
    output,
    messages: [],
    tool_calls: [],
    side_effects: [],
    spans: [],
    usage: { input_tokens: 0, output_tokens: 0 },
    cost_usd: 0,
    steps: 1,
    cached: false,
  };
}

function agentOf(run: Agent["run"]): Agent {
  return { kind: "module", label: "test", concurrencyKey: "test", run };
}

function planFor(agent: Agent, overrides: Partial<RunPlan> = {}): RunPlan {
  const saved: Attempt[] = [];
  // Only saveAttempt is reached by the runner; the rest of the Store is not needed here.
  const store = {
    saveAttempt: async (attempt: Attempt) => {
      saved.push(attempt);
      return true;
    },
    saved,
  } as unknown as Store;
  return {
    runId: "run_x",
    cases: async function* () {
      yield testCase;
    },
    variants: [{ name: "v", agent }],
    epochs: 1,
    seed: 1,
    concurrency: 1,
    timeoutMs: 30_000,
    retries: 3,
    backoff: { baseMs: 600_000, maxMs: 600_000, maxRetryAfterMs: 600_000 },
    grade: () => ({ scores: [], dimension_scores: {}, overall: 1, passed: true }),
    store,
    ...overrides,
  };
}

describe("executeAttempt", () => {
  it("keeps a timeout longer than Node's timer range instead of firing at once", async () => {
    const agent = agentOf(
      () => new Promise((resolve) => setTimeout(() => resolve(result("slow but fine")), 20)),
    );
    const attempt = await executeAttempt(
      planFor(agent, { timeoutMs: 1e15, retries: 0 }),
      testCase,
      0,
      { name: "v", agent },
    );
    expect(attempt.error).toBeUndefined();
    expect(attempt.output).toBe("slow but fine");
  });

  it("treats a kill during retry backoff as cancelled, neither stored nor graded", async () => {
    const kill = new AbortController();
    let calls = 0;
    const agent = agentOf(async () => {
      calls++;
      throw new HttpStatusError("HTTP 503", 503);
    });
    let graded = 0;
    const grade: GradeFn = () => {
      graded++;
      return { scores: [], dimension_scores: {}, overall: 0, passed: false };
    };
    const plan = planFor(agent, {
      killSignal: kill.signal,
      grade,
      onEvent: (event) => {
        if (event.type === "retry") kill.abort();
      },
    });
    const outcome = await executeRun(plan);
    expect(calls).toBe(1);
    expect(graded).toBe(0);
    expect((plan.store as unknown as { saved: Attempt[] }).saved).toEqual([]);
    expect(outcome.completed).toBe(0);
  });

  it("scrubs an agent's own secret from the error it raises before it is stored", async () => {
    const token = "tok_exec_agent_0123456789";
    // How an exec/HTTP agent's `${VAR}` values are expanded (and registered as secrets).
    expandSecretValues(
      { AGENT_TOKEN: "$" + "{AGENT_TOKEN}" },
      { AGENT_TOKEN: token },
      "agent.exec.env",
    );
    for (const thrown of [
      new AgentError(`'sh' exited with 1: auth failed for token ${token}`),
      new HttpStatusError(`endpoint answered HTTP 401: {"echo":"Bearer ${token}"}`, 401),
    ]) {
      const agent = agentOf(async () => {
        throw thrown;
      });
      const attempt = await executeAttempt(planFor(agent, { retries: 0 }), testCase, 0, {
        name: "v",
        agent,
      });
      expect(attempt.error?.class).toBe("agent_error");
      expect(attempt.error?.message).not.toContain(token);
    }
  });
});

describe("executeRun at high concurrency", () => {
  it("adds no more listeners to the caller's kill signal than Node allows (no warning at 50)", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const concurrency = 50;
      const kill = new AbortController();
      // Every attempt waits until all 50 are in flight, so 50 listen for the kill at once.
      let started = 0;
      let allIn: () => void = () => {};
      const everyoneStarted = new Promise<void>((resolve) => {
        allIn = resolve;
      });
      const agent = agentOf(async () => {
        if (++started === concurrency) allIn();
        await everyoneStarted;
        return result("ok");
      });
      const ids = Array.from({ length: concurrency }, (_, i) => `c${i}`);
      const plan = planFor(agent, {
        concurrency,
        killSignal: kill.signal,
        cases: async function* () {
          for (const id of ids) yield { ...testCase, id };
        },
      });
      const outcome = await executeRun(plan);
      expect(outcome.completed).toBe(concurrency);
      // process 'warning' events are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

/** Time that moves only when the test says: latency is whatever the agent advanced. */
function manualClock() {
  let now = 0;
  return {
    advance: (ms: number) => {
      now += ms;
    },
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    },
  };
}

describe("attempt latency is the agent's own time", () => {
  it("excludes a one-time warm-up the agent would otherwise pay on its first attempts", async () => {
    const time = manualClock();
    let warm: Promise<void> | undefined;
    // Like the sim's tokenizer: loaded once, on first use, by whoever comes first.
    const warmUp = () => {
      warm ??= (async () => time.advance(1000))();
      return warm;
    };
    const agent: Agent = {
      ...agentOf(async () => {
        await warmUp();
        time.advance(5);
        return result("ok");
      }),
      prepare: warmUp,
    };
    const plan = planFor(agent, { clock: time.clock, retries: 0 });
    await executeRun(plan);
    const [attempt] = (plan.store as unknown as { saved: Attempt[] }).saved;
    expect(attempt?.latency_ms).toBe(5);
  });

  it("excludes the wait for a per-provider slot held by another attempt", async () => {
    const time = manualClock();
    const agent = agentOf(async () => {
      time.advance(5);
      // Yield so the other attempt is queued on the limiter meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      return result("ok");
    });
    const plan = planFor(agent, {
      clock: time.clock,
      retries: 0,
      concurrency: 2,
      perKeyConcurrency: { test: 1 },
      cases: async function* () {
        yield testCase;
        yield { ...testCase, id: "c2" };
      },
    });
    await executeRun(plan);
    const saved = (plan.store as unknown as { saved: Attempt[] }).saved;
    expect(saved.map((a) => a.latency_ms)).toEqual([5, 5]);
  });

  it("excludes retry backoff; the retries are counted instead", async () => {
    const time = manualClock();
    let calls = 0;
    const agent = agentOf(async () => {
      calls++;
      time.advance(5);
      if (calls === 1) throw new HttpStatusError("HTTP 503", 503);
      return result("ok");
    });
    const plan = planFor(agent, { clock: time.clock, retries: 2 });
    await executeRun(plan);
    const [attempt] = (plan.store as unknown as { saved: Attempt[] }).saved;
    expect(attempt).toMatchObject({ status: "passed", retries: 1, latency_ms: 5 });
  });
});
