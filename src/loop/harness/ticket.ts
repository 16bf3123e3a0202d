import type { Failure } from "../../core/index.js";
import type { ClusterRecord } from "../../store/index.js";
import { FINETUNE_ADVICE, harnessAdvice } from "./advice.js";
import {
  listed,
  oneLine,
  rankedHarness,
  readCluster,
  readingWeight,
  tally,
  weightOf,
} from "./evidence.js";
import type { MemberReading } from "./read-member.js";
import { THRESHOLDS } from "./recommend.js";
import type { Cause, HarnessKind, TrackRecommendation } from "./types.js";

const CAUSE_LABEL: Record<Cause, string> = {
  tools: "tool errors",
  retrieval: "retrieval found nothing",
  timeouts: "time limits",
  context: "context or output budget",
  provider: "model provider errors",
  behaviour: "behaviour (prompt)",
};

const REPRESENTATIVES = 5;
const ERROR_ROWS = 10;
const CASES_LISTED = 20;
const TRACES_LISTED = 10;

/**
 * A Markdown ticket for the people who own the harness: what is failing, the evidence
 * (counts, error texts, representative members with their already-redacted text), what to
 * change and how to verify. Ratchet writes it; nobody applies it automatically. For a
 * cluster whose recommended track is not the harness, the ticket says so and why.
 */
