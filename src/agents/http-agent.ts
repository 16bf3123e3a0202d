import { JSONPath } from "jsonpath-plus";
import {
  type BodyPart,
  parseBodyTemplate,
  renderBodyTemplate,
  sendsJson,
} from "../config/index.js";
import { GENAI, RATCHET, SpanRecorder } from "../core/index.js";
import { parseRetryAfter, sharedHttpFetch } from "../providers/index.js";
import { caseInputMessages } from "./messages.js";
import { normalizeExternalResult } from "./result.js";
import { lookup, renderTemplate, templateScope } from "./template.js";
import { type Agent, AgentError, type AgentRunInput, type AgentRunResult } from "./types.js";

export interface HttpAgentOptions {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  answerPath: string;
  toolCallsPath?: string;
}

/** An error with the HTTP status and Retry-After of the user's endpoint. */
export class HttpStatusError extends AgentError {
  constructor(
    message: string,
    status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, status);
  }
}

/** The user's own agent behind an HTTP endpoint: POST a templated body, read the answer. */
export function createHttpAgent(options: HttpAgentOptions): Agent {
  const host = safeHost(options.url);
  // A string body sent as JSON gets its values JSON-encoded where they are inserted.
  const jsonTemplate =
    typeof options.body === "string" && sendsJson(options.headers)
      ? parseBodyTemplate(options.body)
      : undefined;
  return {
    kind: "http",
    label: `http:${host}`,
    concurrencyKey: `http:${host}`,
    run: (input) => runHttpAgent(options, jsonTemplate, input),
  };
}

async function runHttpAgent(
  options: HttpAgentOptions,
  jsonTemplate: readonly BodyPart[] | undefined,
  input: AgentRunInput,
): Promise<AgentRunResult> {
  const recorder = new SpanRecorder();
  const root = recorder.start("invoke_agent http", {
    kind: "client",
    attributes: {
      [GENAI.operation]: "invoke_agent",
      [GENAI.agentName]: safeHost(options.url),
      [RATCHET.caseId]: input.case.id,
      [RATCHET.epoch]: input.epoch,
      "http.request.method": options.method,
    },
  });
  const scope = jsonTemplate ? templateScope(input.case, input.epoch) : undefined;
  const body =
    jsonTemplate && scope
      ? renderBodyTemplate(jsonTemplate, (path) => lookup(scope, path))
      : renderTemplate(options.body, input.case, input.epoch);
  let response: Response;
  try {
    response = await sharedHttpFetch(options.url, {
      method: options.method,
      headers: { "content-type": "application/json", ...options.headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
      signal: input.signal,
    });
  } catch (error) {
    root.end({ code: "error", message: "request failed" });
    throw error;
  }
  root.set({ "http.response.status_code": response.status });
  const text = await response.text();
  if (!response.ok) {
    root.end({ code: "error", message: `HTTP ${response.status}` });
    throw new HttpStatusError(
      `endpoint answered HTTP ${response.status}: ${text.slice(0, 200)}`,
      response.status,
      parseRetryAfter(Object.fromEntries(response.headers)),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    root.end({ code: "error", message: "response is not JSON" });
    throw new AgentError(`endpoint response is not JSON: ${text.slice(0, 120)}`);
  }
  const answer = JSONPath({ path: options.answerPath, json: json as object, wrap: false });
  if (answer === undefined) {
    root.end({ code: "error", message: "answer path matched nothing" });
    throw new AgentError(`answer_path ${options.answerPath} matched nothing in the response`);
  }
  const toolCalls = options.toolCallsPath
    ? JSONPath({ path: options.toolCallsPath, json: json as object, wrap: false })
    : undefined;
  root.end({ code: "ok" });
  return normalizeExternalResult(
    {
      output: typeof answer === "string" ? answer : JSON.stringify(answer),
      ...(Array.isArray(toolCalls) ? { tool_calls: toolCalls } : {}),
    },
    { spans: recorder.spans(), messages: caseInputMessages(input.case.input) },
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "invalid-url";
  }
}
