import { afterEach, describe, expect, it } from "vitest";
import { openAiServer } from "../graders/judge/test-openai-server.js";
import { reflectiveProposer } from "./proposers.js";
import type { FailureEvidence } from "./types.js";

const PROMPT = "You are a support agent.\nHelp customers.\n";
const EVIDENCE: FailureEvidence[] = [
  {
    caseId: "json-1",
    input: "Give me my order as JSON",
    output: 'Sure! Here it is:\n```json\n{"id": 1}\n```',
    toolCalls: [],
    severity: "blocking",
    failed: [
      {
        type: "json-valid",
        dimension: "accuracy",
        reason: "output is not valid JSON: it starts with prose",
      },
    ],
  },
];

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("the reflective proposer over a real provider protocol", () => {
  it("sends the reflection prompt and reads the patch a model answers", async () => {
    const server = await openAiServer(
      () =>
        'Here is my proposal:\n{"operation": "add", "instruction": "Reply with only the raw JSON object when JSON is asked for.", "rationale": "json-1 wraps JSON in prose"}',
    );
    close = server.close;
    const proposal = await reflectiveProposer({ model: server.model, price: () => 0.001 }).propose({
      prompt: PROMPT,
      target: "json · prose",
      evidence: EVIDENCE,
      tried: new Set(),
      round: 1,
    });
    expect(proposal.patch).toMatchObject({
      operation: "add",
      instruction: expect.stringMatching(/raw JSON/),
    });
    expect(proposal.calls).toBe(1);
    expect(proposal.usd).toBeCloseTo(0.001);
    expect(server.prompts[0]).toMatch(/^MODE: reflect$/m);
    expect(server.prompts[0]).toContain(
      "FAILED: json-valid (json-valid, accuracy): output is not valid JSON",
    );
  });

  it("retries a garbage or truncated answer once, then records it without a patch", async () => {
    const server = await openAiServer((_prompt, n) =>
      n === 1
        ? "I think the prompt is fine as it is."
        : '{"operation": "add", "instruction": "Reply with only',
    );
    close = server.close;
    const proposal = await reflectiveProposer({ model: server.model, price: () => 0 }).propose({
      prompt: PROMPT,
      target: "json",
      evidence: EVIDENCE,
      tried: new Set(),
      round: 1,
    });
    expect(proposal.patch).toBeUndefined();
    expect(proposal.calls).toBe(2);
    expect(proposal.error).toMatch(/truncated/);
    expect(proposal.raw).toContain('"operation": "add"');
  });

  it("a patch naming a line the prompt does not have is retried, not applied", async () => {
    const server = await openAiServer((_prompt, n) =>
      n === 1
        ? '{"operation": "replace", "target": "Never swear.", "instruction": "Be polite.", "rationale": "x"}'
        : '{"operation": "replace", "target": "Help customers.", "instruction": "Help customers; answer JSON requests with raw JSON only.", "rationale": "x"}',
    );
    close = server.close;
    const proposal = await reflectiveProposer({ model: server.model, price: () => 0 }).propose({
      prompt: PROMPT,
      target: "json",
      evidence: EVIDENCE,
      tried: new Set(),
      round: 1,
    });
    expect(proposal.calls).toBe(2);
    expect(proposal.patch?.target).toBe("Help customers.");
  });
});
