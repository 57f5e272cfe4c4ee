import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

/** A key that appears twice in one mapping. */
export interface DuplicateKey {
  path: PropertyKey[];
  first: Position;
  again: Position;
}

interface Entry {
  key?: Node;
  value?: Node;
}

const id = (path: readonly PropertyKey[]) => path.map(String).join('\u0000');

/**
 * Where each key path of a YAML document is, found by one walk: every lookup after that is a
 * map lookup. (Looking each path up from the root again was quadratic in the number of keys:
 * 32k keys took 8.8 s.) The same walk finds duplicate keys. Aliases are not followed.
 */
export class YamlIndex {
  readonly duplicates: DuplicateKey[] = [];
  private readonly entries = new Map<string, Entry>();

  constructor(
    doc: Document,
    private readonly lineCounter: LineCounter,
  ) {
    const root = doc.contents as Node | null;
    if (root) this.walk(root, []);
  }

  /** 1-based line and column of the value (or, with preferKey, the key) at `path`; for a missing key, of the deepest parent that exists. */
  positionOf(path: readonly PropertyKey[], preferKey = false): Position | undefined {
    for (let n = path.length; n >= 0; n--) {
      const entry = this.entries.get(id(path.slice(0, n)));
      if (!entry) continue;
      // A missing key points at the key of its parent (where it would go), as a person looks there.
      const node = n === path.length ? ((preferKey ? entry.key : undefined) ?? entry.value ?? entry.key) : (entry.key ?? entry.value);
      const offset = node?.range?.[0];
      if (offset !== undefined) return this.at(offset);
    }
    return undefined;
  }

  at(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private walk(root: Node, rootPath: PropertyKey[]): void {
    this.entries.set(id(rootPath), { value: root });
    // An explicit stack: a deeply nested document must not overflow the call stack.
    const stack: Array<{ node: Node; path: PropertyKey[] }> = [{ node: root, path: rootPath }];
    while (stack.length) {
      const { node, path } = stack.pop()!;
      if (isMap(node)) {
        const seen = new Map<string, Node>();
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue;
          const name = String(pair.key.value);
          const keyNode = pair.key as Node;
          const first = seen.get(name);
          if (first) {
            this.duplicates.push({ path: [...path, name], first: this.at(first.range?.[0] ?? 0), again: this.at(keyNode.range?.[0] ?? 0) });
            continue;
          }
          seen.set(name, keyNode);
          const value = (pair.value ?? undefined) as Node | undefined;
          this.entries.set(id([...path, name]), { key: keyNode, ...(value ? { value } : {}) });
          if (value) stack.push({ node: value, path: [...path, name] });
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => {
          if (!item || typeof item !== 'object' || !('range' in item)) return;
          this.entries.set(id([...path, i]), { value: item as Node });
          stack.push({ node: item as Node, path: [...path, i] });
        });
      }
    }
  }
}
