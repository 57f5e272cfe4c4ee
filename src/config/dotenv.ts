/** Parses dotenv text: `KEY=value`, `export KEY=value`, quotes, `#` comments. No expansion. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new Error(`line ${i + 1}: expected KEY=value`);
    const key = match[1]!;
    let value = match[2]!;
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      // A quoted value may span lines until the closing quote.
      let body = value.slice(1);
      while (!closes(body, quote) && i + 1 < lines.length) body += '\n' + lines[++i];
      const end = closingIndex(body, quote);
      if (end === -1) throw new Error(`line ${i + 1}: unterminated ${quote} quote`);
      value = body.slice(0, end);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[key] = value;
  }
  return out;
}

function closingIndex(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && quote === '"') i++;
    else if (body[i] === quote) return i;
  }
  return -1;
}

function closes(body: string, quote: string): boolean {
  return closingIndex(body, quote) !== -1;
}
