export type Palette = boolean;
type Color = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'dim' | 'bold';

const codes: Record<Color, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** NO_COLOR wins, then FORCE_COLOR, then whether the stream is a TTY. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env, flag?: boolean): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY);
}

export function paint(enabled: Palette, color: Color, text: string): string {
  if (!enabled) return text;
  const [open, close] = codes[color];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

const rotation: Color[] = ['cyan', 'magenta', 'blue', 'yellow', 'green'];

/** A stable colour per log source, so `web` is always the same colour. */
export function sourceColor(source: string): Color {
  let hash = 0;
  for (const ch of source) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return rotation[hash % rotation.length]!;
}
