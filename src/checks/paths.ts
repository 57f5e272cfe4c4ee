import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CheckDocument } from './document.js';

// The helper names files relative to backend.dir (its cwd). People, editors and CI annotations
// (`::error file=…`) want them relative to the project root, the folder of tldr.config.yaml.
export function rebasePath(file: string | null, fromDir: string, toDir: string): string | null {
  if (file === null) return null;
  const path = relative(toDir, isAbsolute(file) ? file : resolve(fromDir, file));
  return sep === '/' ? path : path.split(sep).join('/');
}

/** The document's findings and checked files, with paths relative to `toDir`. Pure. */
export function rebaseDocument(document: CheckDocument, fromDir: string, toDir: string): CheckDocument {
  const fix = <T extends { file: string | null }>(item: T): T => ({ ...item, file: rebasePath(item.file, fromDir, toDir) });
  return { ...document, findings: document.findings.map((f) => fix(f)), checked: document.checked.map(fix) };
}
