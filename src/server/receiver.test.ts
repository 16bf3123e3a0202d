import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore, type Store } from "../store/index.js";
import {
  decodeExportResponse,
  decodeRpcStatus,
  encodeExportRequest,
  type OtlpExportRequest,
} from "../traces/index.js";
import { type RunningServer, startServer } from "./index.js";

const TOKEN = "test-token-0123456789abcdef";
const auth = { authorization: `Bearer ${TOKEN}` };

/** Spans recorded by the real SDK (ids, times, attributes as an app would produce them). */
function recordSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "support-bot" }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer("test");
  const root = tracer.startSpan("invoke_agent support", {
    attributes: { "gen_ai.operation.name": "invoke_agent", "user.email": "jane@example.com" },
  });
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  const chat = tracer.startSpan(
    "chat gpt-4o",
    {
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "openai",
        "gen_ai.usage.prompt_tokens": 12,
        "gen_ai.usage.completion_tokens": 7,
        "gen_ai.request.model": "gpt-4o",
      },
    },
    ctx,
  );
  chat.addEvent("retry", { attempt: 1 });
  chat.end();
  root.setStatus({ code: SpanStatusCode.ERROR, message: "tool failed" });
  root.end();
  return memory.getFinishedSpans();
}

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<number> {
  return new Promise((resolve) => exporter.export(spans, (r) => resolve(r.code)));
}

const hex = (n: number, fill: string) => fill.repeat(n);

function jsonSpan(traceId: string, spanId: string, name = "op"): Record<string, unknown> {
  return {
    traceId,
    spanId,
    name,
    kind: 1,
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: "1700000000500000000",
    attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "chat" } }],
  };
}

function request(spans: unknown[]): OtlpExportRequest {
  return { resourceSpans: [{ scopeSpans: [{ spans: spans as never }] }] };
}

