// Log figures (issue 14): `tldr logs NAME --tail 2` against `tail -n 2` on the same file — a
// 20 MB log of ordinary lines, and one holding a single 40 MB line (tails are read backwards
// in bounded chunks, so neither costs more than the lines returned). No services needed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, tldrIn } from '../bench-lib.mjs';

export default async function (bench) {
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-logs-'));
  try {
    writeFileSync(
      join(dir, 'tldr.config.yaml'),
      ['version: 1', 'name: tldrbenchlogs', 'processes:', '  web: { run: "python -V" }', '  huge: { run: "python -V" }', ''].join('\n'),
    );
    mkdirSync(join(dir, '.tldr/logs'), { recursive: true });
    const line = `${'x'.repeat(99)}\n`;
    writeFileSync(join(dir, '.tldr/logs/web.log'), line.repeat(200_000));
    writeFileSync(join(dir, '.tldr/logs/huge.log'), `before\n${'z'.repeat(40 * 1024 * 1024)}\nafter\n`);
    for (const [name, what] of [
      ['web', '20 MB of 100-byte lines'],
      ['huge', 'one 40 MB line'],
    ]) {
      const file = join(dir, '.tldr/logs', `${name}.log`);
      await bench.compare(`\`tldr logs ${name} --tail 2\` vs \`tail -n 2\` (${what})`, {
        tldr: () => tldrIn(dir)('logs', name, '--tail', '2'),
        bare: () => run('tail', ['-n', '2', file]),
        runs: 7,
        goal: 'information',
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
