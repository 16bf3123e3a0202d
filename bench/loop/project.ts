/**
 * The bench's projects: each profile's suites and tools in a temp folder of its own, starting
 * from the plain prompt, with the sim answering at once. Every method (the loop, each
 * baseline, the measurement) gets a fresh copy, so none reuses another's stored attempts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export interface BenchProfile {
  /** The bundled sim profile (`sim:<name>`). */
  name: "support" | "analyst";
  /** Folder copied into each project. */
  source: string;
  /** The system prompt file, relative to the project. */
  promptFile: string;
  /** The plain prompt every method starts from. */
  plain: string;
}

export const PROFILES: Record<BenchProfile["name"], BenchProfile> = {
  support: {
    name: "support",
    source: here("../../examples/support-agent"),
    promptFile: "prompts/system.md",
    plain:
      "You are the support assistant of Northwind Goods, an online shop.\nHelp customers with orders, refunds, shipping and their account.\n",
  },
  analyst: {
    name: "analyst",
    source: here("./fixtures/analyst"),
    promptFile: "prompts/plain.md",
    plain: readFileSync(here("./fixtures/analyst/prompts/plain.md"), "utf8"),
  },
};

/** Every temp folder made here, removed by `cleanUp` unless the run keeps them. */
const made: string[] = [];

/** A fresh copy of the profile's project with the plain prompt and latency 0. */
export function newProject(profile: BenchProfile, role: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ratchet-bench-loop-${profile.name}-${role}-`));
  made.push(dir);
  cpSync(profile.source, dir, {
    recursive: true,
    filter: (src) => !src.includes(".ratchet"),
  });
  writeFileSync(join(dir, profile.promptFile), profile.plain);
  const configPath = join(dir, "ratchet.yaml");
  const config = parse(readFileSync(configPath, "utf8")) as {
    providers?: Record<string, Record<string, unknown>>;
  };
  config.providers = { ...config.providers, sim: { ...config.providers?.sim, type: "sim" } };
  (config.providers.sim as Record<string, unknown>).latency_ms = 0;
  writeFileSync(configPath, stringify(config));
  return dir;
}

export function cleanUp(keep: boolean): string[] {
  if (keep) return [...made];
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  return [];
}
