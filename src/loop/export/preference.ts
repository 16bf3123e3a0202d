import type { Attempt, Message } from "../../core/index.js";
import { normalizeText } from "./keys.js";
import { type OpenAiMessage, openAiMessage } from "./openai.js";

/**
 * The input both sides answered: the conversation up to and including its last user turn
 * (an agent adds assistant and tool turns, never user ones). Undefined without a user turn.
 */
export function promptOf(attempt: Attempt): Message[] | undefined {
  const last = attempt.messages.findLastIndex((m) => m.role === "user");
  return last < 0 ? undefined : attempt.messages.slice(0, last + 1);
}

const sameText = (a: string, b: string) => normalizeText(a) === normalizeText(b);

function sameTurns(a: readonly Message[], b: readonly Message[]): boolean {
  return (
    a.length === b.length &&
    a.every((m, i) => {
      const o = b[i] as Message;
      return m.role === o.role && sameText(m.content, o.content);
    })
  );
}

/**
 * The shared prompt of two attempts, or undefined when they answered different inputs.
 * System prompts that differ (the usual champion / challenger change) are left out, so that
 * the pair teaches the better answer to the input itself; equal ones are kept.
 */
export function sharedPrompt(a: Attempt, b: Attempt): Message[] | undefined {
  if (a.case_hash !== undefined && b.case_hash !== undefined && a.case_hash !== b.case_hash) {
    return undefined;
  }
  const pa = promptOf(a);
  const pb = promptOf(b);
  if (pa === undefined || pb === undefined) return undefined;
  const turnsA = pa.filter((m) => m.role !== "system");
  const turnsB = pb.filter((m) => m.role !== "system");
  if (!sameTurns(turnsA, turnsB)) return undefined;
  const systemA = pa.filter((m) => m.role === "system");
  const systemB = pb.filter((m) => m.role === "system");
  return sameTurns(systemA, systemB) ? pa : turnsA;
}

export type Preference = { chosen: Attempt; rejected: Attempt } | { skip: string };

/**
 * Which of two answers to the same input is better: a passed attempt over one that did not
 * pass; otherwise the higher overall score when it leads by at least `minMargin`. Errors
 * (no answer was graded) and ties are skipped.
 */
export function prefer(a: Attempt, b: Attempt, minMargin: number): Preference {
  if (a.status === "error" || b.status === "error") return { skip: "error attempt" };
  if (a.status === "passed" && b.status !== "passed") return { chosen: a, rejected: b };
  if (b.status === "passed" && a.status !== "passed") return { chosen: b, rejected: a };
  const diff = a.overall - b.overall;
  // A hair under the margin from floating point (0.3 - 0.2) still counts as the margin.
  if (Math.abs(diff) + 1e-9 < minMargin) return { skip: "tie (within --min-margin)" };
  return diff > 0 ? { chosen: a, rejected: b } : { chosen: b, rejected: a };
}

/** OpenAI's preference fine-tuning line. */
export function openAiPreferenceRecord(
  prompt: readonly Message[],
  chosen: string,
  rejected: string,
) {
  return {
    input: { messages: prompt.map(openAiMessage) as OpenAiMessage[] },
    preferred_output: [{ role: "assistant", content: chosen }],
    non_preferred_output: [{ role: "assistant", content: rejected }],
  };
}

/**
 * TRL's standard (string) preference line. A prompt of one user turn is its text; a longer
 * one is written turn by turn as `role: text`, blank lines between.
 */
export function trlPreferenceRecord(prompt: readonly Message[], chosen: string, rejected: string) {
  const only = prompt[0];
  const text =
    prompt.length === 1 && only?.role === "user"
      ? only.content
      : prompt.map((m) => `${m.role}: ${m.content}`).join("\n\n");
  return { prompt: text, chosen, rejected };
}
