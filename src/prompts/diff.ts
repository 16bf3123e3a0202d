/** One line of an edit script: kept (` `), removed (`-`) or added (`+`). */
export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * Myers' O((N+M)·D) shortest edit script between two line lists: D is the number of changed
 * lines, so near-identical prompts (the usual case) cost about their length.
 */
export function diffLines(a: string, b: string): DiffLine[] {
  const x = splitLines(a);
  const y = splitLines(b);
  const n = x.length;
  const m = y.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down =
        k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let i = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let j = i - k;
      while (i < n && j < m && x[i] === y[j]) {
        i++;
        j++;
      }
      v[offset + k] = i;
      if (i >= n && j >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m), emitting the script in reverse.
  const out: DiffLine[] = [];
  let i = n;
  let j = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] as Int32Array;
    const k = i - j;
    const down =
      k === -d || (k !== d && (vd[offset + k - 1] as number) < (vd[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevI = d === 0 ? 0 : (vd[offset + prevK] as number);
    const prevJ = d === 0 ? 0 : prevI - prevK;
    while (i > prevI && j > prevJ) {
      out.push({ op: " ", text: x[--i] as string });
      j--;
    }
    if (d === 0) break;
    if (down) out.push({ op: "+", text: y[--j] as string });
    else out.push({ op: "-", text: x[--i] as string });
  }
  return out.reverse();
}

/** A unified diff (`@@ -a,b +c,d @@` hunks with `context` lines around changes); "" if equal. */
export function unifiedDiff(
  a: string,
  b: string,
  labels: { from: string; to: string },
  context = 3,
): string {
  const script = diffLines(a, b);
  if (script.every((line) => line.op === " ")) return "";
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  // Positions (old, new line numbers) before each script entry.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 0;
  let nn = 0;
  for (const line of script) {
    oldAt.push(o);
    newAt.push(nn);
    if (line.op !== "+") o++;
    if (line.op !== "-") nn++;
  }
  let index = 0;
  while (index < script.length) {
    while (index < script.length && script[index]?.op === " ") index++;
    if (index >= script.length) break;
    const start = Math.max(0, index - context);
    let end = index;
    // Extend while the next change is within 2·context kept lines.
    for (;;) {
      while (end < script.length && script[end]?.op !== " ") end++;
      let next = end;
      while (next < script.length && script[next]?.op === " ") next++;
      if (next < script.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(script.length, end + context);
    const hunk = script.slice(start, stop);
    const oldCount = hunk.filter((l) => l.op !== "+").length;
    const newCount = hunk.filter((l) => l.op !== "-").length;
    const oldStart = oldCount === 0 ? (oldAt[start] as number) : (oldAt[start] as number) + 1;
    const newStart = newCount === 0 ? (newAt[start] as number) : (newAt[start] as number) + 1;
    // As GNU diff writes it: a count of 1 is left out.
    const range = (start: number, count: number) =>
      count === 1 ? `${start}` : `${start},${count}`;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const line of hunk) out.push(`${line.op}${line.text}`);
    index = stop;
  }
  return `${out.join("\n")}\n`;
}
