import type { Step } from "./types.js";

/** One reason to suspect a step, with the text that shows it. */
export interface Signal {
  kind: SignalKind;
  step: number;
  weight: number;
  evidence: string;
}

export type SignalKind =
  | "error"
  | "caused-error"
  | "corrected"
  | "fabrication"
  | "handoff"
  | "first-action"
  | "final-answer";

/**
 * Weights of each signal in the combined score (see heuristic.ts). Ordered by how directly
 * the signal names a mistake: a step that says it invents its data is a mistake by its own
 * words; a step another agent corrects, or whose code fails, is one by a witness; the first
 * and last substantive steps are only where mistakes tend to sit.
 */
export const SIGNAL_WEIGHTS: Record<SignalKind, number> = {
  fabrication: 3,
  error: 2,
  "caused-error": 2,
  corrected: 2,
  handoff: 1,
  "first-action": 1,
  "final-answer": 0.5,
};

const SNIPPET = 160;

/** A short quote around the first match of `re` (or the start of the text). */
export function quote(text: string, re?: RegExp): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const at = re ? flat.search(re) : 0;
  const start = Math.max(0, at < 0 ? 0 : at - 40);
  const cut = flat.slice(start, start + SNIPPET);
  return `${start > 0 ? "…" : ""}${cut}${start + SNIPPET < flat.length ? "…" : ""}`;
}

/** Tool or code-execution output: `exitcode: 1`, a traceback, an error line. */
const TOOL_OUTPUT = /^\s*(exitcode:|code output:|tool (result|output)\b)/i;
const FAILED_RUN =
  /exitcode:\s*[1-9]|\(execution failed\)|traceback \(most recent call last\)|\b\w*(Error|Exception): |\berror:\s|command not found|no such file or directory/i;
