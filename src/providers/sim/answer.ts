import type { LanguageModelV3ToolChoice } from "@ai-sdk/provider";
import type { JsonValue } from "../../core/index.js";
import type { ConversationView } from "./conversation.js";
import { type Draft, fillArguments, fillTemplate, finalText } from "./draft.js";
import type { SimProfile, SimTemplate } from "./profile.js";
import type { SimCallReference } from "./reference.js";

export interface AnswerContext {
  profile: SimProfile;
  view: ConversationView;
  reference: SimCallReference;
  /** The case input, or the user's messages when there is no reference. */
  inputText: string;
  tags: string[];
  jsonMode: boolean;
  toolChoice: LanguageModelV3ToolChoice | undefined;
}

function toolsAllowed(ctx: AnswerContext): boolean {
  return ctx.toolChoice?.type !== "none" && ctx.view.offeredTools.length > 0;
}

function lastResult(ctx: AnswerContext): unknown {
  return ctx.view.toolResults[ctx.view.toolResults.length - 1]?.value;
}

function pickTemplate(
  templates: readonly SimTemplate[],
  text: string,
): { template: SimTemplate; groups: Record<string, string> } {
  for (const template of templates) {
    if (!template.match) continue;
    const match = new RegExp(template.match, "i").exec(text);
    if (match) return { template, groups: { ...(match.groups ?? {}) } };
  }
  const fallback = templates.find((t) => !t.match) ?? templates[templates.length - 1]!;
  return { template: fallback, groups: {} };
}

function asJsonAnswer(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return { answer: text };
  }
}

/**
 * The answer a well-behaved model would give: the next expected tool call the conversation
 * has not made yet (when offered), else the reference answer, else a template answer.
 */
export function baseDraft(ctx: AnswerContext): Draft {
  const expected = ctx.reference.case?.expected;
  const expectedCalls = expected?.tool_calls ?? [];
  if (expectedCalls.length > 0 && toolsAllowed(ctx)) {
    // Calls are matched by position: a wrong or mangled call still uses up its step, so a
    // model with a bad habit moves on instead of looping.
    const next = expectedCalls
      .slice(ctx.view.toolCalls.length)
      .find((call) => ctx.view.offeredTools.includes(call.name));
    if (next) return { kind: "tool", toolName: next.name, args: { ...(next.arguments ?? {}) } };
  }
  if (expected?.json !== undefined) return finalText(expected.json);
  if (expected?.output !== undefined) {
    return ctx.jsonMode
      ? finalText(asJsonAnswer(expected.output))
      : { kind: "final", text: expected.output };
  }

  const matchText = ctx.reference.case ? ctx.inputText : ctx.view.lastUserText;
  const { template, groups } = pickTemplate(ctx.profile.templates, matchText);
  const vars: Record<string, unknown> = { ...groups, input: matchText, result: lastResult(ctx) };
  const tool = template.tool;
  if (
    tool &&
    expectedCalls.length === 0 &&
    toolsAllowed(ctx) &&
    ctx.view.offeredTools.includes(tool.name) &&
    !ctx.view.toolCalls.some((call) => call.name === tool.name)
  ) {
    return { kind: "tool", toolName: tool.name, args: fillArguments(tool.arguments, vars) };
  }
  const text = fillTemplate(template.answer, vars);
  return ctx.jsonMode ? finalText({ answer: text }) : { kind: "final", text };
}
