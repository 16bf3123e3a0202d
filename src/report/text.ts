import { type Attempt, FAILING_STATUSES, type Score } from "../core/index.js";

/** Cut to `max` code points (never splitting a surrogate pair), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join("")}…`;
}

export function isFailure(attempt: Attempt): boolean {
  return FAILING_STATUSES.includes(attempt.status);
}

export function failedScores(attempt: Attempt): Score[] {
  return attempt.scores.filter((score) => !score.passed);
}

/** `grader: reason` for each failed assertion. */
export function failedAssertionLines(attempt: Attempt): string[] {
  return failedScores(attempt).map((score) => `${score.grader}: ${score.reason}`);
}

/** Collapse runs of whitespace (incl. newlines) to one space, for one-line cells. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * User text bound for a terminal: control characters (ESC above all) are shown as `\xNN` so an
 * agent's output cannot move the cursor, recolour or retitle the user's terminal.
 */
const TERMINAL_CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we neutralise
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export function terminalSafe(text: string): string {
  return text.replace(
    TERMINAL_CONTROL,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
