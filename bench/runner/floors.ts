/**
 * Floors for the http part: the same N calls at the same concurrency against the same fake
 * server with less and less around them, so that a wall ÷ ideal ratio can be read against
 * what this machine allows at all.
 *
 *  - machine floor: node:http keep-alive requests and `JSON.parse`, nothing else. No model
 *    client could do less; what it misses of the ideal is the machine, the loopback and the
 *    server.
 *  - provider floor: the AI SDK provider's `doGenerate` through Ratchet's transport, with no
 *    runner, agent, grading, spans or store around it.
 *
 * Each floor is measured twice in one process: cold (the first N calls, as in a fresh
 * `ratchet eval`) and warm (the next N, once V8 has compiled the hot code).
 */
import { Agent, request } from "node:http";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { threadCpuMs } from "./cli-process.js";

export interface FloorRun {
  wallMs: number;
  /** Process CPU, all threads. */
  cpuMs: number;
  /** The main thread's CPU alone (Linux); V8's compiler threads make up most of the rest. */
  mainMs?: number;
}

export interface FloorPair {
  cold: FloorRun;
  warm: FloorRun;
}

/** Runs `call(i)` for i < n with `concurrency` in flight, measuring wall and CPU. */
export async function measureCalls(
  n: number,
  concurrency: number,
  call: (i: number) => PromiseLike<unknown>,
): Promise<FloorRun> {
  let next = 0;
  const threads0 = threadCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await call(next++);
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const threads1 = threadCpuMs();
  const mainMs = threads0 && threads1 ? (threads1.main ?? 0) - (threads0.main ?? 0) : undefined;
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...(mainMs !== undefined ? { mainMs } : {}),
  };
}

async function coldAndWarm(
  n: number,
  concurrency: number,
  call: (i: number) => PromiseLike<unknown>,
): Promise<FloorPair> {
  const cold = await measureCalls(n, concurrency, call);
  const warm = await measureCalls(n, concurrency, call);
  return { cold, warm };
}

/** The question each call asks; the same text the benchmark suite's cases carry. */
const question = (i: number) => `Question ${i}: where is my order ORD-${1000 + i}?`;
const SYSTEM = "You are a terse assistant. Answer in one sentence.";

export function providerFloor(
  model: LanguageModelV3,
  n: number,
  concurrency: number,
): Promise<FloorPair> {
  return coldAndWarm(n, concurrency, (i) =>
    model.doGenerate({
      prompt: [
        { role: "system", content: SYSTEM },
        { role: "user", content: [{ type: "text", text: question(i) }] },
      ],
      temperature: 0,
    }),
  );
}

/** Bare node:http: one keep-alive POST per call, the answer read and parsed, nothing more. */
export async function machineFloor(
  n: number,
  concurrency: number,
  port: number,
): Promise<FloorPair> {
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const call = (i: number) =>
    new Promise<unknown>((resolve, reject) => {
      const body = JSON.stringify({
        model: "fake-model",
        messages: [
          { role: "system", content: SYSTEM },
          { role: "user", content: question(i) },
        ],
        temperature: 0,
      });
      const outgoing = request(
        {
          host: "127.0.0.1",
          port,
          path: "/v1/chat/completions",
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
          });
          response.on("end", () => {
            try {
              resolve(JSON.parse(text));
            } catch (error) {
              reject(error);
            }
          });
          response.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  try {
    return await coldAndWarm(n, concurrency, call);
  } finally {
    agent.destroy();
  }
}
