import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
} from "yaml";

export type PathSegment = string | number;

/** `agent.model`, `cases[3].input`: the form InputError.location.key uses. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

function findPair(map: Node, key: PathSegment): Pair<unknown, unknown> | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (!isPair(item)) continue;
    const k = isScalar(item.key) ? item.key.value : item.key;
    if (String(k) === String(key)) return item;
  }
  return undefined;
}

/**
 * Position of the deepest node along `path` that exists in the document. Map entries
 * point at their key (so a bad block value is reported on the line naming it); missing
 * entries fall back to the nearest existing ancestor.
 */
export function locateNode(
  root: Node | null | undefined,
  path: readonly PathSegment[],
  lines: LineCounter,
): { line: number; column: number } | undefined {
  let node: Node | null | undefined = root;
  let offset: number | undefined = root?.range?.[0];
  for (const seg of path) {
    if (!node) break;
    if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      node = item;
      offset = item.range?.[0] ?? offset;
      continue;
    }
    const pair = findPair(node, seg);
    if (!pair) break;
    const keyNode = pair.key as Node | null;
    offset = keyNode?.range?.[0] ?? offset;
    node = pair.value as Node | null;
  }
  if (offset === undefined) return undefined;
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

export function locateInDocument(
  doc: Document,
  path: readonly PathSegment[],
  lines: LineCounter,
): { line: number; column: number } | undefined {
  return locateNode(doc.contents as Node | null, path, lines);
}

/** Path of the deepest map key that starts at or before `offset` (names the key near a syntax error). */
export function pathAtOffset(root: Node | null | undefined, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: Node | null | undefined = root;
  while (node) {
    if (isMap(node)) {
      let chosen: Pair<unknown, unknown> | undefined;
      for (const item of node.items) {
        const start = (item.key as Node | null)?.range?.[0];
        if (start !== undefined && start <= offset) chosen = item;
      }
      if (!chosen || !isScalar(chosen.key)) break;
      path.push(String(chosen.key.value));
      node = chosen.value as Node | null;
    } else if (isSeq(node)) {
      let index = -1;
      node.items.forEach((item, i) => {
        const start = (item as Node | null)?.range?.[0];
        if (start !== undefined && start <= offset) index = i;
      });
      if (index < 0) break;
      path.push(index);
      node = node.items[index] as Node | null;
    } else break;
  }
  return path;
}
