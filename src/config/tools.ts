import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { errorMessage, InputError } from "../core/index.js";
import { suggestionSuffix } from "./did-you-mean.js";
import { parseWith } from "./issues.js";
import type { LoadedConfig } from "./loader.js";
import { type ToolFixture, ToolFixtureFileSchema } from "./schema/tools.js";
import { parseYaml, readYaml } from "./yaml-file.js";

/** Reads a tool-fixture file (`tools: [...]`); errors name file, line and field. */
export async function loadToolFixtures(path: string): Promise<ToolFixture[]> {
  const source = await readYaml(resolve(path));
  // A bare list is accepted too: it is what `tools:` would hold.
  const value = Array.isArray(source.value) ? { tools: source.value } : source.value;
  const locate = Array.isArray(source.value)
    ? (p: readonly (string | number)[]) => source.locate(p.slice(1))
    : source.locate;
  return parseWith(ToolFixtureFileSchema, value ?? {}, { file: source.file, locate }).tools;
}

/**
 * The agent's tools: the fixture file or inline list, narrowed to `tool_definitions`
 * when the seed's name list is given.
 */
export async function loadAgentTools(loaded: LoadedConfig): Promise<ToolFixture[]> {
  const { tools, tool_definitions: names } = loaded.config.agent;
  const all =
    typeof tools === "string" ? await loadToolFixtures(resolve(loaded.dir, tools)) : (tools ?? []);
  if (names === undefined) return all;
  if (tools === undefined) {
    throw new InputError(
      "names tools but `agent.tools` gives no fixture file or list to define them",
      { file: loaded.file, key: "agent.tool_definitions" },
    );
  }
  const byName = new Map(all.map((t) => [t.name, t]));
  return names.map((name, i) => {
    const tool = byName.get(name);
    if (!tool) {
      throw new InputError(
        `tool \`${name}\` is not defined in ${typeof tools === "string" ? tools : "agent.tools"}${suggestionSuffix(name, byName.keys())}`,
        { file: loaded.file, key: `agent.tool_definitions[${i}]` },
      );
    }
    return tool;
  });
}

/**
 * The system prompt text: inline, or read from `system_prompt_file` (.md/.txt as is;
 * .yaml/.yml from its `system_prompt` or `content` key).
 */
export async function loadSystemPrompt(loaded: LoadedConfig): Promise<string | undefined> {
  const { system_prompt: inline, system_prompt_file: rel } = loaded.config.agent;
  if (inline !== undefined || rel === undefined) return inline;
  const file = resolve(loaded.dir, rel);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const line = loaded.locate?.(["agent", "system_prompt_file"])?.line;
    throw new InputError(`cannot read system prompt: ${errorMessage(error)}`, {
      file: loaded.file,
      ...(line !== undefined ? { line } : {}),
      key: "agent.system_prompt_file",
    });
  }
  const ext = extname(file).toLowerCase();
  if (ext !== ".yaml" && ext !== ".yml") return text;
  const source = parseYaml(text, file);
  const value = source.value;
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of ["system_prompt", "content"]) {
      if (typeof record[key] === "string") return record[key];
    }
  }
  throw new InputError("expected a `system_prompt` or `content` string key", {
    file,
    line: 1,
    key: "system_prompt",
  });
}
