import type { Command } from "commander";
import { InputError, type Span } from "../../core/index.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { openTraceContext } from "./serve.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Production text on one line, control characters (terminal commands) shown as U+FFFD. */
function one(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ").trim().replace(CONTROL, "\ufffd");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const kv = (record: Record<string, unknown>) =>
  Object.entries(record)
    .map(([k, v]) => `${k}=${one(typeof v === "string" ? v : JSON.stringify(v), 60)}`)
    .join(" ");

/** The spans as a tree, each with its scope and links; a resource is printed when it changes. */
export function renderTrace(spans: Span[]): string[] {
  const children = new Map<string | undefined, Span[]>();
  const ids = new Set(spans.map((s) => s.span_id));
  for (const span of spans) {
    // A span whose parent is not stored is shown at the top.
    const parent =
      span.parent_span_id !== undefined && ids.has(span.parent_span_id)
        ? span.parent_span_id
        : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  let lastResource: string | undefined;
  const walk = (span: Span, depth: number) => {
    const pad = "  ".repeat(depth);
    const resource = span.resource ? kv(span.resource) : undefined;
    if (resource !== undefined && resource !== lastResource) {
      lines.push(`${pad}resource  ${resource}`);
      lastResource = resource;
    }
    const ms = Math.round((span.end_ms - span.start_ms) * 1000) / 1000;
    const status =
      span.status.code === "unset"
        ? ""
        : ` ${span.status.code.toUpperCase()}${span.status.message ? ` ${one(span.status.message, 80)}` : ""}`;
    lines.push(`${pad}${one(span.name, 80)}  ${span.kind} ${ms} ms  ${span.span_id}${status}`);
    if (span.scope) {
      lines.push(
        `${pad}  scope  ${one(span.scope.name, 60)}${span.scope.version ? ` ${one(span.scope.version, 30)}` : ""}`,
      );
    }
    for (const link of span.links ?? []) {
      lines.push(
        `${pad}  link   ${link.trace_id}/${link.span_id}${link.attributes ? ` ${kv(link.attributes)}` : ""}`,
      );
    }
    const attributes = Object.keys(span.attributes).length ? kv(span.attributes) : "";
    if (attributes) lines.push(`${pad}  attrs  ${one(attributes, 400)}`);
    for (const child of children.get(span.span_id) ?? []) walk(child, depth + 1);
  };
  for (const top of children.get(undefined) ?? []) walk(top, 0);
  return lines;
}

export function registerTraces(program: Command, output: Output): void {
  const traces = program
    .command("traces")
    .description("production traces stored by serve and ingest: list, show");

  traces
    .command("list")
    .description("newest first")
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above, if any)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("-n, --limit <n>", "how many", parseIntOption("--limit", 1), 20)
    .option("--json", "machine-readable")
    .action(async (flags: { config?: string; db?: string; limit: number; json?: boolean }) => {
      const ctx = await openTraceContext(flags);
      try {
        const list = await ctx.store.traces.listTraces({ limit: flags.limit });
        if (flags.json) {
          output.out(JSON.stringify(list));
          return;
        }
        if (list.length === 0) output.out("no traces: `ratchet ingest <file>` or `ratchet serve`");
        for (const t of list) {
          output.out(
            `${t.trace_id}  ${new Date(t.started_ms).toISOString()}  ${t.span_count} spans  ${one(t.root_name ?? "-", 40)}${t.agent ? `  agent ${one(t.agent, 40)}` : ""}${t.outcome ? `  ${t.outcome}` : ""}`,
          );
        }
      } finally {
        await ctx.store.close();
      }
    });

  traces
    .command("show <trace_id>")
    .description("a trace's spans as a tree, with resource, scope and links")
    .option("-c, --config <path>", "config file (default: ratchet.yaml here or above, if any)")
    .option("--db <path>", "SQLite store (default: the config's store.path)")
    .option("--json", "machine-readable: {summary, spans}")
    .action(async (traceId: string, flags: { config?: string; db?: string; json?: boolean }) => {
      const ctx = await openTraceContext(flags);
      try {
        const trace = await ctx.store.traces.getTrace(traceId);
        if (trace === undefined)
          throw new InputError(`no trace ${traceId} (try \`ratchet traces list\`)`);
        if (flags.json) {
          output.out(JSON.stringify(trace));
          return;
        }
        const s = trace.summary;
        output.out(
          [
            `trace ${s.trace_id}  ${new Date(s.started_ms).toISOString()}  ${s.span_count} spans${s.outcome ? `  outcome ${s.outcome}` : ""}${s.source_format ? `  from ${s.source_format}` : ""}`,
            ...renderTrace(trace.spans),
          ].join("\n"),
        );
      } finally {
        await ctx.store.close();
      }
    });
}