describe("OTLP/HTTP receiver", () => {
  let dir: string;
  let store: Store;
  let server: RunningServer;
  let url: string;
  const count = () => store.traces.countTraces();
  let goodSeq = 0;
  /** A good request after a bad one: the server must still answer and store it. */
  async function expectStillServing(): Promise<void> {
    goodSeq++;
    const traceId = (goodSeq.toString(16) + hex(32, "a")).slice(0, 32);
    const before = await count();
    const res = await fetch(url, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(request([jsonSpan(traceId, hex(16, "b"))])),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(await count()).toBe(before + 1);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-recv-"));
    store = await openSqliteStore(join(dir, "r.db"));
    server = await startServer({
      traces: store.traces,
      token: TOKEN,
      port: 0,
      maxBodyBytes: 100 * 1024,
    });
    url = `${server.url}/v1/traces`;
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers /healthz without a token", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });

  it.each([
    ["protobuf", () => new ProtoExporter({ url, headers: auth })],
    ["JSON", () => new JsonExporter({ url, headers: auth })],
    [
      "protobuf + gzip",
      () => new ProtoExporter({ url, headers: auth, compression: CompressionAlgorithm.GZIP }),
    ],
    [
      "JSON + gzip",
      () => new JsonExporter({ url, headers: auth, compression: CompressionAlgorithm.GZIP }),
    ],
  ])("stores spans sent by the SDK's %s exporter", async (_name, make) => {
    const spans = recordSpans();
    const exporter = make();
    expect(await exportWith(exporter, spans)).toBe(0);
    await exporter.shutdown();
    const rootSpan = spans.find((s) => s.name.startsWith("invoke_agent")) as ReadableSpan;
    const traceId = rootSpan.spanContext().traceId;
    const got = await store.traces.getTrace(traceId);
    expect(got?.spans.map((s) => s.span_id).sort()).toEqual(
      spans.map((s) => s.spanContext().spanId).sort(),
    );
    const root = got?.spans.find((s) => s.parent_span_id === undefined);
    const chat = got?.spans.find((s) => s.parent_span_id !== undefined);
    expect(chat?.parent_span_id).toBe(rootSpan.spanContext().spanId);
    // Older GenAI names mapped to the current ones.
    expect(chat?.attributes["gen_ai.provider.name"]).toBe("openai");
    expect(chat?.attributes["gen_ai.usage.input_tokens"]).toBe(12);
    expect(chat?.attributes["gen_ai.usage.output_tokens"]).toBe(7);
    expect(chat?.attributes["gen_ai.usage.prompt_tokens"]).toBeUndefined();
    expect(chat?.events.map((e) => e.name)).toEqual(["retry"]);
    expect(chat?.kind).toBe("internal");
    // Times survive to the microsecond.
    const [sec, ns] = rootSpan.startTime;
    expect(root?.start_ms).toBeCloseTo(sec * 1000 + ns / 1e6, 3);
    // Root carries the trace-level contract; PII redacted before storing.
    expect(root?.attributes["ratchet.source.format"]).toBe("otlp");
    expect(root?.attributes["ratchet.trace.outcome"]).toBe("error");
    expect(root?.attributes["ratchet.agent.name"]).toBe("support-bot");
    expect(root?.attributes["user.email"]).toBe("<EMAIL>");
    expect(root?.status).toEqual({ code: "error", message: "tool failed" });
    expect(got?.summary).toMatchObject({ outcome: "error", span_count: 2, agent: "support-bot" });
  });

  it("re-sent spans are duplicates, not new rows", async () => {
    const spans = recordSpans();
    const exporter = new ProtoExporter({ url, headers: auth });
    expect(await exportWith(exporter, spans)).toBe(0);
    expect(await exportWith(exporter, spans)).toBe(0);
    await exporter.shutdown();
    const got = await store.traces.getTrace(spans[0]?.spanContext().traceId as string);
    expect(got?.spans).toHaveLength(2);
    expect(got?.summary.span_count).toBe(2);
  });

  it("JSON partial success: invalid spans rejected with a reason, valid ones stored", async () => {
    const before = await count();
    const res = await fetch(url, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(
        request([
          jsonSpan(hex(32, "c"), hex(16, "1")),
          jsonSpan(hex(32, "c"), "nothex"),
          jsonSpan("", hex(16, "2")),
          jsonSpan(hex(32, "c"), hex(16, "3")),
        ]),
      ),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      partialSuccess: { rejectedSpans: number; errorMessage: string };
    };
    expect(Number(body.partialSuccess.rejectedSpans)).toBe(2);
    expect(body.partialSuccess.errorMessage).toMatch(/spanId/);
    expect(body.partialSuccess.errorMessage).toMatch(/traceId/);
    expect((await store.traces.getTrace(hex(32, "c")))?.spans).toHaveLength(2);
    expect(await count()).toBe(before + 1);
  });

  it("protobuf partial success comes back as a protobuf ExportTraceServiceResponse", async () => {
    const good = {
      traceId: Buffer.from(hex(32, "d"), "hex"),
      spanId: Buffer.from(hex(16, "4"), "hex"),
      name: "ok",
      startTimeUnixNano: "1700000000000000000",
      endTimeUnixNano: "1700000000000000001",
    };
    const bad = { ...good, spanId: Buffer.from("0102", "hex") };
    const res = await fetch(url, {
      method: "POST",
      headers: { ...auth, "content-type": "application/x-protobuf" },
      body: encodeExportRequest(request([good, bad])),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    const decoded = decodeExportResponse(new Uint8Array(await res.arrayBuffer()));
    expect(decoded.partialSuccess?.rejectedSpans).toBe(1);
    expect(decoded.partialSuccess?.errorMessage).toMatch(/spanId/);
    expect((await store.traces.getTrace(hex(32, "d")))?.spans).toHaveLength(1);
  });

  const valid = JSON.stringify(request([jsonSpan(hex(32, "e"), hex(16, "5"))]));
  const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
  it.each<[string, Record<string, string>, string | Uint8Array, number, RegExp]>([
    ["no token", { "content-type": "application/json" }, valid, 401, /bearer token/],
    [
      "a wrong token",
      { authorization: `Bearer ${TOKEN}x`, "content-type": "application/json" },
      valid,
      401,
      /bearer token/,
    ],
    ["a wrong content type", { ...auth, "content-type": "text/plain" }, valid, 415, /content-type/],
    [
      "an unknown content encoding",
      { ...auth, "content-type": "application/json", "content-encoding": "br" },
      valid,
      415,
      /content-encoding/,
    ],
    ["malformed JSON", { ...auth, "content-type": "application/json" }, "{nope", 400, /JSON/],
    [
      "JSON of the wrong shape",
      { ...auth, "content-type": "application/json" },
      JSON.stringify({
        resourceSpans: [
          { scopeSpans: [{ spans: [jsonSpan(hex(32, "e"), hex(16, "6"))] }, { spans: "x" }] },
        ],
      }),
      400,
      /spans must be an array/,
    ],
    [
      "malformed protobuf",
      { ...auth, "content-type": "application/x-protobuf" },
      new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
      400,
      /protobuf/,
    ],
    [
      "an oversize body",
      { ...auth, "content-type": "application/json" },
      JSON.stringify({ resourceSpans: [], pad: "x".repeat(200 * 1024) }),
      413,
      /larger than/,
    ],
    [
      "a gzip bomb",
      { ...auth, "content-type": "application/json", "content-encoding": "gzip" },
      bomb,
      413,
      /decompressed body larger/,
    ],
    [
      "invalid gzip",
      { ...auth, "content-type": "application/json", "content-encoding": "gzip" },
      "not gzip at all",
      400,
      /gzip/,
    ],
  ])(
    "rejects %s with a reason, stores nothing, keeps serving",
    async (_n, headers, body, status, reason) => {
      const before = await count();
      const res = await fetch(url, { method: "POST", headers, body });
      expect(res.status).toBe(status);
      const isProto = headers["content-type"] === "application/x-protobuf";
      const message = isProto
        ? decodeRpcStatus(new Uint8Array(await res.arrayBuffer())).message
        : ((await res.json()) as { message: string }).message;
      expect(message).toMatch(reason);
      expect(await count()).toBe(before);
      expect(await store.traces.getTrace(hex(32, "e"))).toBeUndefined();
      await expectStillServing();
    },
  );
});
