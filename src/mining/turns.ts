import type { Detector, Signal, TraceMessage } from "./types.js";

const MAX_TURN = 300;

function clipTurn(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_TURN ? `${flat.slice(0, MAX_TURN - 1)}…` : flat;
}

/** Turns as they appear in a reason: `assistant: "…" → user: "…"`. */
export function quoteTurns(turns: readonly TraceMessage[]): string {
  return turns.map((t) => `${t.role}: "${clipTurn(t.content)}"`).join(" → ");
}

/** The last message of `role` before index `i`, with its index. */
export function lastBefore(
  messages: readonly TraceMessage[],
  i: number,
  role: string,
): TraceMessage | undefined {
  for (let j = i - 1; j >= 0; j--) if (messages[j]?.role === role) return messages[j];
  return undefined;
}

/** An assistant message `m` at index `i` with the user message that asked for it, if any. */
export function withQuestion(
  messages: readonly TraceMessage[],
  i: number,
  m: TraceMessage,
): TraceMessage[] {
  const asked = lastBefore(messages, i, "user");
  return asked ? [asked, m] : [m];
}

/**
 * A detector's signal for the turns that made it fire. The reason is the detector's
 * description, then `about` (what it found), then the quoted turns.
 */
export function turnSignal(
  detector: Detector,
  about: string,
  evidence: string,
  turns: TraceMessage[],
): Signal {
  return {
    detector: detector.name,
    signal_type: detector.type,
    severity: detector.severity,
    weight: detector.weight,
    reason: `${detector.description}${about}: ${quoteTurns(turns)}`,
    evidence,
    turns,
  };
}

/** Typographic apostrophes and quotes to ASCII, lowercased: what the phrase rules read. */
export function plain(text: string): string {
  return text
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .toLowerCase();
}
