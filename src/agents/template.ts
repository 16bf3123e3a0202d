import type { Case } from "../core/index.js";
import { caseInputText } from "./messages.js";

/**
 * `{{input}}`, `{{case.id}}`, `{{context.order_id}}`, `{{epoch}}` in a body template.
 * Inside a JSON body template values are JSON-encoded so quotes in inputs stay valid.
 */
export function renderTemplate(template: unknown, testCase: Case, epoch: number): unknown {
  const scope = templateScope(testCase, epoch);
  if (typeof template === "string") {
    const whole = /^\{\{\s*([\w.]+)\s*\}\}$/.exec(template);
    if (whole) return lookup(scope, whole[1] as string);
    return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, path: string) => {
      const value = lookup(scope, path);
      return typeof value === "string" ? value : JSON.stringify(value ?? "");
    });
  }
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, testCase, epoch));
  if (template && typeof template === "object") {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, renderTemplate(value, testCase, epoch)]),
    );
  }
  return template;
}

/** What placeholders can name. */
export function templateScope(testCase: Case, epoch: number): Record<string, unknown> {
  return {
    input: caseInputText(testCase.input),
    messages: typeof testCase.input === "string" ? undefined : testCase.input,
    case: testCase,
    context: testCase.context ?? {},
    epoch,
  };
}

export function lookup(scope: Record<string, unknown>, path: string): unknown {
  let current: unknown = scope;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
