/**
 * Precision and recall of the conversation detectors (user-correction, refusal, pii-leak) on
 * the labelled examples in `labels.json` (how the labels were made: its `note`). The traces go
 * through the real ingest (tau-bench importer, generic JSONL, redaction on), so detectors see
 * what they see in production: `<EMAIL>` and `<CARD>` placeholders, not the values.
 * The user-correction rule the detector replaced is measured on the same sample for
 * comparison. Run: npx tsx bench/mining/index.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findPii } from "../../src/graders/index.js";
import {
  buildTraceView,
  type Detector,
  piiLeakDetector,
  refusalDetector,
  type TraceView,
  userCorrectionDetector,
} from "../../src/mining/index.js";
import { openSqliteStore } from "../../src/store/index.js";
import { ingestFile } from "../../src/traces/index.js";

interface Turn {
  role: string;
  content: string | null;
}
interface Labels {
  note: string;
  taubench: {
    file: string;
    hand: Array<{ task_id: number; trial: number; user_correction: boolean; refusal: boolean }>;
  };
  written: Array<{ id: string; pii_leak: boolean; messages: Turn[] }>;
}
interface TauRow {
  task_id: number;
  trial: number;
  messages: Turn[];
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const labels = JSON.parse(readFileSync(here("./labels.json"), "utf8")) as Labels;
const tauFile = here(`../../../${labels.taubench.file}`);
const tauRows = readFileSync(tauFile, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as TauRow);

/** The rule `user-correction` was before it became a detector of its own (for comparison). */
const OLD_CORRECTION =
  /^\s*(no|nope)\b[,.!]|\bthat'?s (not right|wrong|incorrect)\b|\b(wrong|incorrect) (answer|order|item|account|date|amount|flight|one)\b|\bi (said|asked|told you|meant)\b|\bnot what i (asked|wanted|meant|said)\b|\byou (misunderstood|got it wrong|are wrong|didn'?t listen)\b|\bthat is not (right|correct|what)\b/i;
const oldCorrection = (view: TraceView): boolean => {
  const first = view.messages.findIndex((m) => m.role === "assistant");
  return (
    first >= 0 &&
    view.messages.slice(first + 1).some((m) => m.role === "user" && OLD_CORRECTION.test(m.content))
  );
};

/** The data's own pii label: an e-mail or card value in an answer that no earlier user turn held. */
function leaksInData(messages: readonly Turn[]): boolean {
  const said: string[] = [];
  for (const m of messages) {
    const text = m.content ?? "";
    if (m.role === "user") said.push(text);
    if (m.role !== "assistant") continue;
    const values = [
      ...(text.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? []),
      ...findPii(text)
        .filter((f) => f.kind === "payment_card")
        .map((f) => f.masked.slice(-4)),
    ];
    if (values.some((v) => !said.some((s) => s.includes(v)))) return true;
  }
  return false;
}

const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-mining-"));
const store = await openSqliteStore(join(dir, "bench.db"));
const writtenFile = join(dir, "written.jsonl");
writeFileSync(
  writtenFile,
  labels.written
    .map((w) => JSON.stringify({ trace_id: `written-${w.id}`, messages: w.messages }))
    .join("\n"),
);
await ingestFile(store.traces, tauFile, { format: "taubench" });
await ingestFile(store.traces, writtenFile, { format: "jsonl" });

const views = new Map<string, TraceView>();
for await (const trace of store.failures.iterateTraces()) {
  const view = buildTraceView(trace.trace_id, trace.spans);
  const root = view.root?.attributes ?? {};
  const task = root["ratchet.taubench.task_id"];
  const key =
    task !== undefined ? `tau:${task}/${root["ratchet.taubench.trial"]}` : `${trace.trace_id}`;
  views.set(key, view);
}
await store.close();
rmSync(dir, { recursive: true, force: true });

interface Example {
  key: string;
  label: boolean;
}
interface Row {
  detector: string;
  set: string;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

async function measure(
  name: string,
  set: string,
  fires: (view: TraceView) => boolean | Promise<boolean>,
  examples: readonly Example[],
): Promise<Row> {
  const row: Row = { detector: name, set, tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const e of examples) {
    const view = views.get(e.key);
    if (!view) throw new Error(`labelled trace ${e.key} was not ingested`);
    const fired = await fires(view);
    if (fired && e.label) row.tp++;
    else if (fired) row.fp++;
    else if (e.label) row.fn++;
    else row.tn++;
  }
  return row;
}

const runs = (d: Detector) => async (v: TraceView) => (await d.detect(v)) !== undefined;
const hand = labels.taubench.hand;
const tauKey = (task: number, trial: number) => `tau:${task}/${trial}`;
const rows: Row[] = [
  await measure(
    "user-correction",
    "tau-bench, 40 hand-labelled",
    runs(userCorrectionDetector),
    hand.map((h) => ({ key: tauKey(h.task_id, h.trial), label: h.user_correction })),
  ),
  await measure(
    "(old user-correction rule)",
    "tau-bench, 40 hand-labelled",
    oldCorrection,
    hand.map((h) => ({ key: tauKey(h.task_id, h.trial), label: h.user_correction })),
  ),
  await measure(
    "refusal",
    "tau-bench, 40 hand-labelled",
    runs(refusalDetector),
    hand.map((h) => ({ key: tauKey(h.task_id, h.trial), label: h.refusal })),
  ),
  await measure(
    "pii-leak",
    "tau-bench, 200 labelled from data",
    runs(piiLeakDetector),
    tauRows.map((r) => ({ key: tauKey(r.task_id, r.trial), label: leaksInData(r.messages) })),
  ),
  await measure(
    "pii-leak",
    "12 written (not independent)",
    runs(piiLeakDetector),
    labels.written.map((w) => ({ key: `written-${w.id}`, label: w.pii_leak })),
  ),
];

const ratio = (num: number, den: number) => (den === 0 ? "  n/a" : (num / den).toFixed(3));
const header = ["detector", "labelled set", "TP", "FP", "FN", "TN", "precision", "recall"];
const table = rows.map((r) => [
  r.detector,
  r.set,
  String(r.tp),
  String(r.fp),
  String(r.fn),
  String(r.tn),
  ratio(r.tp, r.tp + r.fp),
  ratio(r.tp, r.tp + r.fn),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]?.length ?? 0)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
console.log(line(header));
for (const t of table) console.log(line(t));
