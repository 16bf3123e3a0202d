/**
 * A fake OpenAI-compatible server, run as a child process (so that its CPU does not count
 * against the runner being measured). It answers `POST /v1/chat/completions` after a fixed
 * delay with a valid chat-completions body, and `GET /__stats` with its request counter and
 * its own CPU time. It tells the parent its port over the IPC channel.
 *
 * Run by bench/runner/index.ts: `fork("fake-server.ts", ["--delay-ms", "50"])`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

const delayIndex = process.argv.indexOf("--delay-ms");
const delayMs = delayIndex >= 0 ? Number(process.argv[delayIndex + 1]) : 50;

let completions = 0;
let other = 0;

interface ChatRequest {
  model?: string;
  messages?: { role: string; content: unknown }[];
}

function lastUserText(body: ChatRequest): string {
  const users = (body.messages ?? []).filter((message) => message.role === "user");
  const content = users.at(-1)?.content;
  if (typeof content === "string") return content;
  // Content parts form: [{type: "text", text}]
  if (Array.isArray(content)) {
    return content.map((part) => (part as { text?: string }).text ?? "").join("");
  }
  return "";
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/__stats") {
    const cpu = process.cpuUsage();
    send(res, 200, { completions, other, cpuMs: (cpu.user + cpu.system) / 1000 });
    return;
  }
  if (req.method === "POST" && req.url === "/__reset") {
    completions = 0;
    other = 0;
    send(res, 200, { ok: true });
    return;
  }
  if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
    other++;
    send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    return;
  }
  completions++;
  void readBody(req).then((raw) => {
    let body: ChatRequest = {};
    try {
      body = JSON.parse(raw) as ChatRequest;
    } catch {
      send(res, 400, { error: { message: "bad json" } });
      return;
    }
    const question = lastUserText(body);
    const content = `Answer: ok. You asked: ${question.slice(0, 80)}`;
    setTimeout(() => {
      send(res, 200, {
        id: `chatcmpl-${completions}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model ?? "fake-model",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content },
            finish_reason: "stop",
            logprobs: null,
          },
        ],
        usage: {
          prompt_tokens: Math.ceil(raw.length / 4),
          completion_tokens: Math.ceil(content.length / 4),
          total_tokens: Math.ceil(raw.length / 4) + Math.ceil(content.length / 4),
        },
      });
    }, delayMs);
  });
});

// Many sockets from a concurrency-50 client: keep them alive and do not cap them.
server.keepAliveTimeout = 60_000;
server.maxRequestsPerSocket = 0;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.send?.({ type: "listening", port });
});

process.on("disconnect", () => {
  server.close();
  process.exit(0);
});
