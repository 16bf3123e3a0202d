import type { LanguageModelV3 } from "@ai-sdk/provider";
import { z } from "zod";
import { errorMessage } from "../core/index.js";
import { contextText } from "./fixture-text.js";
import type { AssertionSpec, CaseDraft, FailureEvidence } from "./types.js";

/** What a model is asked for: the parts of a draft that need judgement, not the frame. */
export const ModelDraftSchema = z.object({
  expected_behaviour: z.string().min(10).max(1000),
  must_not_contain: z.array(z.string().min(2).max(200)).max(8),
  expected_tools: z.array(z.string().min(1).max(100)).max(8),
  forbidden_tools: z.array(z.string().min(1).max(100)).max(8),
  /** For a refusal: an input near the boundary that must be refused. */
  refuse_input: z.string().max(4000).nullable(),
});
export type ModelDraft = z.infer<typeof ModelDraftSchema>;

const SYSTEM = `You turn a production failure of an AI agent into a regression test case.
Answer with one JSON object only. Describe the behaviour the agent must show on this input as a
pass criterion a grader can check; list phrases the reply must never contain (only when the
evidence shows them), tools that must be called and tools that must not be called (only tool
names that appear in the evidence). For a refusal, also write refuse_input: a similar request
that crosses the policy boundary and must be refused; otherwise null. Personal data is masked
as <email>, <phone>, <card>: never invent real personal data.`;

export function draftPrompt(f: FailureEvidence): string {
  const tools = f.tool_calls
    .slice(0, 8)
    .map(
      (t) =>
        `- ${t.name}(${contextText(t.arguments ?? "")})${t.error ? ` error: ${contextText(t.error)}` : ""}${t.result ? ` -> ${contextText(t.result)}` : ""}`,
    )
    .join("\n");
  return [
    `Signal: ${f.signal_type} (detector ${f.detector}, severity ${f.severity})`,
    `Why it was flagged: ${contextText(f.reason)}`,
    ...(f.error ? [`Error: ${contextText(f.error)}`] : []),
    `User input:\n${contextText(f.input)}`,
    `Agent output:\n${contextText(f.output)}`,
    `Tool calls:\n${tools || "(none)"}`,
  ].join("\n\n");
}

/** Asks the model; undefined (with the problem) when it gives no valid object. */
export async function askModel(
  model: LanguageModelV3,
  f: FailureEvidence,
): Promise<{ draft?: ModelDraft; problem?: string }> {
  const { generateText, Output } = await import("ai");
  try {
    const result = await generateText({
      model,
      system: SYSTEM,
      prompt: draftPrompt(f),
      temperature: 0,
      output: Output.object({ schema: ModelDraftSchema }),
    });
    return { draft: result.output as ModelDraft };
  } catch (error) {
    return { problem: errorMessage(error).slice(0, 200) };
  }
}

/** The evidence draft with the model's judgement laid over it. */
export function applyModelDraft(drafts: CaseDraft[], m: ModelDraft, spec: string): CaseDraft[] {
  return drafts.map((d) => {
    const refuse = d.fixture.boundary === "refuse";
    const behaviour = refuse ? d.fixture.expected_behaviour : m.expected_behaviour;
    const kept = d.case.assertions.filter(
      (a) => a.type !== "judge" && a.type !== "tool-called" && a.type !== "tool-not-called",
    );
    const tools: AssertionSpec[] = refuse
      ? []
      : [
          ...m.expected_tools.map((tool) => ({ type: "tool-called", tool })),
          ...(m.forbidden_tools.length > 0
            ? [{ type: "tool-not-called", tool: m.forbidden_tools }]
            : []),
        ];
    const phrases: AssertionSpec[] =
      !refuse && m.must_not_contain.length > 0
        ? [{ type: "not-contains", value: m.must_not_contain }]
        : [];
    const input = refuse && m.refuse_input ? m.refuse_input : d.case.input;
    const { expected: _dropped, ...rest } = d.case;
    const expectedTools = refuse ? [] : m.expected_tools;
    return {
      ...d,
      case: {
        ...rest,
        input,
        ...(expectedTools.length > 0
          ? { expected: { tool_calls: expectedTools.map((name) => ({ name })) } }
          : {}),
        assertions: [
          ...kept,
          ...phrases,
          ...tools,
          { type: "judge", name: "expected-behaviour", rubric: behaviour },
        ],
      },
      fixture: {
        ...d.fixture,
        expected_behaviour: behaviour,
        expected_tools: expectedTools,
        forbidden_tools: refuse ? d.fixture.forbidden_tools : m.forbidden_tools,
        drafted_by: spec,
        notes: d.fixture.notes.filter((n) => !(refuse && m.refuse_input && n.includes("twin"))),
      },
    };
  });
}
