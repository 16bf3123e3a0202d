import { createHash } from "node:crypto";
import { access } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { InputError } from "../core/index.js";
import { type Env, interpolateEnv } from "./env.js";
import { documentPath, hoistPipelineSections } from "./hoist.js";
import { type Locator, parseWith } from "./issues.js";
import { type RatchetConfig, RatchetConfigSchema } from "./schema/root.js";
import { type ConfigNotice, namesAModel, unusedKeyNotices } from "./unused.js";
import { parseYaml, readYaml } from "./yaml-file.js";
import { formatPath, type PathSegment } from "./yaml-locations.js";

export interface LoadedConfig {
  config: RatchetConfig;
  /** Absolute path of the config file. */
  file: string;
  /** Its directory: relative paths in the config (suites, prompts, tools) resolve here. */
  dir: string;
  /** sha256 (hex) of the resolved config in canonical JSON; same config, same hash. */
  hash: string;
  /** Keys accepted but not used yet (seed-template sections), for warnings. */
  notices?: ConfigNotice[];
  /** False when the file names no `agent.model` and the default `sim:support` applies. */
  modelConfigured?: boolean;
  /** Line of a key of the resolved config in the file (seed-nested sections included). */
  locate?: Locator;
}

export interface ParseConfigOptions {
  /** Used in error locations. */
  file?: string;
  /** Source of `${VAR}` values; defaults to process.env. */
  env?: Env;
  /** Maps a path in the raw (un-hoisted) value to a line. */
  locate?: Locator;
}

/** Validates a raw config value (already parsed from YAML/JSON): hoist, interpolate, schema. */
export function parseConfig(raw: unknown, options: ParseConfigOptions = {}): RatchetConfig {
  const file = options.file ?? "<config>";
  const locateRaw: Locator = options.locate ?? (() => undefined);
  let hoisted = new Set<string>();
  const locate: Locator = (path) => locateRaw(documentPath(path, hoisted));
  const fail = (path: readonly PathSegment[], message: string): never => {
    const pos = locate(path);
    throw new InputError(message, {
      file,
      ...(pos
        ? { line: pos.line, ...(pos.column !== undefined ? { column: pos.column } : {}) }
        : {}),
      key: formatPath(path) || "(root)",
    });
  };
  const value = raw ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    fail([], "a config file is a mapping of sections (pipeline, agent, evaluation, …)");
  }
  const lifted = hoistPipelineSections(value, (p, m) => fail(p, m));
  hoisted = lifted.hoisted;
  const expanded = interpolateEnv(lifted.value, { env: options.env ?? process.env, fail });
  return parseWith(RatchetConfigSchema, expanded, { file, locate });
}

/** Canonical JSON: keys sorted, so the hash ignores key order in the file. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export function hashConfig(config: RatchetConfig): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex");
}

export function configFromText(
  text: string,
  file: string,
  env?: Env,
): Omit<LoadedConfig, "file" | "dir"> {
  const source = parseYaml(text, file);
  const config = parseConfig(source.value, {
    file,
    locate: source.locate,
    ...(env ? { env } : {}),
  });
  return { config, hash: hashConfig(config) };
}

export async function loadConfig(path: string, options: { env?: Env } = {}): Promise<LoadedConfig> {
  const file = resolve(path);
  const source = await readYaml(file);
  const config = parseConfig(source.value, {
    file,
    locate: source.locate,
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    config,
    file,
    dir: dirname(file),
    hash: hashConfig(config),
    notices: unusedKeyNotices(source.value, file, source.locate),
    locate: resolvedLocator(source.value, source.locate),
    modelConfigured: namesAModel(source.value),
  };
}

function resolvedLocator(raw: unknown, locate: Locator): Locator {
  const { hoisted } = hoistPipelineSections(raw, () => {
    throw new Error("unreachable: the config was validated");
  });
  return (path) => locate(documentPath(path, hoisted));
}

export const CONFIG_FILE_NAMES = ["ratchet.yaml", "ratchet.yml"] as const;

/** The nearest ratchet.yaml / ratchet.yml at or above `startDir`. */
export async function findConfig(startDir: string = process.cwd()): Promise<string | undefined> {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      try {
        await access(candidate);
        return candidate;
      } catch {
        // not here; keep climbing
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Every default applied; what `ratchet eval` uses without a config file. */
export function defaultConfig(): RatchetConfig {
  return RatchetConfigSchema.parse({});
}
