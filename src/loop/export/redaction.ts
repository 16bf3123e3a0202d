import type { Message } from "../../core/index.js";
import {
  createRedactor,
  isSecretKey,
  maskKeyValues,
  type RedactionOptions,
  redactSecretTokens,
} from "../../redact/index.js";
import type { Conversation } from "./types.js";

/** What an exporter runs every text and JSON value through before it is written. */
export interface ExportRedactor {
  text(value: string): string;
  value<T>(value: T): T;
}

const SECRET = "<SECRET>";
const PLACEHOLDER = /^<[A-Z0-9_]+>$/;

/**
 * Training files leave the project, so redaction here ignores `redaction.enabled: false`: with
 * `maskPii` (the default) every built-in rule and `redaction.patterns` apply; without it,
 * personal data (e-mails, phones, cards, IBANs, custom patterns) is kept but secrets never
 * are: the config's known key values, values under secret names and token-shaped strings.
 */
export function exportRedactor(options: RedactionOptions, maskPii: boolean): ExportRedactor {
  if (maskPii) return createRedactor({ ...options, enabled: true });
  const known = createRedactor({ enabled: false, secrets: options.secrets ?? [] });
  const text = (value: string): string =>
    maskKeyValues(redactSecretTokens(known.text(value)), SECRET);
  const walk = (value: unknown, secret: boolean): unknown => {
    if (typeof value === "string") {
      return secret && value !== "" && !PLACEHOLDER.test(value) ? SECRET : text(value);
    }
    if (typeof value === "number") return secret ? SECRET : value;
    if (Array.isArray(value)) return value.map((v) => walk(v, secret));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[text(k)] = walk(v, secret || isSecretKey(k));
      return out;
    }
    return value;
  };
  return { text, value: <T>(value: T): T => walk(value, false) as T };
}

/** Every text, tool argument and tool definition of the conversation, redacted. */
export function redactConversation(
  conversation: Conversation,
  redactor: ExportRedactor,
): Conversation {
  return {
    messages: conversation.messages.map((m) => redactMessage(m, redactor)),
    ...(conversation.tools ? { tools: redactor.value(conversation.tools) } : {}),
  };
}

export function redactMessage(message: Message, redactor: ExportRedactor): Message {
  return {
    ...message,
    content: redactor.text(message.content),
    ...(message.tool_calls
      ? {
          tool_calls: message.tool_calls.map((call) => ({
            ...call,
            arguments: redactor.value(call.arguments),
          })),
        }
      : {}),
  };
}
