import { createInterface, emitKeypressEvents, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";

/** Reads the reviewer's keys and answers: raw keypresses on a terminal, lines otherwise. */
export interface Prompter {
  /** One command key (lower case); `q` at end of input, Ctrl-C or Ctrl-D. */
  key(prompt: string): Promise<string>;
  /** A line of text; `fallback` when empty; undefined at end of input. */
  ask(prompt: string, fallback?: string): Promise<string | undefined>;
  close(): void;
}

type TtyInput = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };

/** Line mode: each command and each answer is one line (pipes, scripts, tests). */
function linePrompter(input: Readable, output: Writable): Prompter {
  const rl: Interface = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  rl.on("line", (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  rl.on("close", () => {
    ended = true;
    for (const w of waiting.splice(0)) w(undefined);
  });
  const next = (): Promise<string | undefined> => {
    if (lines.length > 0) return Promise.resolve(lines.shift());
    if (ended) return Promise.resolve(undefined);
    return new Promise((resolve) => waiting.push(resolve));
  };
  return {
    async key(prompt) {
      output.write(prompt);
      const line = await next();
      output.write("\n");
      return line === undefined ? "q" : (line.trim()[0] ?? "").toLowerCase();
    },
    async ask(prompt, fallback) {
      output.write(`${prompt}${fallback ? ` [${fallback}]` : ""}: `);
      const line = await next();
      output.write("\n");
      if (line === undefined) return undefined;
      return line.trim() === "" ? fallback : line.trim();
    },
    close: () => rl.close(),
  };
}

/** Terminal mode: a single keypress chooses; answers are typed lines with echo. */
function ttyPrompter(input: TtyInput, output: Writable): Prompter {
  emitKeypressEvents(input);
  return {
    key(prompt) {
      return new Promise((resolve) => {
        // Raw mode before the prompt shows: a key pressed as soon as it appears must not be
        // echoed by the terminal or held for a line end.
        input.setRawMode?.(true);
        input.once(
          "keypress",
          (str: string | undefined, key: { name?: string; ctrl?: boolean }) => {
            input.setRawMode?.(false);
            input.pause();
            const quit = key?.ctrl && (key.name === "c" || key.name === "d");
            const k = quit ? "q" : (str ?? key?.name ?? "").toLowerCase();
            output.write(`${k}\n`);
            resolve(k);
          },
        );
        input.resume();
        output.write(prompt);
      });
    },
    ask(prompt, fallback) {
      const rl = createInterface({ input, output, terminal: true });
      return new Promise((resolve) => {
        let answered = false;
        rl.question(`${prompt}${fallback ? ` [${fallback}]` : ""}: `, (answer) => {
          answered = true;
          rl.close();
          resolve(answer.trim() === "" ? fallback : answer.trim());
        });
        rl.once("close", () => {
          if (!answered) resolve(undefined);
        });
      });
    },
    close: () => input.pause(),
  };
}

export function createPrompter(input: Readable, output: Writable): Prompter {
  const tty = input as TtyInput;
  return tty.isTTY && typeof tty.setRawMode === "function"
    ? ttyPrompter(tty, output)
    : linePrompter(input, output);
}
