import type { LogLimits } from '../output/rotating-log.js';

const UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** `20MB`, `512KB`, `1.5 GiB`, `4096` (bytes) → bytes (K/M/G are powers of 1024); undefined when it is not a size. Pure. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match && UNITS[(match[2] || 'b').toLowerCase()];
  return match && unit ? Math.floor(Number(match[1]) * unit) : undefined;
}

/** The `logs:` section as limits for a rotating log. */
export function logLimits(logs: { max_size: string | number; keep: number }): LogLimits {
  return { maxBytes: parseSize(logs.max_size) ?? 20 * 1024 ** 2, keep: logs.keep };
}
