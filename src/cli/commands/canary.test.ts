import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { routesToCandidate } from "../../client/route.js";
import { requestSpans, traceIdOf } from "../../live/traffic.js";
import { addPrompt } from "../../prompts/index.js";
import { openSqliteStore } from "../../store/index.js";
import { runCli } from "../test-support.js";

let db: string;
let v1: string;
let v2: string;

const cli = (...args: string[]) => runCli(...args, "--db", db);

beforeAll(async () => {
  db = join(mkdtempSync(join(tmpdir(), "ratchet-canary-cli-")), "r.db");
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
      author: "a",
      label: "candidate",
    })
  ).version.hash;
  await store.gate.saveDecision({
    id: "gate_cli_0001",
    created_at: "2026-12-01T00:00:00.000Z",
    prompt_name: "support",
    champion: `support@${v1}`,
    challenger: `support@${v2}`,
    change_type: "prompt",
    verdict: "promote",
    reasons: [],
    actor: "ci",
    champion_runs: [],
    challenger_runs: [],
    evidence: {},
  });
  await store.close();
});

describe("ratchet canary and watch", () => {
  it("refuses bad flags with the flag named, and stores nothing", async () => {
    const traffic = await cli("canary", "start", "support@candidate", "--traffic", "2");
    expect(traffic.code).toBe(2);
    expect(traffic.err).toMatch(/--traffic must be a number between/);
    const metric = await cli("canary", "start", "support@candidate", "--metric", "vibes");
    expect(metric.code).toBe(2);
    expect(metric.err).toMatch(/unknown live metric 'vibes'/);
    const unknown = await cli("canary", "start", "nosuch@candidate");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no prompt named 'nosuch'/);
    expect((await cli("canary", "list")).out).toMatch(/no canaries yet/);
    expect((await cli("canary", "stop", "support")).code).toBe(2);
  });

  it("starts, shows the test, rolls back through watch, and keeps the record", async () => {
    const started = await cli(
      "canary",
      "start",
      "support@candidate",
      "--traffic",
      "0.5",
      "--metric",
      "error_rate",
      "--guardrail",
      "latency",
    );
    expect(started.code).toBe(0);
    const id = /started (canary_\S+):/.exec(started.out)?.[1];
    expect(id).toBeDefined();

    // Production traffic: the candidate's requests fail half the time, the control's 1 in 20.
    const store = await openSqliteStore(db);
    const spans = [];
    const seen = { control: 0, candidate: 0 };
    for (let u = 0; u < 1200; u++) {
      const arm = routesToCandidate(id as string, `user-${u}`, 0.5) ? "candidate" : "control";
      seen[arm]++;
      spans.push(
        ...requestSpans({
          traceId: traceIdOf(u, 7),
          promptName: "support",
          versionHash: arm === "candidate" ? v2 : v1,
          startMs: Date.now() - 60_000 + u,
          latencyMs: 700,
          error: seen[arm] % (arm === "candidate" ? 2 : 20) === 0,
          input: "where is my order?",
          output: "It shipped.",
        }),
      );
    }
    await store.traces.insertSpans(spans);
    await store.close();

    const status = await cli("canary", "status");
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/error_rate\s+primary\s+lower/);
    expect(status.out).toMatch(/test: rollback — worse: error_rate/);
    // status only looks: the canary still runs.
    expect((await cli("canary", "list")).out).toMatch(/running/);

    const watch = await cli("watch", "--once");
    expect(watch.code).toBe(0);
    expect(watch.out).toMatch(/rolled back — worse: error_rate/);

    const after = await cli("canary", "status", id as string);
    expect(after.out).toMatch(/ended: rollback by watch/);
    const json = JSON.parse((await cli("canary", "status", "support", "--json")).out) as Array<{
      status: string;
    }>;
    expect(json[0]?.status).toBe("rolled_back");
    const history = await cli("prompts", "history", "support", "--label", "canary");
    expect(history.out).toMatch(/rollback/);
    // A second look finds nothing left to do.
    expect((await cli("watch", "--once")).out).toMatch(/nothing to do/);
  });

  it("rejects a bad interval", async () => {
    const bad = await cli("watch", "--once", "--interval", "soon");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--interval must be a duration/);
  });
});
