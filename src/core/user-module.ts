import { pathToFileURL } from "node:url";

/**
 * Loads a user's JS or TS file (an agent, a custom grader): TypeScript through tsx, whose
 * loader is pulled in only when a .ts file is asked for.
 */
export async function importUserModule(absolutePath: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(absolutePath).href;
  if (/\.[cm]?tsx?$/.test(absolutePath)) {
    const { tsImport } = await import("tsx/esm/api");
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

/**
 * The named export of a loaded module. A file that Node treats as CommonJS (a .ts file in a
 * package without `"type": "module"`) arrives with its exports wrapped in `default`, so the
 * name is looked up there too.
 */
export function pickExport(loaded: Record<string, unknown>, name: string): unknown {
  const direct = loaded[name];
  if (typeof direct === "function") return direct;
  const wrapped = loaded.default;
  if (wrapped && typeof wrapped === "object" && name in wrapped) {
    return (wrapped as Record<string, unknown>)[name];
  }
  return direct;
}

/** The functions a loaded module offers, for an error that names what was there instead. */
export function exportedFunctions(loaded: Record<string, unknown>): string[] {
  const wrapped = loaded.default;
  const names = Object.keys(loaded).filter((key) => typeof loaded[key] === "function");
  if (wrapped && typeof wrapped === "object") {
    for (const [key, value] of Object.entries(wrapped)) {
      if (typeof value === "function" && !names.includes(key)) names.push(key);
    }
  }
  return names;
}
