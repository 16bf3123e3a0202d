/**
 * In-process CPU profiling around one measured block (V8's sampling profiler through
 * node:inspector), summarised by self time per function and per package / src module.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: ProfileRow[];
  groups: ProfileRow[];
  /** Inclusive time of our own functions (src/…): what each one costs with all it calls. */
  inclusiveSrc: ProfileRow[];
}

export async function profile<T>(
  block: () => Promise<T>,
): Promise<{ value: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  try {
    const value = await block();
    const { profile: raw } = (await session.post("Profiler.stop")) as { profile: CpuProfile };
    // For digging further (callers of a hot function, flame graphs in DevTools).
    const out = process.env.BENCH_PROFILE_OUT;
    if (out) writeFileSync(`${out}.${process.pid}.cpuprofile`, JSON.stringify(raw));
    return { value, summary: summarise(raw) };
  } finally {
    session.disconnect();
  }
}

/** `node_modules/<pkg>`, `src/<module>`, or a V8 pseudo-node like `(garbage collector)`. */
function groupOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (modules) return modules[1] ?? url;
  const src = url.match(/\/(?:src|dist)\/([^/]+)\//);
  if (src) return `src/${src[1]}`;
  if (url.startsWith("node:")) return url;
  return url.replace(/^.*\/(bench\/)/, "$1");
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, "")
    .replace(/^.*node_modules\//, "")
    .replace(/^.*\/(src|dist|bench)\//, "$1/");
}

function summarise(raw: CpuProfile): ProfileSummary {
  const byId = new Map(raw.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of raw.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const fn = new Map<string, number>();
  const group = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  raw.samples.forEach((id, i) => {
    const us = raw.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === "(idle)") return;
    total += us;
    const frame = node.callFrame;
    const name = `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const g = groupOf(frame);
    group.set(g, (group.get(g) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (!f || !/\/(src|dist)\//.test(f.url) || /node_modules/.test(f.url)) continue;
      const key = `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  });
  const rows = (map: Map<string, number>, limit: number): ProfileRow[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 }));
  return {
    totalMs: total / 1000,
    functions: rows(fn, ROWS),
    groups: rows(group, 15),
    inclusiveSrc: rows(inclusive, ROWS),
  };
}

/** Rows per table; BENCH_PROFILE_ROWS=60 shows more. */
const ROWS = Number(process.env.BENCH_PROFILE_ROWS ?? 25);

export function formatSummary(title: string, summary: ProfileSummary): string {
  const line = (row: ProfileRow) =>
    `  ${row.ms.toFixed(0).padStart(7)} ms ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.name}`;
  return [
    `--- CPU profile: ${title} (non-idle ${summary.totalMs.toFixed(0)} ms, self time) ---`,
    " by package / module:",
    ...summary.groups.map(line),
    " by function:",
    ...summary.functions.map(line),
    " our functions, inclusive (with everything they call):",
    ...summary.inclusiveSrc.map(line),
  ].join("\n");
}
