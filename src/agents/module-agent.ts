import { resolve } from "node:path";
import {
  GENAI,
  InputError,
  importUserModule,
  pickExport,
  RATCHET,
  SpanRecorder,
} from "../core/index.js";
import { caseInputMessages, caseInputText } from "./messages.js";
import { normalizeExternalResult } from "./result.js";
import type { Agent, AgentRunInput } from "./types.js";

/** What a module agent exports: called once per attempt. */
export type ModuleAgentFunction = (request: {
  case: AgentRunInput["case"];
  input: string;
  epoch: number;
  seed: number;
  signal: AbortSignal;
}) => unknown;

/** A JS/TS file's export as the agent. TypeScript files are loaded through tsx. */
export async function createModuleAgent(path: string, exportName = "default"): Promise<Agent> {
  const absolute = resolve(path);
  let loaded: Record<string, unknown>;
  try {
    loaded = await importUserModule(absolute);
  } catch (error) {
    throw new InputError(
      `cannot load agent module: ${error instanceof Error ? error.message : error}`,
      {
        file: path,
        key: "agent.module.path",
      },
    );
  }
  const fn = pickExport(loaded, exportName);
  if (typeof fn !== "function") {
    throw new InputError(`export '${exportName}' is not a function`, {
      file: path,
      key: "agent.module.export",
    });
  }
  const agentFunction = fn as ModuleAgentFunction;
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
        const raw = await agentFunction({
          case: input.case,
          input: caseInputText(input.case.input),
          epoch: input.epoch,
          seed: input.seed,
          signal: input.signal,
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
        throw error;
      }
    },
  };
}

/**
 * A TypeScript file outside an ESM package is compiled as CommonJS, so its exports arrive
 * wrapped in `default`; look there too before deciding the export is missing.
 */
