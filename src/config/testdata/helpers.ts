import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { InputError } from "../../core/index.js";

/** 1-based line of the first line containing `needle`, computed from the input text. */
export function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split("\n");
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.includes(needle)) {
      seen++;
      if (seen === nth) return i + 1;
    }
  }
  throw new Error(`needle not in text: ${needle}`);
}

export async function tempDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ratchet-config-"));
  for (const [name, text] of Object.entries(files)) {
    const full = join(dir, name);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
  }
  return dir;
}

/** The InputError thrown by `run`, failing the test if none (or another kind) is thrown. */
export async function inputErrorOf(run: () => unknown): Promise<InputError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError, nothing was thrown");
}
