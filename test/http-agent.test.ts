import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ratchet } from "./cli-helpers.js";

const TOKEN = "agent-token-5f2b9c7e1d";

describe("an HTTP agent configured with credentials from the environment", () => {
  let dir: string;
  let url: string;
  const seen: Array<{ headers: IncomingHttpHeaders; body: { question: string; key: string } }> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      question: string;
      key: string;
    };
    seen.push({ headers: req.headers, body });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ data: { answer: `You asked: ${body.question}` } }));
  });

  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
    dir = await mkdtemp(join(tmpdir(), "ratchet-http-agent-"));
    await mkdir(join(dir, "suites"));
    await writeFile(
      join(dir, "ratchet.yaml"),
      `pipeline: { name: http-demo }
agent:
  kind: http
  http:
    url: ${url}
    headers: { authorization: "Bearer \${AGENT_TOKEN}" }
    body: { question: "{{input}}", key: "\${AGENT_TOKEN}" }
    answer_path: $.data.answer
evaluation:
  suites: ["suites/*.yaml"]
  threshold: 0.5
`,
    );
    await writeFile(
      join(dir, "suites", "s.yaml"),
      'cases:\n  - { id: q1, input: "where is my order?", assertions: [{ type: contains, value: "where is my order" }] }\n',
    );
  });
  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("sends the expanded credentials and never stores them", async () => {
    const result = await ratchet(["eval"], { cwd: dir, env: { AGENT_TOKEN: TOKEN } });
    expect(result.code, result.stderr).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen[0]?.body).toEqual({ question: "where is my order?", key: TOKEN });
    for (const file of ["ratchet.db", "ratchet.db-wal"]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(dir, ".ratchet", file));
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(TOKEN)), file).toBe(false);
    }
  });

  it("an unset variable is an input error naming the key, before anything is stored", async () => {
    const result = await ratchet(["eval"], { cwd: dir, env: { AGENT_TOKEN: "" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/agent\.http\.headers\.authorization/);
  });
});
