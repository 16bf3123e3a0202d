#!/usr/bin/env -S node --max-old-space-size=512
// The published entry point: runs the bundled CLI from dist/cli-bundle/ (built by `npm ci` via
// `prepare`, see scripts/bundle-cli.ts).
// The shebang caps V8's old space: without a cap V8 sizes its heap from the machine's memory
// and collects late, so a long run's RSS grows far past what it uses (docs/architecture.md).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli-bundle", "bin.js");
if (!existsSync(entry)) {
  process.stderr.write(
    "ratchet: dist/cli-bundle/ is missing; run `npm run build` in the ratchet package\n",
  );
  process.exit(3);
}
await import(pathToFileURL(entry).href);
