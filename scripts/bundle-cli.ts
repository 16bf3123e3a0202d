/**
 * Bundles the CLI (src/cli/bin.ts and everything it imports, dependencies included) with
 * esbuild into dist/cli-bundle/, which bin/ratchet.js runs. Node 20's ESM loader costs ~0.7 ms
 * per module and a command loads ~600 of them (kysely and zod alone ship ~370 files), so
 * `ratchet eval` spent ~0.9 s starting; bundled it starts in about half that.
 *
 * Commands stay separate chunks (cli/main.ts imports them on demand). Kept out of the bundle:
 * packages with native code or that read their own files at run time, and those loaded only
 * on demand (tsx for TypeScript agents, the sim's tokenizer ranks, the @stdlib distributions).
 *
 * `tsx scripts/bundle-cli.ts [outdir]` (part of `npm run build`); test/bundled-cli.test.ts
 * bundles to a directory of its own and runs the commands from there.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

export const BUNDLE_EXTERNALS = [
  "better-sqlite3",
  "tsx",
  "tsx/*",
  "gpt-tokenizer",
  "gpt-tokenizer/*",
  "@stdlib/*",
];

/** Builds the bundle into `outdir` (resolved from the repository root). */
export async function bundleCli(outdir = "dist/cli-bundle"): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ["src/cli/bin.ts"],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: BUNDLE_EXTERNALS,
    // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __ratchetCreateRequire } from 'node:module'; const require = __ratchetCreateRequire(import.meta.url);",
    },
    sourcemap: "linked",
    legalComments: "eof",
    logLevel: "warning",
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleCli(process.argv[2]);
}
