import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Attempt } from "../core/index.js";
import { REPORT_FORMATS, writeReport, writeReportToStream } from "./index.js";
import { makeAttempt, nastyRun } from "./test-support/fixtures.js";

const COUNT = 20_000;

function attemptNo(i: number): Attempt {
  return makeAttempt({
    id: `att_${i}`,
    case_id: `case_${i % 500}`,
    epoch: Math.floor(i / 500) + 1,
    status: i % 7 === 0 ? "failed" : "passed",
    output: `answer ${i} ${"lorem ipsum ".repeat(20)}`,
  });
}

/** Counts how many attempts each pass has produced so the sink can record where it was. */
function countingSource() {
  const state = { calls: 0, produced: 0 };
  const attempts = async function* () {
    state.calls += 1;
    for (let i = 0; i < COUNT; i++) {
      state.produced += 1;
      yield attemptNo(i);
    }
  };
  return { state, attempts };
}

describe("streaming", () => {
  // Markdown is deliberately bounded (failures capped, one row per case), so it has little to stream.
  for (const format of REPORT_FORMATS.filter((f) => f !== "markdown")) {
    it(`${format}: bytes reach the stream long before the last attempt is produced`, async () => {
      const { state, attempts } = countingSource();
      const producedAtWrite: number[] = [];
      let bytes = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          producedAtWrite.push(state.produced);
          bytes += chunk.length;
          done();
        },
      });
      await writeReportToStream(sink, format, nastyRun({ models: ["model-a"] }), attempts);

      const passes = format === "html" ? 2 : 1;
      expect(state.calls).toBe(passes);
      expect(state.produced).toBe(COUNT * passes);
      // Many chunks, and the first ones arrived while the generator was still early on:
      // a writer that gathered everything first would have produced all attempts before any write.
      expect(producedAtWrite.length).toBeGreaterThan(10);
      expect(producedAtWrite[1]).toBeLessThan(COUNT / 4);
      expect(bytes).toBeGreaterThan(COUNT * 50);
    });
  }

  it("markdown stays bounded: capped failures, one row per case", async () => {
    const { state, attempts } = countingSource();
    let text = "";
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString("utf8");
        done();
      },
    });
    await writeReportToStream(sink, "markdown", nastyRun(), attempts);
    expect(state.calls).toBe(1);
    const failures = Math.ceil(COUNT / 7);
    expect(text.match(/^- \*\*case\\_/gm)).toHaveLength(100);
    expect(text).toContain(`…and ${(failures - 100).toLocaleString("en-US")} more failures`);
    expect(text.match(/^\| case\\_/gm)).toHaveLength(500);
  });

  it("writeReport has put data on disk before the generator reaches its last attempt", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ratchet-stream-"));
    try {
      let bytesOnDiskAtLast = -1;
      const attempts = async function* () {
        for (let i = 0; i < COUNT; i++) {
          if (i === COUNT - 1) {
            // The writer flushes to a temp file beside the target until it is complete.
            const [temp] = await readdir(dir);
            bytesOnDiskAtLast = temp ? (await stat(join(dir, temp))).size : 0;
          }
          yield attemptNo(i);
        }
      };
      const path = join(dir, "big.jsonl");
      await writeReport(path, nastyRun(), attempts);
      expect(bytesOnDiskAtLast).toBeGreaterThan(COUNT * 100);
      expect((await stat(path)).size).toBeGreaterThan(bytesOnDiskAtLast);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
