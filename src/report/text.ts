import type { Attempt, Score } from "../core/index.js";

/** Cut to `max` code points (never splitting a surrogate pair), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join("")}…`;
}

export function isFailure(attempt: Attempt): boolean {
  return attempt.status !== "passed";
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
