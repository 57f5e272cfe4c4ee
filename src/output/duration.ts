/**
 * A span of time for people, two units at most: `45s`, `1m05s`, `1h01m`, `2d03h`; `-` for none.
 * One format for `tldr ps` uptimes, `tldr status` and "ended … ago".
 */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.floor(Math.max(0, ms) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor((s % 86400) / 3600))}h`;
}
