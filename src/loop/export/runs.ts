import { resolve } from "node:path";
import { loadToolFixtures } from "../../config/index.js";
import { InputError, type JsonValue, type Run } from "../../core/index.js";
import type { Store } from "../../store/index.js";
import type { ToolDefinition } from "./types.js";

export interface RunSelection {
  /** Run refs (ids, unique prefixes, `latest`, `latest~1`); when given, exactly these runs. */
  refs?: readonly string[];
  /** Epoch ms: only runs started at or after it (the default selection only). */
  sinceMs?: number;
}

/**
 * The runs to read: the named ones, in the order named (each ref must match a run), or
 * else every finished evaluation run, oldest first.
 */
export async function selectRuns(store: Store, selection: RunSelection): Promise<Run[]> {
  if (selection.refs?.length) {
    const runs: Run[] = [];
    const seen = new Set<string>();
    for (const ref of selection.refs) {
      const id = await store.resolveRunId(ref);
      const run = id === undefined ? undefined : await store.getRun(id);
      if (run === undefined) {
        throw new InputError(`no run matches '${ref}' (see \`ratchet runs list\`)`, {
          key: "--run",
        });
      }
      if (!seen.has(run.id)) runs.push(run);
      seen.add(run.id);
    }
    return runs;
  }
  const runs = await store.listRuns();
  return runs
    .filter(
      (run) =>
        run.purpose === "evaluation" &&
        run.status !== "running" &&
        (selection.sinceMs === undefined || Date.parse(run.started_at) >= selection.sinceMs),
    )
    .reverse();
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function definitionOf(raw: unknown): ToolDefinition | undefined {
  if (!isObject(raw) || typeof raw.name !== "string") return undefined;
  return {
    name: raw.name,
    ...(typeof raw.description === "string" && raw.description !== ""
      ? { description: raw.description }
      : {}),
    ...(isObject(raw.parameters) ? { parameters: raw.parameters } : {}),
  };
}

/**
 * The tools a run's agent was given, as the model saw them: a registry version's own tool
 * definitions when the run used one, else the agent config the run stored (an inline list,
 * or a fixture file read from the project folder, narrowed by `tool_definitions`).
 * Undefined when the agent had none or they can no longer be read.
 */
export class RunTools {
  readonly #cache = new Map<string, Promise<ToolDefinition[] | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly projectDir: string,
  ) {}

  of(run: Run): Promise<ToolDefinition[] | undefined> {
    let found = this.#cache.get(run.id);
    if (found === undefined) {
      found = this.#read(run);
      this.#cache.set(run.id, found);
    }
    return found;
  }

  async #read(run: Run): Promise<ToolDefinition[] | undefined> {
    if (run.prompt_version !== undefined) {
      const at = run.prompt_version.lastIndexOf("@");
      const version = await this.store.prompts.getVersion(
        run.prompt_version.slice(0, at),
        run.prompt_version.slice(at + 1),
      );
      const tools = version?.settings?.tools;
      if (Array.isArray(tools)) return defined(tools.map(definitionOf));
    }
    const snapshot = run.config_snapshot as { config?: { agent?: Record<string, JsonValue> } };
    const agent = snapshot?.config?.agent;
    if (!agent) return undefined;
    let all: unknown[] | undefined;
    if (Array.isArray(agent.tools)) all = agent.tools;
    else if (typeof agent.tools === "string") {
      all = await loadToolFixtures(resolve(this.projectDir, agent.tools)).catch(() => undefined);
    }
    if (all === undefined) return undefined;
    const list = defined(all.map(definitionOf));
    const names = agent.tool_definitions;
    if (!Array.isArray(names)) return list;
    return list?.filter((tool) => names.includes(tool.name));
  }
}

function defined(list: Array<ToolDefinition | undefined>): ToolDefinition[] | undefined {
  const tools = list.filter((t): t is ToolDefinition => t !== undefined);
  return tools.length ? tools : undefined;
}

/**
 * The conversation's tools: the agent's, plus a bare entry (name, any object) for a tool it
 * called that no definition names, so that every call in the file refers to a declared tool.
 */
export function toolsFor(
  declared: readonly ToolDefinition[] | undefined,
  called: Iterable<string>,
): ToolDefinition[] | undefined {
  const tools = [...(declared ?? [])];
  const names = new Set(tools.map((t) => t.name));
  for (const name of called) {
    if (names.has(name)) continue;
    names.add(name);
    tools.push({ name });
  }
  return tools.length ? tools : undefined;
}
