/**
 * `ratchet judge calibrate` as a user runs it (a child process): `--json` stdout must parse
 * even when the AI SDK warns about the judge model, and stored verdicts calibrate with no judge.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ratchet } from "./cli-helpers.js";

let dir: string;
let server: Server;
let requests = 0;

/** An OpenAI-compatible chat server whose judge always answers with a valid verdict. */
function startJudgeServer(): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${requests}`,
          object: "chat.completion",
          created: 1,
          model: "judge-model",
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: JSON.stringify({ score: 4, label: "pass", reasoning: "fine" }),
              },
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`),
    ),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-calibrate-cli-"));
  const url = await startJudgeServer();
  writeFileSync(
    join(dir, "ratchet.yaml"),
    [
      "pipeline:",
      "  name: calibrate-cli",
      "agent:",
      "  model: sim:support",
      "providers:",
      "  local:",
      "    type: openai-compatible",
      `    base_url: ${url}`,
      "    api_key_env: LOCAL_JUDGE_KEY",
      "cache:",
      "  enabled: false",
      "evaluation:",
      "  assertions:",
      "    - type: judge",
      "      name: polite",
      "      model: local:judge-model",
      "      rubric: Is the answer polite?",
      "      weight: 0",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "human.jsonl"),
    ["Thank you, happy to help.", "Go away.", "Certainly, here it is.", "Whatever."]
      .map((output, i) =>
        JSON.stringify({ id: `r${i}`, input: "Help me", output, label: i % 2 === 0 }),
      )
      .join("\n"),
  );
});

afterAll(async () => {
  await new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  rmSync(dir, { recursive: true, force: true });
});

describe("ratchet judge calibrate (real CLI)", () => {
  it("--json stdout is pure JSON when the AI SDK warns about the judge model; the warning goes to stderr once", async () => {
    const r = await ratchet(
      ["judge", "calibrate", "--labels", "human.jsonl", "--judge", "polite", "--json"],
      { cwd: dir, env: { LOCAL_JUDGE_KEY: "test-key" } },
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(requests).toBeGreaterThanOrEqual(4);
    // The openai-compatible provider cannot send a JSON schema without structured outputs
    // and warns on every call; before the fix, "AI SDK Warning System: …" began stdout.
    const parsed = JSON.parse(r.stdout) as { n: number; judge: string; labels_hash: string };
    expect(parsed.n).toBe(4);
    expect(parsed.judge).toBe("polite");
    expect(parsed.labels_hash).toMatch(/^[0-9a-f]{16}$/);
    const warnings = r.stderr.split("\n").filter((l) => l.includes("AI SDK"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: AI SDK \(.*\): "responseFormat" is not supported/);
  });

  it("--verdicts calibrates from stored verdicts with no judge call", async () => {
    const before = requests;
    writeFileSync(
      join(dir, "verdicts.jsonl"),
      ["pass", "pass", "pass", null]
        .map((verdict, i) => JSON.stringify({ id: `r${i}`, verdict }))
        .join("\n"),
    );
    const r = await ratchet(
      ["judge", "calibrate", "--labels", "human.jsonl", "--verdicts", "verdicts.jsonl", "--json"],
      { cwd: dir },
    );
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as {
      judge: string;
      source: string;
      accuracy: number;
      confusion: { labels: string[]; matrix: number[][] };
    };
    expect(requests).toBe(before);
    expect(parsed.judge).toBe("verdicts");
    expect(parsed.source).toBe("verdicts");
    // labels pass, fail, pass, fail; verdicts pass, pass, pass, unparsed → 2 of 4 right.
    expect(parsed.accuracy).toBe(0.5);
    expect(parsed.confusion.labels).toEqual(["fail", "pass", "unparsed"]);
    expect(parsed.confusion.matrix).toEqual([
      [0, 1, 1],
      [0, 2, 0],
      [0, 0, 0],
    ]);
  });
});
