/**
 * Bundles the CLI (src/cli/bin.ts and everything it imports, dependencies included) with
 * esbuild into dist/cli-bundle/, which bin/ratchet.js runs. Node 20's ESM loader costs ~0.7 ms
 * per module and a command loads ~600 of them (kysely and zod alone ship ~370 files), so
 * `ratchet eval` spent ~0.9 s starting; bundled it starts in about half that.
 *
 * Commands stay separate chunks (cli/main.ts imports them on demand). Kept out of the bundle:
 * packages with native code or that read their own files at run time, and those loaded only
 * on demand (tsx for TypeScript agents, the sim's tokenizer ranks, the @stdlib distributions).
 * One bundled dependency still resolves a package at run time from where it sits: the AI SDK's
 * provider-utils requires `undici` (its own dependency, hoisted by npm) for large downloads.
 *
 * `tsx scripts/bundle-cli.ts [outdir]` (part of `npm run build`); test/bundled-cli.test.ts
 * bundles to a directory of its own and runs the commands from there.
 */
import { realpathSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

export const BUNDLE_EXTERNALS = [
  "better-sqlite3",
  "tsx",
  "tsx/*",
  "gpt-tokenizer",
  "gpt-tokenizer/*",
  "@stdlib/*",
];

/**
 * zod's `z.locales` namespace re-exports its error messages in some 40 languages (366 KB, an
 * eighth of what `ratchet eval` loads; parsing and decoding source is most of a command's
 * load time). Ratchet never switches zod's locale, so the namespace holds English only.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), "..", "locales", "en.js"), namespace: "zod-locales" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

/** Builds the bundle into `outdir` (resolved from the repository root), replacing it. */
export async function bundleCli(outdir = "dist/cli-bundle"): Promise<void> {
  // Chunk names are content hashes: without this, every rebuild would leave the old ones.
  rmSync(resolve(root, outdir), { recursive: true, force: true });
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
    plugins: [zodEnglishOnly],
    // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __ratchetCreateRequire } from 'node:module'; const require = __ratchetCreateRequire(import.meta.url);",
    },
    // Maps without the sources (small); `node --enable-source-maps` uses them when debugging.
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "eof",
    logLevel: "warning",
  });
}

// Run directly (not imported by a test or the bench). Compared as real paths: tsx resolves
// symlinks in import.meta.url but not in argv[1].
function realPath(path: string | undefined): string | undefined {
  try {
    return path === undefined ? undefined : realpathSync(path);
  } catch {
    return undefined; // `node -e`, or a script path that is gone
  }
}
if (realPath(process.argv[1]) === realPath(fileURLToPath(import.meta.url))) {
  await bundleCli(process.argv[2]);
}
