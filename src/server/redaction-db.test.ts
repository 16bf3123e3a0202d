import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedactor } from "../redact/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { ingestFile } from "../traces/index.js";
import { type RunningServer, startServer } from "./index.js";

const TOKEN = "redaction-test-token-0123456789";

/** Each would be a leak if its bytes appeared anywhere in the database files. */
const SECRETS = {
  email: "olivia.martin+vip@example-corp.com",
  phone: "+44 20 7946 0958",
  card: "4111 1111 1111 1111",
  cardDashed: "5500-0000-0000-0004",
  iban: "GB82 WEST 1234 5698 7654 32",
  openai: "sk-proj-Z9x8Y7w6V5u4T3s2R1q0",
  anthropic: "sk-ant-api03-AbCdEfGhIjKlMnOp_QrStUv",
  aws: "AKIAIOSFODNN7EXAMPLE",
  github: "ghp_1234567890abcdefghijABCDEFGHIJ123456",
  slack: "xoxb-2222222222-ABCDEFGHIJKL",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvbGl2aWEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
  bearer: "Bearer tok_live_9f8e7d6c5b4a",
  custom: "EMP-778899",
};
/** Kept on purpose: proves the byte search sees the text that was stored. */
const MARKER = "needle-visible-7f3a";

function dbBytes(dir: string): Buffer {
  const files = readdirSync(dir).filter((f) => f.startsWith("leak.db"));
  return Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
}

describe("no secret from a fixture reaches the database file", () => {
  let dir: string;
  let store: Store;
  let server: RunningServer;
  const redactor = createRedactor({ patterns: [{ name: "employee id", regex: "EMP-\\d{6}" }] });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-leak-"));
    store = await openSqliteStore(join(dir, "leak.db"));
    server = await startServer({ traces: store.traces, token: TOKEN, port: 0, redactor });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("after a JSONL import and an OTLP request, neither .db nor -wal holds a secret", async () => {
    const all = Object.values(SECRETS).join(" and ");
    const fixture = join(dir, "leaky.jsonl");
    writeFileSync(
      fixture,
      `${JSON.stringify({
        trace_id: "leaky-1",
        messages: [
          { role: "user", content: `${MARKER} my details: ${all}` },
          {
            role: "assistant",
            content: "",
            tool_calls: [
              { id: "c1", name: "charge", arguments: { card: SECRETS.card, note: all } },
            ],
          },
          {
            role: "tool",
            tool_call_id: "c1",
            content: `charged ${SECRETS.cardDashed} for ${SECRETS.email}`,
          },
          { role: "assistant", content: `Done, receipt sent to ${SECRETS.email}` },
        ],
        outcome: "success",
        feedback: { score: 1, text: `call me ${SECRETS.phone}`, correction: SECRETS.iban },
        metadata: { agent: "billing", api_key: SECRETS.openai, auth: SECRETS.bearer },
      })}\n`,
    );
    const summary = await ingestFile(store.traces, fixture, { redactor });
    expect(summary.inserted).toBeGreaterThan(0);

    const res = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: "9".repeat(32),
                    spanId: "8".repeat(16),
                    name: `chat for ${SECRETS.email}`,
                    startTimeUnixNano: "1700000000000000000",
                    endTimeUnixNano: "1700000000000000001",
                    attributes: [
                      { key: "input.value", value: { stringValue: `${MARKER} ${all}` } },
                      {
                        key: "list",
                        value: { arrayValue: { values: [{ stringValue: SECRETS.aws }] } },
                      },
                    ],
                    events: [
                      {
                        name: "exception",
                        timeUnixNano: "1700000000000000000",
                        attributes: [
                          { key: "exception.message", value: { stringValue: SECRETS.jwt } },
                        ],
                      },
                    ],
                    status: { code: 2, message: `failed for ${SECRETS.github}` },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);

    const check = (bytes: Buffer) => {
      expect(bytes.includes(Buffer.from(MARKER))).toBe(true);
      for (const [name, secret] of Object.entries(SECRETS)) {
        const found = bytes.includes(Buffer.from(secret));
        expect(found, `${name} leaked into the database file`).toBe(false);
      }
    };
    // While open (data in the WAL), then after close (checkpointed into the .db).
    check(dbBytes(dir));
    const stored = await store.traces.getTrace("leaky-1");
    expect(JSON.stringify(stored)).toMatch(/<EMAIL>.*|<CARD>|<SECRET>/);
    expect(JSON.stringify(stored)).toContain("<EMPLOYEE_ID>");
    await store.close();
    check(dbBytes(dir));
    store = await openSqliteStore(join(dir, "leak.db"));
  });
});
