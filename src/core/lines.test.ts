import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FileLine, readLines } from "./lines.js";

const dir = mkdtempSync(join(tmpdir(), "ratchet-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(content: string, maxLineChars: number, highWaterMark = 4) {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(path, content);
  const out: FileLine[] = [];
  for await (const line of readLines(path, { maxLineChars, highWaterMark })) out.push(line);
  return out;
}

describe("readLines", () => {
  it("numbers lines across chunk boundaries, with \\n and \\r\\n endings and no final newline", async () => {
    expect(await collect("alpha\r\nbeta\n\ngamma", 100)).toEqual([
      { line: 1, text: "alpha" },
      { line: 2, text: "beta" },
      { line: 3, text: "" },
      { line: 4, text: "gamma" },
    ]);
  });

  it("skips a line over the limit, reporting its length, and goes on after it", async () => {
    const lines = await collect(`short\n${"x".repeat(25)}\nnext\n${"y".repeat(11)}`, 10);
    expect(lines).toEqual([
      { line: 1, text: "short" },
      { line: 2, tooLong: { chars: 25 } },
      { line: 3, text: "next" },
      { line: 4, tooLong: { chars: 11 } },
    ]);
  });

  it("keeps a line exactly at the limit", async () => {
    expect(await collect("0123456789\n", 10)).toEqual([{ line: 1, text: "0123456789" }]);
  });

  it("reads an empty file as no lines", async () => {
    expect(await collect("", 10)).toEqual([]);
  });
});
