import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { InputError } from "../../core/index.js";
import { type SimProfile, type SimProfileInput, simProfileSchema } from "./profile.js";
import { analystProfile } from "./profiles/analyst.js";
import { supportProfile } from "./profiles/support.js";

const BUNDLED_INPUTS: readonly SimProfileInput[] = [supportProfile, analystProfile];

let bundledCache: Map<string, SimProfile> | undefined;

function bundled(): Map<string, SimProfile> {
  if (!bundledCache) {
    bundledCache = new Map();
    for (const input of BUNDLED_INPUTS) {
      // A bundled profile that fails its own schema is our bug, not the user's.
      const profile = simProfileSchema.parse(input);
      bundledCache.set(profile.name, profile);
    }
  }
  return bundledCache;
}

export interface SimProfileInfo {
  name: string;
  description: string;
  /** `bundled` or the file it was read from. */
  source: string;
  habits: number;
}

export interface SimProfileLookup {
  profilesDir?: string;
  /** Base for relative paths (`sim:./my-profile.yaml`); defaults to process.cwd(). */
  cwd?: string;
}

/** Model ids the sim keeps for roles other than the agent under test (judge, embedder). */
export const RESERVED_SIM_IDS = new Set(["judge", "embed", "embedder"]);

function isPath(ref: string): boolean {
  return /\.(ya?ml)$/i.test(ref) || ref.includes("/") || ref.includes("\\");
}

function describeIssue(issue: z.core.$ZodIssue): { key: string; message: string } {
  return { key: issue.path.map(String).join("."), message: issue.message };
}

/** Validates a profile object (e.g. parsed from YAML or written in a test). */
export function parseSimProfile(input: unknown, file?: string): SimProfile {
  const parsed = simProfileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const { key, message } = first ? describeIssue(first) : { key: "", message: "invalid profile" };
  throw new InputError(`invalid sim profile: ${message}`, {
    ...(file ? { file } : {}),
    ...(key ? { key } : {}),
  });
}

export function loadSimProfileFile(file: string): SimProfile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new InputError(`cannot read sim profile ${file}`, { file });
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0].line;
    throw new InputError(`invalid YAML: ${yamlError.message.split("\n")[0]}`, {
      file,
      ...(line !== undefined ? { line } : {}),
    });
  }
  const parsed = simProfileSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const { key, message } = first ? describeIssue(first) : { key: "", message: "invalid profile" };
  // Point at the offending node's line when the YAML still has it.
  let line: number | undefined;
  if (first) {
    const node = doc.getIn(first.path as Array<string | number>, true) as
      | { range?: [number, number, number] }
      | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) line = text.slice(0, offset).split("\n").length;
  }
  throw new InputError(`invalid sim profile: ${message}`, {
    file,
    ...(line !== undefined ? { line } : {}),
    ...(key ? { key } : {}),
  });
}

/**
 * Finds a profile: a path (`./my-profile.yaml`), then `<profilesDir>/<name>.yaml|yml`, then
 * the bundled profiles. Throws InputError naming the choices when nothing matches.
 */
export function loadSimProfile(ref: string, lookup: SimProfileLookup = {}): SimProfile {
  const cwd = lookup.cwd ?? process.cwd();
  if (isPath(ref)) return loadSimProfileFile(isAbsolute(ref) ? ref : resolve(cwd, ref));
  if (lookup.profilesDir) {
    const dir = resolve(cwd, lookup.profilesDir);
    for (const ext of [".yaml", ".yml"]) {
      const file = join(dir, `${ref}${ext}`);
      if (existsSync(file)) return loadSimProfileFile(file);
    }
  }
  const found = bundled().get(ref);
  if (found) return found;
  if (ref === "embed" || ref === "embedder") {
    throw new InputError(
      `sim:${ref} is an embedding model; use it where an embedding model is expected (e.g. the \`similar\` grader's \`model\`)`,
    );
  }
  if (ref === "reflector") {
    throw new InputError(
      "sim:reflector is the reflection model of prompt optimization, not an agent model; use it where a reflection model is expected",
    );
  }
  if (RESERVED_SIM_IDS.has(ref)) {
    throw new InputError(`sim:${ref} is reserved for a later release and is not available yet`);
  }
  const names = listSimProfiles(lookup).map((p) => p.name);
  throw new InputError(
    `unknown sim profile "${ref}"; available: ${names.join(", ")} (or a path to a .yaml profile)`,
  );
}

/** Bundled profiles plus any `*.yaml` in `profilesDir` (which shadow bundled ones by name). */
export function listSimProfiles(lookup: SimProfileLookup = {}): SimProfileInfo[] {
  const out = new Map<string, SimProfileInfo>();
  for (const profile of bundled().values()) {
    out.set(profile.name, {
      name: profile.name,
      description: profile.description,
      source: "bundled",
      habits: profile.habits.length,
    });
  }
  if (lookup.profilesDir) {
    const dir = resolve(lookup.cwd ?? process.cwd(), lookup.profilesDir);
    if (existsSync(dir)) {
      for (const entry of readdirSync(dir).sort()) {
        if (!/\.ya?ml$/i.test(entry)) continue;
        const profile = loadSimProfileFile(join(dir, entry));
        out.set(profile.name, {
          name: profile.name,
          description: profile.description,
          source: join(dir, entry),
          habits: profile.habits.length,
        });
      }
    }
  }
  return [...out.values()];
}