export function harnessTicket(
  cluster: ClusterRecord,
  members: readonly Failure[],
  recommendation: TrackRecommendation,
): string {
  const reading = readCluster(members);
  const kind = recommendation.harness?.kind;
  const out: string[] = [
    `# Harness proposal: ${inline(cluster.label)}`,
    "",
    `Cluster \`${cluster.id}\` (${cluster.status}) · size ${cluster.size} (${members.length} distinct failures) · first seen ${cluster.first_seen} · last seen ${cluster.last_seen} · trend ${cluster.stats.trend}`,
    "",
    `**Recommended track: ${recommendation.track}**${kind ? ` · harness: **${kind}**` : ""} · confidence ${recommendation.confidence.toFixed(2)}`,
    "",
    `> ${verdictLine(recommendation)} This is a proposal for people to review: Ratchet never applies it.`,
    "",
    "## What is failing",
    "",
    ...(cluster.description ? [inline(cluster.description), ""] : []),
    ...(recommendation.harness ? [`${inline(recommendation.harness.summary)}.`, ""] : []),
    "Why this track:",
    "",
    ...recommendation.reasons.map((r) => `- ${inline(r)}`),
    "",
    "## Evidence",
    "",
    ...causeTable(reading.readings, reading.total),
    "",
    ...statsLines(cluster),
    "",
    ...errorTable(reading.readings),
    "## Representative members",
    "",
    ...representatives(cluster, reading.readings),
    "## What to change",
    "",
    ...whatToChange(recommendation, reading.readings, reading.causes, reading.total),
    "",
    "## How to verify",
    "",
    ...howToVerify(cluster, reading.readings),
  ];
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function verdictLine(recommendation: TrackRecommendation): string {
  switch (recommendation.track) {
    case "code":
      return "The fix belongs in the harness (code, tools, limits around the model), not the prompt.";
    case "rag":
      return "The fix belongs in retrieval: the agent lacks the knowledge, the prompt cannot supply it.";
    case "prompt":
      return "No harness change is recommended: a prompt patch is the recommended track for this cluster.";
    case "finetune":
      return "No harness change is recommended: prompt patches have plateaued and fine-tuning is the recommended track.";
  }
}

function causeTable(readings: readonly MemberReading[], total: number): string[] {
  const rows = tally(readings, (r) => r.cause, readingWeight);
  const distinct = tally(
    readings,
    (r) => r.cause,
    () => 1,
  );
  return [
    "| cause | failures | distinct | share |",
    "|---|---:|---:|---:|",
    ...rows.map(
      ([cause, count]) =>
        `| ${CAUSE_LABEL[cause as Cause]} | ${count} | ${distinct.find(([c]) => c === cause)?.[1] ?? 0} | ${Math.round((100 * count) / Math.max(1, total))}% |`,
    ),
  ];
}

function statsLines(cluster: ClusterRecord): string[] {
  const line = (name: string, counts: Record<string, number> | undefined) => {
    const text = listed(
      Object.entries(counts ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
      8,
    );
    return text ? [`- ${name}: ${inline(text)}`] : [];
  };
  return [
    ...line("signals", cluster.stats.signal_types),
    ...line("detectors", cluster.stats.detectors),
    ...line("failing graders", cluster.stats.graders),
    ...line("tools", cluster.stats.tools),
    ...line("agents", cluster.stats.agents),
    ...line("severity", cluster.stats.severity),
  ];
}

/** Every error the members carry (tool calls' and their own), grouped by tool and text. */
function errorTable(readings: readonly MemberReading[]): string[] {
  const errors = readings.flatMap((r) => {
    const seen = new Set<string>();
    const rows: Array<{ key: string; weight: number }> = [];
    const add = (tool: string, text: string) => {
      const key = `${tool}\u0000${oneLine(text)}`;
      if (!seen.has(key)) rows.push({ key, weight: readingWeight(r) });
      seen.add(key);
    };
    for (const call of r.failure.tool_calls ?? []) {
      if (call.error?.trim()) add(call.name, call.error);
    }
    if (r.failure.error?.trim()) {
      const own = oneLine(r.failure.error);
      if (![...seen].some((key) => key.endsWith(`\u0000${own}`))) add("-", r.failure.error);
    }
    return rows;
  });
  const rows = tally(
    errors,
    (e) => e.key,
    (e) => e.weight,
  );
  if (rows.length === 0) return ["No member carries an error text.", ""];
  return [
    "### Errors",
    "",
    "| tool | error | failures |",
    "|---|---|---:|",
    ...rows.slice(0, ERROR_ROWS).map(([key, count]) => {
      const [tool, text] = key.split("\u0000");
      return `| ${cell(tool ?? "-")} | ${cell(text ?? "")} | ${count} |`;
    }),
    ...(rows.length > ERROR_ROWS ? [`| … | ${rows.length - ERROR_ROWS} more | |`] : []),
    "",
  ];
}

function representatives(cluster: ClusterRecord, readings: readonly MemberReading[]): string[] {
  const byId = new Map(readings.map((r) => [r.failure.id, r]));
  const chosen: MemberReading[] = [];
  for (const id of cluster.representatives) {
    const reading = byId.get(id);
    if (reading && chosen.length < REPRESENTATIVES) chosen.push(reading);
  }
  const rest = [...readings]
    .filter((r) => !chosen.includes(r))
    .sort(
      (a, b) => readingWeight(b) - readingWeight(a) || a.failure.id.localeCompare(b.failure.id),
    );
  chosen.push(...rest.slice(0, REPRESENTATIVES - chosen.length));
  if (chosen.length === 0) return ["No member failures were given.", ""];
  return chosen.flatMap((r, i) => {
    const f = r.failure;
    const cause =
      r.cause === "behaviour"
        ? `behaviour${r.habits.length ? `: ${r.habits.join(", ")}` : ""}`
        : r.cause;
    return [
      `### ${i + 1}. \`${f.id}\` · ${f.signal_type}, ${f.severity}${f.count > 1 ? `, ×${f.count}` : ""} · ${cause}${r.tool ? ` (${r.tool})` : ""}`,
      "",
      `- reason: ${inline(oneLine(f.reason, 400))}`,
      ...(r.evidence && r.cause !== "behaviour"
        ? [`- evidence: ${inline(oneLine(r.evidence, 300))}`]
        : []),
      ...(f.agent ? [`- agent: ${inline(f.agent)}`] : []),
      `- trace: \`${f.trace_id}\``,
      "",
      ...fenced(clip(f.redacted_text, 1200)),
      "",
    ];
  });
}

function whatToChange(
  recommendation: TrackRecommendation,
  readings: readonly MemberReading[],
  causes: Record<Cause, number>,
  total: number,
): string[] {
  const toolsOf = (kind: HarnessKind) =>
    tally(
      readings.filter((r) => r.cause === kind),
      (r) => r.tool,
      readingWeight,
    ).map(([name]) => name);
  const bullets = (lines: readonly string[]) => lines.map((line) => `- ${line}`);
  const kind = recommendation.harness?.kind;
  if (kind) return bullets(harnessAdvice(kind, { tools: toolsOf(kind) }));
  const out =
    recommendation.track === "finetune"
      ? bullets(FINETUNE_ADVICE)
      : [
          "Nothing in the harness: a prompt patch is the recommended track. The prompt-improvement loop takes this cluster; its members' behaviour is listed above.",
        ];
  // Harness causes too small to decide the track still deserve their own fix.
  for (const [minor, count] of rankedHarness(causes)) {
    if (count / Math.max(1, total) < THRESHOLDS.mention) continue;
    out.push(
      "",
      `For the ${count} of ${total} failures with ${CAUSE_LABEL[minor]}:`,
      "",
      ...bullets(harnessAdvice(minor, { tools: toolsOf(minor) })),
    );
  }
  return out;
}

function howToVerify(cluster: ClusterRecord, readings: readonly MemberReading[]): string[] {
  const fromEval = readings.filter((r) => typeof r.failure.context.case_id === "string");
  const cases = tally(fromEval, (r) => String(r.failure.context.case_id), readingWeight).map(
    ([id]) => id,
  );
  const traces = readings
    .filter((r) => typeof r.failure.context.case_id !== "string")
    .sort((a, b) => weightOf(b.failure) - weightOf(a.failure))
    .map((r) => r.failure.trace_id);
  const steps = [
    `Draft regression cases from the members, so the fix is checked by a suite: \`ratchet evals draft --cluster ${cluster.id}\`, then approve them.`,
  ];
  if (cases.length > 0) {
    const listedCases = cases.slice(0, CASES_LISTED).join(" ");
    steps.push(
      `Re-run the eval cases this cluster came from and expect them to pass: \`ratchet eval --case ${listedCases}\`${cases.length > CASES_LISTED ? ` (and ${cases.length - CASES_LISTED} more)` : ""}.`,
    );
  }
  if (traces.length > 0) {
    steps.push(
      `Production traces to replay or compare against: ${[...new Set(traces)]
        .slice(0, TRACES_LISTED)
        .map((t) => `\`${t}\``)
        .join(", ")}.`,
    );
  }
  steps.push(
    `After the change ships, ingest fresh traces, run \`ratchet clusters build\` and \`ratchet clusters show ${cluster.id}\`: no member should be newer than the change, and a cluster whose failures stop is retired.`,
  );
  return steps.map((step, i) => `${i + 1}. ${step}`);
}

/** Text on one line that cannot break the Markdown around it. */
function inline(text: string): string {
  return oneLine(text, 2000).replace(/([<>])/g, "\\$1");
}

function cell(text: string): string {
  return inline(text).replace(/\|/g, "\\|");
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A fence longer than any backtick run in the text, so the text cannot close it. */
function fenced(text: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}text`, text, fence];
}
