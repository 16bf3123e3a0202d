import { z } from "zod";
import { InputError, type JsonValue } from "../core/index.js";
import { canonicalPromptJson as canonicalJson } from "./canonical.js";

/** A tool as the model sees it; mocked responses stay in the agent's fixtures. */
export interface PromptToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: { [key: string]: JsonValue };
}

/**
 * The parts of a prompt agent besides its text, versioned with it: when a version that has
 * them is used, each one given overrides the agent config's.
 */
export interface PromptSettings {
  /** `provider:model`. */
  model?: string;
  temperature?: number;
  max_tokens?: number;
  max_steps?: number;
  tools?: PromptToolDefinition[];
}

const Json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(Json),
    z.record(z.string(), Json),
  ]),
);

export const PromptSettingsSchema = z.strictObject({
  model: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*:\S.*$/, { error: 'expected "provider:model"' })
    .optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.int().positive().optional(),
  max_steps: z.int().min(1).optional(),
  tools: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, {
          error: "tool names are letters, digits, _ . -",
        }),
        description: z.string().optional(),
        parameters: z.record(z.string(), Json).optional(),
      }),
    )
    .optional(),
});

/** Checks settings read from a file or flags; `where` names the file or flag in the error. */
export function parsePromptSettings(value: unknown, where: string): PromptSettings | undefined {
  if (value === undefined || value === null) return undefined;
  const result = PromptSettingsSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.length ? `settings.${issue.path.join(".")}` : "settings";
    throw new InputError(issue?.message ?? "invalid settings", { file: where, key });
  }
  return normalizeSettings(result.data as PromptSettings);
}

/** Drops absent parts; no parts at all is no settings (the same hash as none). */
export function normalizeSettings(
  settings: PromptSettings | undefined,
): PromptSettings | undefined {
  if (settings === undefined) return undefined;
  const out: PromptSettings = JSON.parse(canonicalJson(settings)) as PromptSettings;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The parts that differ between two versions, in a fixed order. */
export type PromptPart = "content" | "model" | "temperature" | "max_tokens" | "max_steps" | "tools";

export interface PromptChange {
  parts: PromptPart[];
  /** `model` when the model changed, `tool` when tool definitions did, else `prompt`. */
  changeType: "prompt" | "tool" | "model";
  /** Names of tools added, removed or redefined. */
  tools: { added: string[]; removed: string[]; changed: string[] };
}

interface Comparable {
  content: string;
  settings?: PromptSettings | undefined;
}

export function describePromptChange(a: Comparable, b: Comparable): PromptChange {
  const parts: PromptPart[] = [];
  if (a.content !== b.content) parts.push("content");
  const sa = a.settings ?? {};
  const sb = b.settings ?? {};
  for (const key of ["model", "temperature", "max_tokens", "max_steps"] as const) {
    if (sa[key] !== sb[key]) parts.push(key);
  }
  const toolsA = new Map((sa.tools ?? []).map((t) => [t.name, canonicalJson(t)]));
  const toolsB = new Map((sb.tools ?? []).map((t) => [t.name, canonicalJson(t)]));
  const tools = {
    added: [...toolsB.keys()].filter((n) => !toolsA.has(n)),
    removed: [...toolsA.keys()].filter((n) => !toolsB.has(n)),
    changed: [...toolsA.keys()].filter((n) => toolsB.has(n) && toolsA.get(n) !== toolsB.get(n)),
  };
  const toolsDiffer =
    (sa.tools === undefined) !== (sb.tools === undefined) ||
    tools.added.length + tools.removed.length + tools.changed.length > 0 ||
    canonicalJson([...toolsA.keys()]) !== canonicalJson([...toolsB.keys()]);
  if (toolsDiffer) parts.push("tools");
  const changeType = parts.includes("model") ? "model" : toolsDiffer ? "tool" : "prompt";
  return { parts, changeType, tools };
}
