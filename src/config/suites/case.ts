import type { AssertionSpec, Case } from "../../core/index.js";
import type { CaseInput, SuiteDefaults } from "../schema/case.js";

/** Suite defaults go first: a case's own tags, severity and assertions add to or override them. */
export function finishCase(input: CaseInput, origin: string, defaults?: SuiteDefaults): Case {
  const tags = [...new Set([...(defaults?.tags ?? []), ...input.tags])];
  const assertions: AssertionSpec[] = [...(defaults?.assertions ?? []), ...input.assertions];
  const out: Case = {
    id: input.id,
    input: input.input,
    assertions,
    tags,
    severity: input.severity ?? defaults?.severity ?? "warning",
    origin,
  };
  if (input.context !== undefined) out.context = input.context;
  if (input.expected !== undefined) out.expected = input.expected as NonNullable<Case["expected"]>;
  if (input.owner !== undefined) out.owner = input.owner;
  if (input.source !== undefined) out.source = input.source;
  if (input.expires_at !== undefined) out.expires_at = input.expires_at;
  return out;
}
