import { resolve } from "node:path";
import {
  GENAI,
  InputError,
  RATCHET,
  SpanRecorder,
  sharedUserCodeHost,
  UserCodeError,
  type UserCodeHost,
  UserCodeThrew,
} from "../core/index.js";
import { HttpStatusError } from "./http-agent.js";
import { caseInputMessages, caseInputText } from "./messages.js";
import { normalizeExternalResult } from "./result.js";
import { type Agent, AgentError, type AgentRunInput } from "./types.js";

/** What a module agent exports: called once per attempt (in a worker thread). */
export type ModuleAgentFunction = (request: {
  case: AgentRunInput["case"];
  input: string;
  epoch: number;
  seed: number;
  /** Aborted on timeout or Ctrl-C; code that does not stop is terminated. */
  signal: AbortSignal;
}) => unknown;

/**
 * After an abort, how long the agent's code may take to stop by itself (and keep its warm
 * worker) before its worker is terminated.
 */
const ABORT_GRACE_MS = 1000;

/**
 * A JS/TS file's export as the agent, run in worker threads (core's user-code host), so a
 * timeout stops it even if it never yields and `process.exit` in it fails only its attempt.
 * The module is loaded and its export checked here, before the run starts.
 */
export async function createModuleAgent(
  path: string,
  exportName = "default",
  userCode: UserCodeHost = sharedUserCodeHost(),
): Promise<Agent> {
  const absolute = resolve(path);
  const module = userCode.module(absolute, path);
  try {
    await module.check(exportName);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UserCodeError && error.kind === "export") {
      throw new InputError(message, { file: path, key: "agent.module.export" });
    }
    throw new InputError(`cannot load agent module: ${message}`, {
      file: path,
      key: "agent.module.path",
    });
  }
  const label = `module agent ${path}${exportName === "default" ? "" : `#${exportName}`}`;
  return {
    kind: "module",
    label: `module:${path}`,
    concurrencyKey: "module",
    run: async (input) => {
      const recorder = new SpanRecorder();
      const root = recorder.start(`invoke_agent ${exportName}`, {
        attributes: {
          [GENAI.operation]: "invoke_agent",
          [GENAI.agentName]: path,
          [RATCHET.caseId]: input.case.id,
          [RATCHET.epoch]: input.epoch,
        },
      });
      try {
        const request = {
          case: input.case,
          input: caseInputText(input.case.input),
          epoch: input.epoch,
          seed: input.seed,
        };
        const raw = await module.call(exportName, [request], {
          label,
          signal: input.signal,
          signalArgument: 0,
          abortGraceMs: ABORT_GRACE_MS,
        });
        root.end({ code: "ok" });
        return normalizeExternalResult(raw, {
          spans: recorder.spans(),
          messages: caseInputMessages(input.case.input),
        });
      } catch (error) {
        root.end({
          code: "error",
          message: error instanceof Error ? error.message : String(error),
        });
        throw agentFailure(error);
      }
    },
  };
}

/**
 * What the runner classifies: the agent's own exception as it was (a status keeps 429 and 5xx
 * retryable), a failure of its worker (exit, crash, uncloneable result) as an agent error.
 */
function agentFailure(error: unknown): unknown {
  if (error instanceof UserCodeThrew && error.status !== undefined) {
    return new HttpStatusError(error.message, error.status);
  }
  if (error instanceof UserCodeError && error.kind !== "closed") {
    return new AgentError(error.message);
  }
  return error;
}
