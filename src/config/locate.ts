import { isMap, isPair, isScalar, LineCounter, type Document, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

// The YAML node for a key path; for a missing key, the deepest parent that exists.
function nodeAt(doc: Document, path: readonly PropertyKey[], preferKey: boolean): Node | undefined {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const segment of path) {
    if (!node || typeof node !== 'object' || !('items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
    if (isMap(node)) {
      const pair = items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (isPair(pair)) {
        keyNode = pair.key;
        next = pair.value;
      }
    } else if (typeof segment === 'number') {
      next = items[segment];
      keyNode = undefined;
    }
    if (next === undefined || next === null) return (keyNode as Node | undefined) ?? (node as Node);
    node = next;
  }
  return ((preferKey ? keyNode : undefined) ?? node) as Node | undefined;
}

/** 1-based line and column of the value (or, with preferKey, the key) at `path`. */
export function positionOf(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  preferKey = false,
): Position | undefined {
  const node = nodeAt(doc, path, preferKey);
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
