import type { Failure, FailureToolCall, JsonValue } from "../../core/index.js";
import {
  CONTEXT_RE,
  FORMAT_RE,
  HABIT_GRADERS,
  INVENTED_RE,
  isEmptyResult,
  isRetrievalTool,
  LENGTH_FINISH_RE,
  MAX_SCAN,
  MISSING_TOOL_RE,
  NO_RESULTS_RE,
  PERSONAL_DATA_RE,
  PROVIDER_RE,
  REJECTED_RE,
  TIMEOUT_RE,
} from "./patterns.js";
import type { Cause, Habit } from "./types.js";

/** One member failure as the recommender reads it. */
export interface MemberReading {
  failure: Failure;
  cause: Cause;
  /** The tool involved (tool and retrieval causes). */
  tool?: string;
  /** The text that decided a harness cause: an error, an empty result, a reason. */
  evidence?: string;
  /** A tool error that turns down the model's arguments ("not found", "invalid"…). */
  rejected?: boolean;
  /** Behaviour a prompt steers that the member shows (graders, signal, reason). */
  habits: Habit[];
}

const USER_SIGNALS = new Set(["user_correction", "abandonment", "business_metric"]);
/** Graders whose failure says nothing about behaviour (budgets are the harness's). */
const BUDGET_GRADERS = new Set(["latency", "cost"]);

const scan = (re: RegExp, text: string | undefined): boolean =>
  text !== undefined && re.test(text.slice(0, MAX_SCAN));

/**
 * The first harness cause that fits, in this order: context, retrieval, tools, provider,
 * timeouts; otherwise behaviour. A tool that times out is a tool cause (its call failed);
 * `timeouts` is the attempt's own time limit. Reasons of user corrections are left out of
 * the scan: they quote the user.
 */
export function readMember(failure: Failure): MemberReading {
  const calls = failure.tool_calls ?? [];
  const failed = calls.filter((c): c is FailureToolCall & { error: string } =>
    Boolean(c.error?.trim()),
  );
  const toolErrorTexts = new Set(failed.map((c) => c.error.trim()));
  // Mining copies a trace's first error into `error`; when that is a tool's, the call has it.
  const ownError =
    failure.error?.trim() && !toolErrorTexts.has(failure.error.trim()) ? failure.error : undefined;
  const reason = failure.signal_type === "user_correction" ? undefined : failure.reason;
  const graders = gradersOf(failure.context);
  const habits = habitsOf(failure, reason, graders);
  const harness = (cause: Cause, evidence: string, tool?: string): MemberReading => ({
    failure,
    cause,
    evidence: evidence.slice(0, 300),
    ...(tool !== undefined ? { tool } : {}),
    habits,
  });

  for (const call of failed) {
    if (scan(CONTEXT_RE, call.error)) return harness("context", call.error, call.name);
  }
  for (const text of [ownError, reason]) {
    if (text && scan(CONTEXT_RE, text)) return harness("context", text);
  }
  const finish = finishReasons(failure.context).find((r) => LENGTH_FINISH_RE.test(r));
  if (finish) return harness("context", `finish reason \`${finish}\``);

  const retrieval = calls.filter((c) => isRetrievalTool(c.name));
  for (const call of retrieval) {
    const empty = call.error
      ? scan(NO_RESULTS_RE, call.error)
      : call.result !== undefined && isEmptyResult(call.result);
    if (empty) {
      return harness("retrieval", call.error ?? `returned ${shown(call.result)}`, call.name);
    }
  }
  for (const text of [ownError, reason]) {
    if (text && scan(NO_RESULTS_RE, text)) return harness("retrieval", text, retrieval[0]?.name);
  }
  const retrieved = retrieval[0];
  if (retrieved && reason && scan(INVENTED_RE, reason)) {
    return harness("retrieval", reason, retrieved.name);
  }

  const firstFailed = failed[0];
  if (firstFailed) {
    return {
      ...harness("tools", firstFailed.error, firstFailed.name),
      rejected: failed.some((c) => scan(REJECTED_RE, c.error)),
    };
  }
  for (const text of [ownError, reason]) {
    if (text && scan(MISSING_TOOL_RE, text)) return harness("tools", text);
  }
  for (const text of [ownError, reason]) {
    if (text && scan(PROVIDER_RE, text)) return harness("provider", text);
  }
  for (const text of [ownError, reason]) {
    if (text && scan(TIMEOUT_RE, text)) return harness("timeouts", text);
  }
  if (graders.includes("latency"))
    return harness("timeouts", reason ?? "the latency grader failed");
  return { failure, cause: "behaviour", habits };
}

function habitsOf(failure: Failure, reason: string | undefined, graders: string[]): Habit[] {
  const habits = new Set<Habit>();
  if (failure.signal_type === "pii_leak" || scan(PERSONAL_DATA_RE, reason)) {
    habits.add("personal data");
  }
  if (failure.signal_type === "refusal") habits.add("refusal");
  if (scan(FORMAT_RE, reason)) habits.add("format");
  if (scan(INVENTED_RE, reason)) habits.add("invented facts");
  for (const grader of graders) {
    const habit = HABIT_GRADERS[grader];
    if (habit) habits.add(habit);
    else if (!BUDGET_GRADERS.has(grader)) habits.add("content");
  }
  if (failure.signal_type === "llm_judge_fail") habits.add("content");
  if (USER_SIGNALS.has(failure.signal_type)) habits.add("user dissatisfaction");
  return [...habits];
}

function gradersOf(context: Record<string, JsonValue>): string[] {
  const graders = context.graders;
  return Array.isArray(graders) ? graders.filter((g): g is string => typeof g === "string") : [];
}

/** Values under keys such as `finish_reason`, `finish_reasons`, `stop_reason`. */
function finishReasons(context: Record<string, JsonValue>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(context)) {
    if (!/finish|stop_reason/i.test(key)) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === "string") out.push(item);
    }
  }
  return out;
}

function shown(result: string | undefined): string {
  const text = (result ?? "").trim();
  return text === "" ? "nothing" : `\`${text.slice(0, 80)}\``;
}
