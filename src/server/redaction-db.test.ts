import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, redactionOptions } from "../config/index.js";
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

/**
 * Secrets no text pattern recognizes: only their key names, their numeric form or the
 * config's knowledge of the key value give them away.
 */
describe("secrets known by name, number or value, via ingest and via OTLP", () => {
  const PROVIDER_KEY = "lk-live-Qm7Zr2Wx9Ty4Pb8Nc3Vd6";
  const NAMED = {
    apiKey: "plain-api-value-4471",
    password: "correct horse battery",
    token: "opaque-token-91xq",
    authorization: "Basic dXNlcjpodW50ZXIy",
    secret: "shh-client-secret-0x",
    toolPassword: "Tr0ub4dor-77-plain",
  };
  const EMAIL_KEY = "olivia.martin@example-corp.com";
  const CARD = 4111111111111111;
  const PHONE = 14155550134;
  /** A 19-digit Maestro-style number (Luhn valid), beyond 2^53: as a JS number it changes digits. */
  const CARD19 = "6762000000000000009";
  const LEAKS = [
    ...Object.values(NAMED),
    PROVIDER_KEY,
    EMAIL_KEY,
    String(CARD),
    String(PHONE),
    CARD19,
    CARD19.slice(0, 12),
  ];

  let dir: string;
  let store: Store;
  let server: RunningServer;
  const config = parseConfig({
    providers: {
      local: { type: "openai-compatible", base_url: "http://x/v1", api_key_env: "LOCAL_KEY" },
    },
  });
  const redactor = createRedactor(redactionOptions(config, { LOCAL_KEY: PROVIDER_KEY }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-named-"));
    store = await openSqliteStore(join(dir, "leak.db"));
    server = await startServer({ traces: store.traces, token: TOKEN, port: 0, redactor });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function expectNoLeak(text: string, what: string): void {
    expect(text, `${what}: marker`).toContain(MARKER);
    for (const leak of LEAKS) expect(text.includes(leak), `${what} holds ${leak}`).toBe(false);
  }

  it("ingest: metadata keys, tool-call arguments and the provider key", async () => {
    const fixture = join(dir, "named.jsonl");
    writeFileSync(
      fixture,
      `${JSON.stringify({
        trace_id: "named-1",
        messages: [
          { role: "user", content: `${MARKER} my key is ${PROVIDER_KEY}` },
          {
            role: "assistant",
            content: "",
            tool_calls: [
              { id: "c1", name: "login", arguments: { user: "bob", password: NAMED.toolPassword } },
            ],
          },
          { role: "tool", tool_call_id: "c1", content: "ok" },
          { role: "assistant", content: "done" },
        ],
        metadata: {
          api_key: NAMED.apiKey,
          password: NAMED.password,
          token: NAMED.token,
          authorization: NAMED.authorization,
          clientSecret: NAMED.secret,
          card: CARD,
          [EMAIL_KEY]: "seen",
        },
      })}\n`,
    );
    const summary = await ingestFile(store.traces, fixture, { redactor });
    expect(summary.inserted).toBeGreaterThan(0);
    const stored = JSON.stringify(await store.traces.getTrace("named-1"));
    expectNoLeak(stored, "ingested trace");
    expect(stored).toContain("<SECRET>");
  });

  it("OTLP: secret-named attributes, tool arguments, a card as intValue, an e-mail as key", async () => {
    const attr = (key: string, value: Record<string, unknown>) => ({ key, value });
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
                    traceId: "7".repeat(32),
                    spanId: "6".repeat(16),
                    name: "tool login",
                    startTimeUnixNano: "1700000000000000000",
                    endTimeUnixNano: "1700000000000000001",
                    attributes: [
                      attr("input.value", { stringValue: `${MARKER} key ${PROVIDER_KEY}` }),
                      attr("metadata.api_key", { stringValue: NAMED.apiKey }),
                      attr("db.password", { stringValue: NAMED.password }),
                      attr("app.token", { stringValue: NAMED.token }),
                      attr("http.request.header.authorization", {
                        arrayValue: { values: [{ stringValue: NAMED.authorization }] },
                      }),
                      attr("oauth.clientSecret", { stringValue: NAMED.secret }),
                      attr("gen_ai.tool.call.arguments", {
                        stringValue: JSON.stringify({ user: "bob", password: NAMED.toolPassword }),
                      }),
                      attr("payment.card", { intValue: String(CARD) }),
                      attr("payment.card19", { intValue: CARD19 }),
                      attr("customer.contact", { intValue: PHONE }),
                      attr("payment.card_double", { doubleValue: CARD }),
                      attr(`visits/${EMAIL_KEY}`, { intValue: "3" }),
                      attr("gen_ai.usage.input_tokens", { intValue: "120" }),
                    ],
                    events: [],
                    status: { code: 1 },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const [span] = (await store.traces.getTrace("7".repeat(32)))?.spans ?? [];
    expectNoLeak(JSON.stringify(span), "OTLP span");
    expect(span?.attributes["payment.card"]).toBe("<CARD>");
    expect(span?.attributes["customer.contact"]).toBe("<PHONE>");
    expect(span?.attributes["payment.card19"]).toBe("<CARD>");
    expect(span?.attributes["visits/<EMAIL>"]).toBe(3);
    // Counts are not secrets: a token count stays a number.
    expect(span?.attributes["gen_ai.usage.input_tokens"]).toBe(120);

    await store.close();
    const bytes = dbBytes(dir);
    for (const leak of LEAKS) {
      expect(bytes.includes(Buffer.from(leak)), `database holds ${leak}`).toBe(false);
    }
    store = await openSqliteStore(join(dir, "leak.db"));
  });
});
