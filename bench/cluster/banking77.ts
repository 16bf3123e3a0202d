/** Reads BANKING77 (`text,category` CSV, quoted fields may hold commas, quotes, newlines). */
import { readFileSync } from "node:fs";

export interface LabelledTexts {
  texts: string[];
  labels: Int32Array;
  categories: string[];
}

function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && source[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function readBanking77(file: string): LabelledTexts {
  const [header, ...rows] = parseCsv(readFileSync(file, "utf8"));
  if (header?.join(",") !== "text,category") throw new Error(`${file}: unexpected header`);
  const categories: string[] = [];
  const ids = new Map<string, number>();
  const texts: string[] = [];
  const labels: number[] = [];
  for (const [text, category] of rows) {
    if (text === undefined || category === undefined) continue;
    let id = ids.get(category);
    if (id === undefined) {
      id = categories.length;
      ids.set(category, id);
      categories.push(category);
    }
    texts.push(text);
    labels.push(id);
  }
  return { texts, labels: Int32Array.from(labels), categories };
}
