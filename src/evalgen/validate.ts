import { CaseInputSchema } from "../config/index.js";
import { InputError } from "../core/index.js";
import { compileAssertions } from "../graders/index.js";
import type { SuiteCase } from "./types.js";

/**
 * A drafted (or edited) case checked the way a suite file's case is: the suite case schema,
 * then every assertion compiled by its grader. Throws InputError naming the key.
 */
export function validateCase(value: unknown, origin = "draft"): SuiteCase {
  const parsed = CaseInputSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join(".") || undefined;
    throw new InputError(`${origin}: not a valid suite case: ${issue?.message ?? "invalid"}`, {
      ...(key ? { key } : {}),
    });
  }
  compileAssertions(parsed.data.assertions as Parameters<typeof compileAssertions>[0], origin);
  const c = value as SuiteCase;
  if (c.severity === undefined) {
    throw new InputError(`${origin}: a drafted case needs a severity`, { key: "severity" });
  }
  if (typeof c.input !== "string") {
    throw new InputError(`${origin}: a drafted case's input is one message (a string)`, {
      key: "input",
    });
  }
  return c;
}
