/** `--name value` and bare `--switch` flags of a bench script. */
export type Flags = Map<string, string>;

export function parseFlags(argv: readonly string[]): Flags {
  const out: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      out.set(a.slice(2), next);
      i++;
    } else out.set(a.slice(2), "true");
  }
  return out;
}

/** A positive integer flag, or the fallback when absent. */
export function intFlag(f: Flags, name: string, fallback: number): number {
  const v = f.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
}
