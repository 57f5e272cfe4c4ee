/**
 * Splits a `run` string into argv words the way a POSIX shell splits them — single and double
 * quotes, backslash escapes — but with no expansion of any kind: `$HOME`, `*`, `;` and `|` are
 * plain characters. The result is never given to a shell.
 */
export function splitRunString(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < input.length && '"\\$`'.includes(input[i + 1]!)) word += input[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < input.length) {
      word += input[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in: ${input}`);
  if (inWord) words.push(word);
  return words;
}
