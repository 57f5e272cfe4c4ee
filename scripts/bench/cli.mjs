import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/tldr.js', import.meta.url));

export default async function (bench) {
  await bench.compare('`tldr --version` vs `node -e ""`', {
    tldr: () => execa(process.execPath, [bin, '--version']),
    bare: () => execa(process.execPath, ['-e', '']),
    runs: 15,
    warmup: 2,
    goal: '≤ 1.5×',
  });
}
