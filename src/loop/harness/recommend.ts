import type { Failure } from "../../core/index.js";
import type { ClusterRecord } from "../../store/index.js";
import {
  type ClusterReading,
  listed,
  ofTotal,
  oneLine,
  rankedHarness,
  readCluster,
  readingWeight,
  tally,
} from "./evidence.js";
import type { MemberReading } from "./read-member.js";
import type { HarnessKind, PromptHistory, Track, TrackRecommendation } from "./types.js";

/** The rules' numbers, named so that the README and the reasons can quote them. */
export const THRESHOLDS = {
  /** A harness cause behind at least this share of the cluster decides the track. */
  majority: 0.5,
  /** A harness cause under the majority but at least this share is still mentioned. */
  mention: 0.2,
  /** Failed prompt patches before fine-tuning is considered (seed 003: "3+ rounds"). */
  finetuneAttempts: 3,
  /** Passing trajectories fine-tuning needs (seed 003: "500+ clean trajectories"). */
  finetuneExamples: 500,
  /** Fewer distinct members than this lower the confidence by a quarter. */
  fewMembers: 3,
} as const;

/** What each harness cause is, in a reason's words. */
const WHAT: Record<HarnessKind, string> = {
  tools: "are tool calls that failed",
  retrieval: "found nothing to ground the answer in",
  timeouts: "hit a time limit",
  context: "ran out of context or output budget",
  provider: "failed at the model provider (rate limits, overload, 5xx)",
};

/** Why a prompt cannot be the fix, per cause. */
const WHY_NOT_PROMPT: Record<HarnessKind, string> = {
  tools: "no prompt makes a failing tool succeed",
  retrieval: "the knowledge is missing from what the agent can look up",
  timeouts: "the limit is set in the harness",
  context: "what enters the context is decided by the harness",
  provider: "retries, quotas and fallbacks live in the harness",
};

/** 0.65 at a bare majority, 0.95 when every member agrees. */
const confidenceOf = (share: number): number => 0.35 + 0.6 * share;
const round2 = (x: number): number => Math.round(Math.min(0.95, Math.max(0.05, x)) * 100) / 100;

/**
 * The track a cluster's fix belongs to, from its members (the caller reads them from the
 * store; `cluster` supplies the label and stats). Rules, in order:
 * 1. a harness cause (see `readMember`) behind ≥ 50% of the failures → `rag` for retrieval,
 *    else `code`, with that harness kind;
 * 2. harness causes together ≥ 50% with none a majority → the largest one's track, less sure;
 * 3. otherwise `prompt` (behaviour: format, personal data, refusals, tool use, content…);
 * 4. a prompt-track cluster that ≥ 3 prompt patches did not fix → `finetune`, unless fewer than
 *    500 passing examples are known to exist.
 * Confidence is 0.35 + 0.6 × the deciding share, lowered for mixed causes, few members and
 * a history that contradicts the track.
 */
export function recommendTrack(
  cluster: ClusterRecord,
  members: readonly Failure[],
  history?: PromptHistory,
): TrackRecommendation {
  const reading = readCluster(members);
  const base = baseRecommendation(reading);
  const reasons = [...base.reasons];
  let { track, confidence } = base;
  if (members.length > 0 && members.length < THRESHOLDS.fewMembers) {
    confidence *= 0.75;
    reasons.push(`only ${members.length} distinct failure(s) read: confidence lowered`);
  }
  if (history) ({ track, confidence } = applyHistory(track, confidence, history, reasons));
  if (members.length > 0 && reading.total < cluster.size) {
    reasons.push(`read ${reading.total} of the cluster's ${cluster.size} failures`);
  }
  return {
    track,
    confidence: round2(confidence),
    reasons,
    ...(base.harness && (track === "code" || track === "rag") ? { harness: base.harness } : {}),
    causes: reading.causes,
    members: members.length,
  };
}

interface Base {
  track: Track;
  confidence: number;
  reasons: string[];
  harness?: TrackRecommendation["harness"];
}

function baseRecommendation(reading: ClusterReading): Base {
  const { readings, total, causes } = reading;
  if (readings.length === 0) {
    return {
      track: "prompt",
      confidence: 0.2,
      reasons: ["no member failures to read: a prompt patch is the default"],
    };
  }
  const ranked = rankedHarness(causes);
  const harnessTotal = ranked.reduce((sum, [, count]) => sum + count, 0);
  const [top] = ranked;
  if (top && top[1] / total >= THRESHOLDS.majority) {
    const [kind, count] = top;
    const rejected = kind === "tools" ? rejectedArguments(readings, count) : undefined;
    const reasons = [
      `${ofTotal(count, total)} ${WHAT[kind]}${detail(kind, readings)}: ${WHY_NOT_PROMPT[kind]}`,
      ...exampleOf(kind, readings),
      ...(rejected ? [rejected] : []),
      ...minorities(ranked.slice(1), total),
    ];
    return {
      track: trackOf(kind),
      // A tool turning down the model's arguments can also be met from the prompt side.
      confidence: confidenceOf(count / total) - (rejected ? 0.1 : 0),
      reasons,
      harness: { kind, summary: summaryOf(kind, count, total, readings) },
    };
  }
  if (top && harnessTotal / total >= THRESHOLDS.majority) {
    const [kind, count] = top;
    return {
      track: trackOf(kind),
      confidence: confidenceOf(harnessTotal / total) - 0.1,
      reasons: [
        `${ofTotal(harnessTotal, total)} have harness causes (${listed(ranked, 5)}), none a majority alone; the largest: ${kind}`,
        ...exampleOf(kind, readings),
      ],
      harness: { kind, summary: summaryOf(kind, count, total, readings) },
    };
  }
  return promptRecommendation(reading, ranked);
}

