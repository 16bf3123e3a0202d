import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore, type Store } from "../store/index.js";
import { ingestFile } from "../traces/index.js";
import { type RunningServer, startServer } from "./index.js";

const TOKEN = "resource-scope-links-token-0123";

const RESOURCE = {
  "service.name": "billing-agent",
  "service.version": "2.4.1",
  "deployment.environment": "prod",
  "host.name": "worker-7",
  "k8s.pod.name": "billing-agent-5d9f",
  "cloud.region": "eu-west-1",
  "process.owner": "ops@example.com",
};

describe("resource attributes, instrumentation scope and links are kept", () => {
  let dir: string;
  let store: Store;
  let server: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-rsl-"));
    store = await openSqliteStore(join(dir, "r.db"));
    server = await startServer({ traces: store.traces, token: TOKEN, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("over OTLP/HTTP protobuf from the real SDK", async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes(RESOURCE),
      spanProcessors: [
        new SimpleSpanProcessor(
          new OTLPTraceExporter({
            url: `${server.url}/v1/traces`,
            headers: { authorization: `Bearer ${TOKEN}` },
          }),
        ),
      ],
    });
    const tracer = provider.getTracer("billing-instrumentation", "1.3.0");
    const batch = tracer.startSpan("nightly batch");
    const batchContext = batch.spanContext();
    batch.end();
    const span = tracer.startSpan(
      "invoke_agent billing",
      {
        attributes: { "gen_ai.operation.name": "invoke_agent" },
        links: [{ context: batchContext, attributes: { "link.reason": "triggered by" } }],
      },
      ROOT_CONTEXT,
    );
    const child = tracer.startSpan("chat", {}, trace.setSpan(ROOT_CONTEXT, span));
    child.end();
    span.end();
    await provider.forceFlush();
    await provider.shutdown();

    const got = await store.traces.getTrace(span.spanContext().traceId);
    const root = got?.spans.find((s) => s.parent_span_id === undefined);
    // Every resource attribute, not only the three copied onto the span; redacted like the rest.
    expect(root?.resource).toEqual({
      ...RESOURCE,
      "process.owner": "<EMAIL>",
    });
    expect(root?.scope).toEqual({ name: "billing-instrumentation", version: "1.3.0" });
    expect(root?.links).toEqual([
      {
        trace_id: batchContext.traceId,
        span_id: batchContext.spanId,
        attributes: { "link.reason": "triggered by" },
      },
    ]);
    const chat = got?.spans.find((s) => s.name === "chat");
    expect(chat?.resource?.["k8s.pod.name"]).toBe("billing-agent-5d9f");
    expect(chat?.links).toBeUndefined();
  });

  it("from an OTLP JSON file", async () => {
    const path = join(dir, "otlp.jsonl");
    const request = {
      resourceSpans: [
        {
          resource: {
            attributes: Object.entries(RESOURCE).map(([key, v]) => ({
              key,
              value: { stringValue: v },
            })),
          },
          scopeSpans: [
            {
              scope: { name: "my-scope", version: "0.9.0" },
              spans: [
                {
                  traceId: "5b8efff798038103d269b633813fc60c",
                  spanId: "eee19b7ec3c1b174",
                  name: "invoke_agent",
                  startTimeUnixNano: "1763924000000000000",
                  endTimeUnixNano: "1763924001000000000",
                  links: [
                    {
                      traceId: "5b8efff798038103d269b633813fc600",
                      spanId: "eee19b7ec3c1b170",
                      attributes: [{ key: "why", value: { stringValue: "retry of" } }],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    writeFileSync(path, JSON.stringify(request));
    await ingestFile(store.traces, path);
    const got = await store.traces.getTrace("5b8efff798038103d269b633813fc60c");
    const span = got?.spans[0];
    expect(span?.resource?.["cloud.region"]).toBe("eu-west-1");
    expect(span?.scope).toEqual({ name: "my-scope", version: "0.9.0" });
    expect(span?.links).toEqual([
      {
        trace_id: "5b8efff798038103d269b633813fc600",
        span_id: "eee19b7ec3c1b170",
        attributes: { why: "retry of" },
      },
    ]);
  });
});
