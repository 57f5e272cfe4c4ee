// The dotenv format as python-dotenv (1.x, src/dotenv/parser.py) reads it, rule for rule: the
// Django side loads the same `.env`, so tldr must see the same keys and values — and skip, with
// a warning, exactly the statements python-dotenv skips.

/** One `KEY=value` statement; `value` is undefined for a bare `KEY` (python-dotenv's None). */
export interface DotenvEntry {
  key: string;
  value: string | undefined;
  /** 1-based line the statement starts on. */
  line: number;
}

/** A statement python-dotenv cannot parse: it is skipped (lines `line`…`endLine`). */
export interface DotenvProblem {
  line: number;
  endLine: number;
  reason: string;
}

export interface DotenvParse {
  entries: DotenvEntry[];
  problems: DotenvProblem[];
}

const re = (source: string) => new RegExp(source, 'y');
const multilineWhitespace = re(String.raw`\s*`);
const whitespace = re(String.raw`[^\S\r\n]*`);
const exportPrefix = re(String.raw`(?:export[^\S\r\n]+)?`);
const singleQuotedKey = re(String.raw`'([^']+)'`);
const unquotedKey = re(String.raw`([^=#\s]+)`);
const equalSign = re(String.raw`(=[^\S\r\n]*)`);
const singleQuotedValue = re(String.raw`'((?:\\'|[^'])*)'`);
const doubleQuotedValue = re(String.raw`"((?:\\"|[^"])*)"`);
const unquotedValue = re(String.raw`([^\r\n]*)`);
const comment = re(String.raw`(?:[^\S\r\n]*#[^\r\n]*)?`);
const endOfLine = re(String.raw`[^\S\r\n]*(?:\r\n|\n|\r|$)`);
const restOfLine = re(String.raw`[^\r\n]*(?:\r|\n|\r\n)?`);
const newline = /\r\n|\n|\r/g;
const doubleQuoteEscapes = /\\[\\'"abfnrtv]/g;
const singleQuoteEscapes = /\\[\\']/g;
const escapes: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

class ParseFailure extends Error {}

// python-dotenv's Reader: a cursor that advances by anchored regex matches and counts lines.
class Reader {
  position = 0;
  line = 1;
  constructor(readonly text: string) {}

  get hasNext(): boolean {
    return this.position < this.text.length;
  }

  peek(count: number): string {
    return this.text.slice(this.position, this.position + count);
  }

  /** `problem`: what is wrong when the text here does not match (patterns that always match pass ''). */
  read(regex: RegExp, problem: string): string[] {
    regex.lastIndex = this.position;
    const match = regex.exec(this.text);
    if (!match) throw new ParseFailure(problem);
    this.advance(match[0]);
    return match.slice(1);
  }

  advance(consumed: string): void {
    this.position += consumed.length;
    this.line += consumed.match(newline)?.length ?? 0;
  }
}

/** Every statement of a dotenv text, and the ones python-dotenv would skip. No interpolation. Pure. */
export function parseDotenvEntries(text: string): DotenvParse {
  const reader = new Reader(text);
  const entries: DotenvEntry[] = [];
  const problems: DotenvProblem[] = [];
  while (reader.hasNext) {
    const start = { position: reader.position, line: reader.line };
    try {
      reader.read(multilineWhitespace, '');
      if (!reader.hasNext) break;
      const line = reader.line;
      reader.read(exportPrefix, '');
      const key = parseKey(reader);
      reader.read(whitespace, '');
      let value: string | undefined;
      if (reader.peek(1) === '=') {
        reader.read(equalSign, '');
        value = parseValue(reader);
      }
      reader.read(comment, '');
      reader.read(
        endOfLine,
        reader.line > line ? `unterminated quote? the one opened here closes only on line ${reader.line}, followed by more text` : 'text after the value',
      );
      if (key !== undefined) entries.push({ key, value, line });
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      const line = firstLine(text, start);
      reader.read(restOfLine, '');
      const endedWithNewline = reader.position > 0 && /[\r\n]/.test(text[reader.position - 1]!);
      problems.push({ line, endLine: Math.max(line, reader.line - (endedWithNewline ? 1 : 0)), reason: error.message });
    }
  }
  return { entries, problems };
}

function parseKey(reader: Reader): string | undefined {
  const char = reader.peek(1);
  if (char === '#') return undefined;
  if (char === "'") return reader.read(singleQuotedKey, "unterminated ' quote in the key")[0];
  return reader.read(unquotedKey, 'no key before "="')[0];
}

function parseValue(reader: Reader): string {
  const char = reader.peek(1);
  if (char === "'") return reader.read(singleQuotedValue, "unterminated ' quote")[0]!.replace(singleQuoteEscapes, decode);
  if (char === '"') return reader.read(doubleQuotedValue, 'unterminated " quote')[0]!.replace(doubleQuoteEscapes, decode);
  if (char === '' || char === '\n' || char === '\r') return '';
  const part = reader.read(unquotedValue, '')[0]!;
  return part.replace(/\s+#.*/, '').replace(/\s+$/, '');
}

function decode(escape: string): string {
  return escapes[escape[1]!] ?? escape;
}

// The statement's own first line: python-dotenv marks the statement before skipping whitespace,
// but a reader names the line the text starts on.
function firstLine(text: string, start: { position: number; line: number }): number {
  multilineWhitespace.lastIndex = start.position;
  const lead = multilineWhitespace.exec(text)![0];
  return start.line + (lead.match(newline)?.length ?? 0);
}

// `${NAME}` and `${NAME:-default}`, as python-dotenv's variables.py matches them.
const variable = /\$\{([^}:]*)(?::-([^}]*))?\}/g;

/**
 * python-dotenv's resolve_variables with override=True (what `dotenv_values` and a file that
 * wins over the environment do): each value's `${NAME}` / `${NAME:-default}` comes from the
 * earlier keys of the file, then `env`; unknown → the default or empty, never an error. This
 * applies to quoted values too — python-dotenv does not treat single quotes as literal.
 * Bare keys (no `=`) are left out of the result, as load_dotenv leaves them unset. Pure.
 */
export function resolveDotenv(entries: readonly DotenvEntry[], env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const seen = new Map<string, string | undefined>();
  for (const { key, value } of entries) {
    const resolved =
      value === undefined
        ? undefined
        : value.replace(variable, (_whole, name: string, fallback: string | undefined) => {
            if (seen.has(name)) return seen.get(name) ?? '';
            if (Object.hasOwn(env, name)) return env[name] ?? '';
            return fallback ?? '';
          });
    seen.delete(key);
    seen.set(key, resolved);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of seen) if (value !== undefined) out[key] = value;
  return out;
}

/** The values of a dotenv text as python-dotenv's `dotenv_values` gives them (interpolated from `env`). Pure. */
export function parseDotenv(text: string, env: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  return resolveDotenv(parseDotenvEntries(text).entries, env);
}
