import { Parser } from 'yaml';

/**
 * Where the quoted scalar that the YAML parser reports as unclosed opens (its offset). The parser
 * reports the place it gave up — the end of the line or of the file — while the mistake is at
 * the opening quote. Undefined when no quoted scalar reaches `errorOffset`.
 */
export function quoteOpening(text: string, errorOffset: number): number | undefined {
  let best: number | undefined;
  const stack: unknown[] = Array.from(new Parser().parse(text));
  while (stack.length) {
    const token = stack.pop();
    if (!token || typeof token !== 'object') continue;
    if (Array.isArray(token)) {
      for (const item of token) stack.push(item);
      continue;
    }
    const { type, offset, source } = token as { type?: string; offset?: number; source?: string };
    if ((type === 'double-quoted-scalar' || type === 'single-quoted-scalar') && offset !== undefined && source !== undefined) {
      if (offset <= errorOffset && errorOffset <= offset + source.length && (best === undefined || offset > best)) best = offset;
    }
    for (const value of Object.values(token)) if (value && typeof value === 'object') stack.push(value);
  }
  return best;
}
