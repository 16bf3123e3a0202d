import type { TableOptions } from "./types.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Display width in code points, ignoring ANSI colour codes. (Wide CJK glyphs count as one.) */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const _ of stripAnsi(text)) width += 1;
  return width;
}

/** Cut to `width` visible columns; colour codes are dropped from cut cells to avoid dangling escapes. */
function clip(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  const points = Array.from(stripAnsi(text));
  return width <= 1 ? points.slice(0, width).join("") : `${points.slice(0, width - 1).join("")}…`;
}

function pad(text: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - visibleWidth(text)));
  return align === "right" ? fill + text : text + fill;
}

/**
 * Aligned plain-text table: header, a dashed rule, rows. Used by the eval summary and the
 * `runs list` / `runs show` commands. Cells should be one line; newlines are shown as spaces.
 */
export function renderTable(
  headers: string[],
  rows: string[][],
  options: TableOptions = {},
): string {
  const gap = options.gap ?? "  ";
  const indent = " ".repeat(options.indent ?? 0);
  const columns = Math.max(headers.length, ...rows.map((r) => r.length));
  const clean = (cell: string | undefined) => (cell ?? "").replace(/[\r\n\t]+/g, " ");
  const head = Array.from({ length: columns }, (_, i) => clean(headers[i]));
  const body = rows.map((r) => Array.from({ length: columns }, (_, i) => clean(r[i])));
  const widths = head.map((h, i) =>
    Math.max(visibleWidth(h), ...body.map((r) => visibleWidth(r[i] ?? ""))),
  );

  if (options.maxWidth !== undefined) {
    const overhead = indent.length + gap.length * Math.max(0, columns - 1);
    // Shrink the widest column one step at a time: short columns (status, numbers) stay intact.
    while (widths.reduce((a, b) => a + b, 0) + overhead > options.maxWidth) {
      const widest = widths.indexOf(Math.max(...widths));
      if ((widths[widest] ?? 0) <= 4) break;
      widths[widest] = (widths[widest] ?? 0) - 1;
    }
  }

  const align = (i: number) => options.align?.[i] ?? "left";
  // The last left-aligned column needs no padding; trailing spaces only wrap badly in terminals.
  const cellWidth = (i: number) =>
    i === columns - 1 && align(i) === "left" ? 0 : (widths[i] ?? 0);
  const line = (cells: string[]) =>
    (
      indent + cells.map((c, i) => pad(clip(c, widths[i] ?? 0), cellWidth(i), align(i))).join(gap)
    ).trimEnd();
  const bold = (text: string) => (options.color ? `\u001b[1m${text}\u001b[22m` : text);
  const headerLine =
    indent +
    head.map((h, i) => bold(pad(clip(h, widths[i] ?? 0), cellWidth(i), align(i)))).join(gap);
  const rule = line(widths.map((w) => "-".repeat(w)));
  return [headerLine.trimEnd(), rule, ...body.map(line)].join("\n");
}
