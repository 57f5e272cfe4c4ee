#!/usr/bin/env node
// `npm run bench`: each figure measures tldr against the bare command it wraps, side by side in
// one run (alternating, median of N), and prints the ratio. Figures live in scripts/bench/*.mjs.
//   node scripts/bench.mjs [AREA…] [--check]    AREA: a figure file's name (cli, services, …)
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { ensureBenchPreconditions } from './bench-preflight.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = args.filter((a) => a !== '--check');
const rows = [];

// A fresh clone has no build and no venv: provision those, or stop at once naming the command.
const ready = ensureBenchPreconditions(join(here, '..'), { check });
if (check && ready === 0) process.stderr.write('bench: ready to measure\n');
if (check || ready !== 0) process.exit(ready);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** The API a figure file gets. */
const bench = {
  /**
   * compare(name, { tldr, bare, runs = 7, warmup = 1, before?, after?, goal })
   * tldr/bare: async functions doing one measured run; before/after: untimed, around each run.
   */
  async compare(name, { tldr, bare, runs = 7, warmup = 1, before, after, goal = '', kind = 'ratio' }) {
    const times = { tldr: [], bare: [] };
    for (let i = 0; i < warmup + runs; i++) {
      // Alternate which side goes first so drift hits both equally.
      const order = i % 2 ? ['bare', 'tldr'] : ['tldr', 'bare'];
      for (const side of order) {
        if (before) await before(side);
        const ms = await time(side === 'tldr' ? tldr : bare);
        if (after) await after(side);
        if (i >= warmup) times[side].push(ms);
      }
    }
    const t = median(times.tldr);
    const b = median(times.bare);
    const row = { figure: name, tldrMs: Math.round(t), bareMs: Math.round(b), ratio: t / b, deltaMs: Math.round(t - b), goal, kind };
    rows.push(row);
    process.stderr.write(
      `  ${name}: tldr ${row.tldrMs} ms vs bare ${row.bareMs} ms → ${row.ratio.toFixed(2)}× (${row.deltaMs >= 0 ? '+' : ''}${row.deltaMs} ms)\n`,
    );
    return row;
  },
  /** report(name, value, unit): a single figure that has no bare twin (e.g. RSS). */
  report(name, value, unit, goal = '') {
    rows.push({ figure: name, value, unit, goal, kind: 'value' });
    process.stderr.write(`  ${name}: ${value} ${unit}\n`);
  },
};

const files = readdirSync(join(here, 'bench'))
  .filter((f) => f.endsWith('.mjs'))
  .sort();
for (const file of files) {
  const area = file.replace(/\.mjs$/, '');
  if (only.length && !only.includes(area)) continue;
  process.stderr.write(`${area}\n`);
  const mod = await import(pathToFileURL(join(here, 'bench', file)).href);
  try {
    await mod.default(bench);
  } catch (error) {
    process.stderr.write(`  ${area} failed: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  }
}

console.log('\n| figure | tldr | bare | ratio | goal |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  if (r.kind === 'value') console.log(`| ${r.figure} | ${r.value} ${r.unit} | — | — | ${r.goal} |`);
  else console.log(`| ${r.figure} | ${r.tldrMs} ms | ${r.bareMs} ms | ${r.ratio.toFixed(2)}× (${r.deltaMs >= 0 ? '+' : ''}${r.deltaMs} ms) | ${r.goal} |`);
}
