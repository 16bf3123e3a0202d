import { spawn } from "node:child_process";
import { GENAI, RATCHET, SpanRecorder } from "../core/index.js";
import { caseInputMessages, caseInputText } from "./messages.js";
import { normalizeExternalResult } from "./result.js";
import { type Agent, AgentError, type AgentRunInput, type AgentRunResult } from "./types.js";

export interface ExecAgentOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

/**
 * A command as the agent: one JSON request on stdin (`{case, input, epoch}`), one JSON
 * result (or plain text) on stdout. The process is killed when the attempt is aborted.
 */
export function createExecAgent(options: ExecAgentOptions): Agent {
  return {
    kind: "exec",
    label: `exec:${options.command}`,
    concurrencyKey: "exec",
    run: (input) => runExecAgent(options, input),
  };
}

function runExecAgent(options: ExecAgentOptions, input: AgentRunInput): Promise<AgentRunResult> {
  const recorder = new SpanRecorder();
  const root = recorder.start(`invoke_agent ${options.command}`, {
    attributes: {
      [GENAI.operation]: "invoke_agent",
      [GENAI.agentName]: options.command,
      [RATCHET.caseId]: input.case.id,
      [RATCHET.epoch]: input.epoch,
    },
  });
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    const onAbort = () => child.kill("SIGKILL");
    input.signal.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) child.kill("SIGKILL");
      else stdout.push(chunk);
    });
    let stderrSize = 0;
    child.stderr.on("data", (chunk: Buffer) => {
      // Only the tail is ever reported: keep a bounded window of a chatty agent's stderr.
      stderr.push(chunk);
      stderrSize += chunk.length;
      while (stderrSize > MAX_STDERR_BYTES && stderr.length > 1) {
        stderrSize -= (stderr.shift() as Buffer).length;
      }
    });
    child.on("error", (error) => {
      input.signal.removeEventListener("abort", onAbort);
      root.end({ code: "error", message: error.message });
      reject(new AgentError(`cannot start '${options.command}': ${error.message}`));
    });
    child.on("close", (code, signal) => {
      input.signal.removeEventListener("abort", onAbort);
      if (input.signal.aborted) {
        root.end({ code: "error", message: "aborted" });
        reject(input.signal.reason);
        return;
      }
      const out = Buffer.concat(stdout).toString("utf8").trim();
      if (code !== 0) {
        const tail = Buffer.concat(stderr)
          .toString("utf8")
          .trim()
          .split("\n")
          .slice(-3)
          .join(" | ");
        root.end({ code: "error", message: `exit ${code ?? signal}` });
        reject(new AgentError(`'${options.command}' exited with ${code ?? signal}: ${tail}`));
        return;
      }
      root.end({ code: "ok" });
      try {
        let parsed: unknown = out;
        if (out.startsWith("{")) parsed = JSON.parse(out);
        resolve(
          normalizeExternalResult(parsed, {
            spans: recorder.spans(),
            messages: caseInputMessages(input.case.input),
          }),
        );
      } catch (error) {
        reject(
          error instanceof AgentError
            ? error
            : new AgentError(`stdout is not valid JSON: ${out.slice(0, 120)}`),
        );
      }
    });
    child.stdin.on("error", () => {
      // The command may exit without reading stdin; its exit code tells what happened.
    });
    child.stdin.end(
      JSON.stringify({
        case: input.case,
        input: caseInputText(input.case.input),
        epoch: input.epoch,
        seed: input.seed,
      }),
    );
  });
}
