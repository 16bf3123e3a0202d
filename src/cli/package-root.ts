import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * The directory of Ratchet's own package.json, found by walking up from this module: the
 * module sits at a different depth in src/ (under tsx), dist/ (tsc) and the CLI bundle.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && isRatchetManifest(manifest)) {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find Ratchet's package.json above its modules");
    dir = parent;
  }
}

function isRatchetManifest(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { name?: unknown }).name === "ratchet";
  } catch {
    return false;
  }
}
