import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import type { Output } from "../cli/output.js";
import type { Span } from "../core/index.js";
import { openSqliteStore } from "../store/index.js";
import { sampleSpan } from "../store/test-support/samples.js";
import { normalizeSpan } from "../traces/index.js";
import { buildTraceView } from "./index.js";
import { insertSpans, traceId } from "./test-support/traces.js";

const T0 = Date.parse("2026-03-01T10:00:00Z");

function span(
  trace: string,
  id: string,
  parent: string | undefined,
  attributes: Span["attributes"],
): Span {
  const name = parent ? "chat gpt-4o" : "invoke_agent support";
  const base = sampleSpan(trace, id, parent, name, T0, attributes);
  return parent
    ? { ...base, kind: "client" }
    : { ...base, kind: "server", status: { code: "error", message: "agent crashed" } };
}

/** The legacy shapes a chat span may carry its conversation in. */
const LEGACY: Record<string, Span["attributes"]> = {
  "plain text": { "gen_ai.prompt": "Where is order 12?", "gen_ai.completion": "It shipped." },
  "JSON lists": {
    "gen_ai.system": "openai",
    "gen_ai.prompt": JSON.stringify([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Where is order 12?" },
    ]),
    "gen_ai.completion": JSON.stringify([{ role: "assistant", content: "It shipped." }]),
  },
  indexed: {
    "gen_ai.system": "openai",
    "gen_ai.prompt.0.role": "user",
    "gen_ai.prompt.0.content": "Where is order 12?",
    "gen_ai.completion.0.role": "assistant",
    "gen_ai.completion.0.content": "It shipped.",
  },
};

describe("legacy gen_ai.prompt / gen_ai.completion", () => {
  for (const [shape, attributes] of Object.entries(LEGACY)) {
    it(`ingest maps ${shape} onto the messages the trace view reads`, () => {
      const root = span("t", "r", undefined, {});
      const chat = span("t", "c", "r", { ...attributes });
      normalizeSpan(root, "otlp");
      normalizeSpan(chat, "otlp");
      expect(chat.attributes["gen_ai.prompt"]).toBeUndefined();
      const view = buildTraceView("t", [root, chat]);
      expect(view.input).toBe("Where is order 12?");
      expect(view.output).toBe("It shipped.");
    });

    it(`spans stored with ${shape} as they came are read too`, () => {
      const view = buildTraceView("t", [
        span("t", "r", undefined, {}),
        span("t", "c", "r", { ...attributes }),
      ]);
      expect(view.input).toBe("Where is order 12?");
      expect(view.output).toBe("It shipped.");
    });
  }
});

describe("failures show on legacy spans", () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-legacy-"));
    db = join(dir, "r.db");
    (await openSqliteStore(db)).close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[]): Promise<{ code: number; out: string }> {
    let out = "";
    const output: Output = {
      out: (t) => {
        out += `${t}\n`;
      },
      err: () => {},
      isTTY: false,
      color: false,
    };
    const code = await main([...args, "--db", db], output);
    return { code, out };
  }

  it("shows the input and output of an ingested OTLP trace and of stored raw spans", async () => {
    // Through ingest: an OTLP JSON export whose chat span uses the plain legacy attributes.
    const otlpTrace = "0af7651916cd43dd8448eb211c80319c";
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [attr("service.name", "support")] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: otlpTrace,
                  spanId: "b7ad6b7169203331",
                  name: "invoke_agent support",
                  startTimeUnixNano: `${T0}000000`,
                  endTimeUnixNano: `${T0 + 10}000000`,
                  status: { code: 2, message: "agent crashed" },
                },
                {
                  traceId: otlpTrace,
                  spanId: "c7ad6b7169203332",
                  parentSpanId: "b7ad6b7169203331",
                  name: "chat gpt-4o",
                  startTimeUnixNano: `${T0 + 1}000000`,
                  endTimeUnixNano: `${T0 + 9}000000`,
                  attributes: [
                    attr("gen_ai.prompt", "Where is order 12?"),
                    attr("gen_ai.completion", "It shipped."),
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const file = join(dir, "legacy.otlp.json");
    writeFileSync(file, `${JSON.stringify(request)}\n`);
    expect((await run(["ingest", file])).code).toBe(0);
    // Stored as they came (an older store, or another writer): the indexed form.
    const raw = traceId("rawlegacy");
    insertSpans(db, [span(raw, "r1", undefined, {}), span(raw, "c1", "r1", { ...LEGACY.indexed })]);

    expect((await run(["failures", "mine", "--since", "2026-01-01"])).code).toBe(0);
    const list = await run(["failures", "list", "--status", "all", "--json"]);
    const failures = list.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; trace_id: string; detector: string });
    for (const trace of [otlpTrace, raw]) {
      const f = failures.find((x) => x.trace_id === trace && x.detector === "span-error");
      expect(f, trace).toBeDefined();
      const show = await run(["failures", "show", f?.id ?? ""]);
      expect(show.out).toMatch(/^input {6}Where is order 12\?$/m);
      expect(show.out).toMatch(/^output {5}It shipped\.$/m);
    }
  });
});
