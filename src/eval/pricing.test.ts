import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../config/testdata/helpers.js";
import { sendJson, startServer } from "../providers/test-helpers.js";
import { renderSummaryTable } from "../report/index.js";
import { runEvaluation } from "./index.js";

/** A self-hosted OpenAI-compatible server that serves a model it calls gpt-4o-mini. */
let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer((_request, res) =>
    sendJson(res, 200, {
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1,
      model: "gpt-4o-mini",
      choices: [
        { index: 0, message: { role: "assistant", content: "Paris" }, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 1_000_000, completion_tokens: 1_000_000, total_tokens: 2_000_000 },
    }),
  );
});
afterAll(() => server.close());

async function evaluate(extra = "") {
  const config = `agent:
  model: mock:gpt-4o-mini
providers:
  mock:
    type: openai-compatible
    base_url: ${server.url}/v1
evaluation:
  suites: [cases.jsonl]
${extra}`;
  const dir = await tempDir({
    "ratchet.yaml": config,
    "cases.jsonl": '{"id":"a","input":"capital of France?","expected":"Paris"}\n',
  });
  return runEvaluation({ cwd: dir, noCache: true, configPath: join(dir, "ratchet.yaml") });
}

describe("the price of a self-hosted model named like a public one", () => {
  it("is not the public model's: none without token_pricing, and the run says so", async () => {
    const { run } = await evaluate();
    expect(run.totals?.cost_usd).toBe(0);
    expect(run.totals?.pricing).toEqual({ "mock:gpt-4o-mini": { source: "none" } });
    expect(renderSummaryTable(run)).toContain("mock:gpt-4o-mini: none");
  });

  it("comes from the config when token_pricing gives one", async () => {
    const { run } = await evaluate(
      'cost:\n  token_pricing:\n    "mock:gpt-4o-mini": { input_per_million: 1, output_per_million: 2 }\n',
    );
    expect(run.totals?.cost_usd).toBeCloseTo(3, 9);
    expect(run.totals?.pricing?.["mock:gpt-4o-mini"]).toEqual({
      source: "config token_pricing",
      input_per_million: 1,
      output_per_million: 2,
    });
    expect(renderSummaryTable(run)).toContain(
      "mock:gpt-4o-mini: config token_pricing ($1 in / $2 out",
    );
  });
});
