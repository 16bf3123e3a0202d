import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createPrompter } from "./prompter.js";

/** A stand-in terminal: stdin that says it is a TTY and records raw-mode switches in `log`. */
function terminal() {
  const log: string[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(raw: boolean) {
      log.push(`raw ${raw}`);
      return input;
    },
  });
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(`shown ${JSON.stringify(chunk.toString("utf8"))}`);
      done();
    },
  });
  return { log, input, prompter: createPrompter(input, output) };
}

describe("the terminal prompter (stdin a TTY)", () => {
  it("switches to raw mode before the prompt shows, and back after the one key", async () => {
    const { log, input, prompter } = terminal();
    const key = prompter.key("menu > ");
    input.write("a");
    expect(await key).toBe("a");
    expect(log).toEqual(["raw true", 'shown "menu > "', "raw false", 'shown "a\\n"']);
    prompter.close();
  });

  it("Ctrl-C and Ctrl-D quit, like the end of piped input", async () => {
    for (const control of ["\u0003", "\u0004"]) {
      const { input, prompter } = terminal();
      const key = prompter.key("menu > ");
      input.write(control);
      expect(await key).toBe("q");
      prompter.close();
    }
  });
});