function promptRecommendation(
  { readings, total, causes }: ClusterReading,
  ranked: Array<[HarnessKind, number]>,
): Base {
  const behaviour = readings.filter((r) => r.cause === "behaviour");
  const withHabit = behaviour.filter((r) => r.habits.length > 0);
  const habitWeight = withHabit.reduce((sum, r) => sum + readingWeight(r), 0);
  const habits = tally(
    withHabit.flatMap((r) => r.habits.map((habit) => ({ habit, weight: readingWeight(r) }))),
    (h) => h.habit,
    (h) => h.weight,
  );
  const reasons = [
    habitWeight > 0
      ? `${ofTotal(causes.behaviour, total)} are behaviour a prompt steers (${listed(habits, 5)}), with no harness cause`
      : `${ofTotal(causes.behaviour, total)} show no harness cause (no tool error, empty search, time or context limit, provider error): a prompt patch is the default`,
    ...minorities(ranked, total),
  ];
  if (habitWeight > 0 && habitWeight < causes.behaviour) {
    reasons.push(`${causes.behaviour - habitWeight} of them name no particular behaviour`);
  }
  const invented = habits.find(([habit]) => habit === "invented facts");
  if (invented) {
    reasons.push(
      `${invented[1]} state facts with no retrieval call: if the facts exist in documents, consider rag`,
    );
  }
  return { track: "prompt", confidence: confidenceOf(habitWeight / total), reasons };
}

function applyHistory(
  track: Track,
  confidence: number,
  history: PromptHistory,
  reasons: string[],
): { track: Track; confidence: number } {
  const { promptAttempts: attempts, fixed, passingExamples: examples } = history;
  if (fixed) {
    if (track === "prompt") {
      reasons.push(`a prompt patch fixed it (${attempts} attempt(s))`);
      return { track, confidence: Math.max(confidence, 0.9) };
    }
    reasons.push(
      `a prompt patch fixed it after ${attempts} attempt(s): check the fix holds before changing the harness`,
    );
    return { track, confidence: confidence - 0.2 };
  }
  if (attempts <= 0) return { track, confidence };
  if (track !== "prompt") {
    reasons.push(`${attempts} prompt patch(es) did not fix it, as expected of a harness cause`);
    return { track, confidence: confidence + 0.05 };
  }
  if (attempts < THRESHOLDS.finetuneAttempts) {
    reasons.push(
      `${attempts} prompt patch(es) did not fix it yet; fine-tuning is considered from ${THRESHOLDS.finetuneAttempts}`,
    );
    return { track, confidence: confidence - 0.1 };
  }
  const plateau = `${attempts} prompt patches did not fix it (≥ ${THRESHOLDS.finetuneAttempts}: prompt iteration has plateaued)`;
  if (examples === undefined) {
    reasons.unshift(
      plateau,
      `passing examples not counted: fine-tuning needs ≥ ${THRESHOLDS.finetuneExamples} clean passing trajectories, count them first`,
    );
    return { track: "finetune", confidence: 0.5 };
  }
  if (examples >= THRESHOLDS.finetuneExamples) {
    reasons.unshift(
      plateau,
      `${examples} passing examples available (≥ ${THRESHOLDS.finetuneExamples}) to fine-tune on`,
    );
    return { track: "finetune", confidence: 0.65 + 0.05 * Math.min(4, attempts - 3) };
  }
  reasons.push(
    plateau,
    `fine-tuning blocked: only ${examples} passing examples (< ${THRESHOLDS.finetuneExamples}); rework the cases or collect passing trajectories`,
  );
  return { track, confidence: confidence - 0.2 };
}

/**
 * When most tool errors turn down the model's arguments, the tool is still where the fix
 * lasts (normalize, explain), but a prompt patch on how to pass them is an alternative.
 */
function rejectedArguments(readings: readonly MemberReading[], tools: number): string | undefined {
  const rejected = readings
    .filter((r) => r.cause === "tools" && r.rejected)
    .reduce((sum, r) => sum + readingWeight(r), 0);
  if (rejected * 2 < tools) return undefined;
  return `${rejected} of these ${tools} are arguments the tool turned down: make the tool accept or explain them; a prompt patch on how to pass them is the alternative`;
}

const trackOf = (kind: HarnessKind): Track => (kind === "retrieval" ? "rag" : "code");

function minorities(ranked: Array<[HarnessKind, number]>, total: number): string[] {
  return ranked
    .filter(([, count]) => count / total >= THRESHOLDS.mention)
    .map(
      ([kind, count]) =>
        `also ${ofTotal(count, total)} ${WHAT[kind]}: see \`ratchet clusters ticket\``,
    );
}

const ofKind = (kind: HarnessKind, readings: readonly MemberReading[]) =>
  readings.filter((r) => r.cause === kind);

/** " (issue_refund 4, lookup_order 1)" for tool and retrieval causes. */
function detail(kind: HarnessKind, readings: readonly MemberReading[]): string {
  if (kind !== "tools" && kind !== "retrieval") return "";
  const tools = tally(ofKind(kind, readings), (r) => r.tool, readingWeight);
  return tools.length > 0 ? ` (${listed(tools)})` : "";
}

/** The most common evidence text of a cause, as a reason. */
function exampleOf(kind: HarnessKind, readings: readonly MemberReading[]): string[] {
  const [top] = tally(
    ofKind(kind, readings),
    (r) => (r.evidence ? oneLine(r.evidence, 120) : undefined),
    readingWeight,
  );
  return top ? [`most common: "${top[0]}" (${top[1]})`] : [];
}

function summaryOf(
  kind: HarnessKind,
  count: number,
  total: number,
  readings: readonly MemberReading[],
): string {
  return `${ofTotal(count, total)} ${WHAT[kind]}${detail(kind, readings)}`;
}
