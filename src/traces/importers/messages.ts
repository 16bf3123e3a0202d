import type { ConversationMessage, ConversationToolCall } from "./conversation.js";
import { contentText, isObject } from "./fields.js";
import { RecordError } from "./types.js";

function parseArguments(v: unknown): unknown {
  if (typeof v !== "string") return v ?? {};
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** `{id, name, arguments}` or OpenAI's `{id, type: "function", function: {name, arguments}}`. */
export function toolCallOf(
  v: unknown,
  where: string,
  options: MessageOptions = {},
): ConversationToolCall {
  if (!isObject(v)) throw new RecordError(`${where} must be an object`);
  const fn = isObject(v.function) ? v.function : v;
  let name = fn.name ?? v.tool ?? v.tool_name;
  if (options.allowUnnamedTools && (name === undefined || name === null)) name = "";
  if (typeof name !== "string" || (name === "" && !options.allowUnnamedTools))
    throw new RecordError(`${where}.name is missing`);
  const call: ConversationToolCall = { name, arguments: parseArguments(fn.arguments) };
  if (typeof v.id === "string" && v.id !== "") call.id = v.id;
  if (v.result !== undefined) call.result = v.result;
  if (v.output !== undefined && call.result === undefined) call.result = v.output;
  if (typeof v.error === "string") call.error = v.error;
  return call;
}

export interface MessageOptions {
  /** Accept tool calls without a name (their name is then ""), for the caller to fill in. */
  allowUnnamedTools?: boolean;
}

export function messagesOf(
  v: unknown,
  key = "messages",
  options: MessageOptions = {},
): ConversationMessage[] {
  if (!Array.isArray(v)) throw new RecordError(`\`${key}\` must be an array of messages`);
  return v.map((m, i) => {
    const where = `${key}[${i}]`;
    if (!isObject(m)) throw new RecordError(`${where} must be an object`);
    if (typeof m.role !== "string" || m.role === "")
      throw new RecordError(`${where}.role is missing`);
    const message: ConversationMessage = { role: m.role, content: contentText(m.content) };
    if (Array.isArray(m.tool_calls) && m.tool_calls.length) {
      message.tool_calls = m.tool_calls.map((c, j) =>
        toolCallOf(c, `${where}.tool_calls[${j}]`, options),
      );
    }
    if (typeof m.tool_call_id === "string") message.tool_call_id = m.tool_call_id;
    if (typeof m.name === "string") message.name = m.name;
    return message;
  });
}