/** A later step saying an earlier one was wrong. */
const CORRECTION =
  /\b(incorrect|not correct|mistake|wrong|erroneous|inaccurate|discrepanc\w*|doesn't match|does not match|not match|i apologi[sz]e|apologies|my (earlier|previous) \w+|let me (correct|fix|re-?\w+)|re-?evaluate|re-?examine|revisit|that is not right|was flawed)\b/i;
/** A step that says it works from invented or assumed data rather than the real source. */
const FABRICATION =
  /\b(hypothetical(ly)?|let'?s assume|assum(e|ing) (that|the)|for (the sake of )?(demonstration|illustration|example)|placeholder|mock(ed)? data|sample data|dummy|simulat(e|ed|ing)|made[- ]up|i (do not|don't|cannot|can't) (have )?(access|browse|view|open|listen)|unable to (access|view|open|retrieve|browse)|based on (my|general) knowledge)\b/i;
const TERMINATION = /^\s*(terminate|exit|done)\s*\.?\s*$/i;

/** Steps that only relay tool output (a code-execution terminal) are not decisions. */
export function isToolOutput(step: Step): boolean {
  return TOOL_OUTPUT.test(step.content) || /\bterminal\b|\bexecutor\b/i.test(step.agent);
}

/** Agents none of whose steps decide anything: the asker and the tool relays. */
export function passiveAgents(steps: readonly Step[]): Set<string> {
  const decides = new Map<string, boolean>();
  for (const s of steps) {
    const passive = isToolOutput(s) || /^(human|user)$/i.test(s.agent);
    decides.set(s.agent, (decides.get(s.agent) ?? false) || !passive);
  }
  return new Set([...decides].filter(([, d]) => !d).map(([a]) => a));
}

function normalizeHandoff(name: string): string {
  return name.replace(/[^\w.-]+$/, "");
}

function substantive(step: Step): boolean {
  return !TERMINATION.test(step.content) && step.content.trim().length > 0;
}

/** The nearest step before `i` by an agent that decides (not a tool relay or the asker). */
function previousActor(steps: readonly Step[], i: number, passive: Set<string>, skip?: string) {
  for (let j = i - 1; j >= 0; j--) {
    const s = steps[j] as Step;
    if (passive.has(s.agent) || isToolOutput(s) || !substantive(s)) continue;
    if (skip !== undefined && s.agent === skip) continue;
    return s;
  }
  return undefined;
}

function errorsOf(step: Step): string | undefined {
  if (step.errors?.length) return step.errors.join("; ");
  const failedTool = step.toolCalls?.find((c) => c.error !== undefined);
  if (failedTool) return `tool ${failedTool.name}: ${failedTool.error}`;
  if (isToolOutput(step) && FAILED_RUN.test(step.content)) return quote(step.content, FAILED_RUN);
  return undefined;
}

/** A coordinator's step that hands the work to another agent: `Orchestrator (-> WebSurfer)`. */
const HANDOFF = /->\s*([\w.-]+)/;
/** How many steps after a handoff count as "what the handoff led to". */
const HANDOFF_WINDOW = 4;

/** Agents that hand work to others (their steps are plans and instructions, not results). */
function coordinators(steps: readonly Step[]): Set<string> {
  return new Set(steps.filter((s) => HANDOFF.test(s.role)).map((s) => s.agent));
}

/** Every signal in the trajectory, each pointing at the step it blames. */
export function collectSignals(
  steps: readonly Step[],
  weights: Record<SignalKind, number> = SIGNAL_WEIGHTS,
): Signal[] {
  const passive = passiveAgents(steps);
  const out: Signal[] = [];
  const add = (kind: SignalKind, step: Step, evidence: string) =>
    out.push({ kind, step: step.index, weight: weights[kind], evidence });
  const coordinating = coordinators(steps);
  const hasWorkers = steps.some(
    (s) => !passive.has(s.agent) && !coordinating.has(s.agent) && !isToolOutput(s),
  );
  let firstAction = false;
  steps.forEach((step, i) => {
    const blameable = !passive.has(step.agent) && !isToolOutput(step) && substantive(step);
    const error = errorsOf(step);
    if (error !== undefined) {
      // A failed tool call or code run: its own step if an agent made it, else the step
      // whose code or call it ran.
      if (blameable) add("error", step, `${step.agent} hit an error: ${error}`);
      else {
        const author = previousActor(steps, i, passive);
        if (author)
          add("caused-error", author, `step ${step.index} failed after it: ${quote(error)}`);
      }
    }
    if (!blameable) return;
    if (FABRICATION.test(step.content))
      add("fabrication", step, `works from assumed data: "${quote(step.content, FABRICATION)}"`);
    if (i > 0 && CORRECTION.test(step.content)) {
      // Correcting another agent blames that agent; an apology blames the speaker's own
      // previous step.
      const self = /\b(i apologi[sz]e|apologies|my (earlier|previous))\b/i.test(step.content);
      const target = self
        ? [...steps.slice(0, i)].reverse().find((s) => s.agent === step.agent && substantive(s))
        : previousActor(steps, i, passive, step.agent);
      if (target)
        add(
          "corrected",
          target,
          `step ${step.index} (${step.agent}) says: "${quote(step.content, CORRECTION)}"`,
        );
    }
    const handoff = HANDOFF.exec(step.role)?.[1];
    if (handoff !== undefined) {
      // The recipient's answer to a handoff, when what follows it goes wrong.
      const answer = steps.slice(i + 1).find((s) => s.agent === normalizeHandoff(handoff));
      const after = answer ? steps.slice(answer.index, answer.index + HANDOFF_WINDOW + 1) : [];
      const wrong = after.find(
        (s) =>
          CORRECTION.test(s.content) || FABRICATION.test(s.content) || errorsOf(s) !== undefined,
      );
      if (answer && wrong)
        add(
          "handoff",
          answer,
          `handed over at step ${step.index}; step ${wrong.index} then goes wrong: "${quote(wrong.content, CORRECTION)}"`,
        );
    }
    const worker = !hasWorkers || !coordinating.has(step.agent);
    if (!firstAction && i > 0 && worker) {
      firstAction = true;
      add("first-action", step, `first step acting on the task: "${quote(step.content)}"`);
    }
  });
  const last = [...steps]
    .reverse()
    .find((s) => !passive.has(s.agent) && !isToolOutput(s) && substantive(s) && s !== steps[0]);
  if (last) add("final-answer", last, `last substantive step: "${quote(last.content)}"`);
  return out;
}
