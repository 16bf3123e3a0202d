import type { JsonValue } from "../../core/index.js";

/** The answer the sim is about to give, before it is turned into AI SDK content. */
export type Draft =
  | { kind: "tool"; toolName: string; args: Record<string, unknown> }
  | { kind: "final"; text: string; json?: JsonValue };

export const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
export const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
export const PHONE = /(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/;

export function finalText(json: JsonValue): Draft {
  return { kind: "final", text: JSON.stringify(json), json };
}

function lookupPath(vars: Record<string, unknown>, path: string): unknown {
  let current: unknown = vars;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Fills `{name}`, `{result.status}`, `{args.order_id|fallback}` placeholders. */
export function fillTemplate(template: string, vars: Record<string, unknown>): string {
  return template.replace(
    /\{([A-Za-z0-9_.]+)(?:\|([^}]*))?\}/g,
    (_m, path: string, fallback?: string) => {
      const value = lookupPath(vars, path);
      if (value === undefined || value === null || value === "") return fallback ?? "";
      return typeof value === "string" ? value : JSON.stringify(value);
    },
  );
}

export function fillArguments(
  templates: Record<string, string>,
  vars: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(templates)) out[key] = fillTemplate(template, vars);
  return out;
}
