/**
 * The bench's production traffic: agent traces of 10 spans (root, 6 chat, 3 tool) with GenAI
 * attributes and ~250 characters of message text per span, in OTLP shape. Ids are hex
 * strings (OTLP JSON) or bytes (for the protobuf encoder).
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";

export const SPANS_PER_TRACE = 10;

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const TEXT =
  "Customer asks where order A-10023 is; it shipped on January 2nd via UPS and should arrive within three business days. ".repeat(
    2,
  );

function kv(key: string, value: string | number) {
  return {
    key,
    value: typeof value === "number" ? { intValue: String(value) } : { stringValue: value },
  };
}

export const RESOURCE = { attributes: [kv("service.name", "support-bot")] };

export function traceSpans(t: number, idsAsBytes: boolean): Array<Record<string, unknown>> {
  const id = (h: string) => (idsAsBytes ? Buffer.from(h, "hex") : h);
  const traceId = hex(t + 1, 32);
  const base = 1_700_000_000_000 + t * 10;
  const ns = (ms: number) => `${ms}000000`;
  const rootId = hex(t * SPANS_PER_TRACE + 1, 16);
  const spans: Array<Record<string, unknown>> = [
    {
      traceId: id(traceId),
      spanId: id(rootId),
      name: "invoke_agent support",
      kind: 1,
      startTimeUnixNano: ns(base),
      endTimeUnixNano: ns(base + 9),
      attributes: [
        kv("gen_ai.operation.name", "invoke_agent"),
        kv("gen_ai.agent.name", "support"),
        kv("ratchet.trace.outcome", t % 5 === 0 ? "failure" : "success"),
      ],
    },
  ];
  for (let i = 1; i < SPANS_PER_TRACE; i++) {
    const tool = i % 3 === 0;
    spans.push({
      traceId: id(traceId),
      spanId: id(hex(t * SPANS_PER_TRACE + 1 + i, 16)),
      parentSpanId: id(rootId),
      name: tool ? "execute_tool lookup_order" : "chat gpt-4o-mini",
      kind: tool ? 1 : 3,
      startTimeUnixNano: ns(base + i),
      endTimeUnixNano: ns(base + i + 1),
      attributes: tool
        ? [
            kv("gen_ai.operation.name", "execute_tool"),
            kv("gen_ai.tool.name", "lookup_order"),
            kv("gen_ai.tool.call.arguments", '{"order_id":"A-10023"}'),
            kv("gen_ai.tool.call.result", TEXT),
          ]
        : [
            kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.system", "openai"),
            kv("gen_ai.request.model", "gpt-4o-mini"),
            kv("gen_ai.usage.prompt_tokens", 412),
            kv("gen_ai.usage.completion_tokens", 61),
            kv("gen_ai.output.messages", JSON.stringify([{ role: "assistant", content: TEXT }])),
          ],
    });
  }
  return spans;
}

/** An OTLP-JSON file: one ExportTraceServiceRequest of one trace per line. */
export async function writeOtlpFile(path: string, traces: number): Promise<void> {
  const out = createWriteStream(path);
  for (let t = 0; t < traces; t++) {
    const line = JSON.stringify({
      resourceSpans: [
        {
          resource: RESOURCE,
          scopeSpans: [{ scope: { name: "bench" }, spans: traceSpans(t, false) }],
        },
      ],
    });
    if (!out.write(`${line}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}
