import type { Case, Message } from "../core/index.js";

/** The case's input as plain text, for templates and for the sim's reference. */
export function caseInputText(input: Case["input"]): string {
  if (typeof input === "string") return input;
  const users = input.filter((message) => message.role === "user");
  return users.at(-1)?.content ?? "";
}

export function caseInputMessages(input: Case["input"]): Message[] {
  return typeof input === "string" ? [{ role: "user", content: input }] : [...input];
}
