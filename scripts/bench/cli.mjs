// Start-up figures: what tldr costs before it does anything, against Node's own start.
import { bin, root, run } from '../bench-lib.mjs';

export default async function (bench) {
  const node = () => run(process.execPath, ['-e', '']);
  await bench.compare('`tldr --version` vs `node -e ""`', {
    tldr: () => run(bin, ['--version']),
    bare: node,
    runs: 15,
    warmup: 2,
    goal: '≤ 1.5×',
  });
  await bench.compare('`tldr --help` vs `node -e ""`', {
    tldr: () => run(bin, ['--help']),
    bare: node,
    runs: 15,
    warmup: 2,
    goal: 'information',
  });
  await bench.compare('`tldr config validate` vs `node -e ""`', {
    tldr: () => run(bin, ['config', 'validate'], { cwd: root }),
    bare: node,
    runs: 15,
    warmup: 2,
    goal: 'information',
  });
  // What NODE_EXTRA_CA_CERTS costs every Node start where it is set (bin/tldr.js keeps it from tldr's own start).
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const { NODE_EXTRA_CA_CERTS: _kept, ...without } = process.env;
    await bench.compare('`node -e ""` with NODE_EXTRA_CA_CERTS set (this machine) vs without', {
      tldr: node,
      bare: () => run(process.execPath, ['-e', ''], { env: without }),
      runs: 15,
      warmup: 2,
      goal: 'information',
    });
  }
  // Why the hot path spawns through node:child_process: what loading execa costs a process.
  await bench.compare('`node -e "await import(\'execa\')"` vs `node -e ""`', {
    tldr: () => run(process.execPath, ['--input-type=module', '-e', "await import('execa')"], { cwd: root }),
    bare: node,
    runs: 15,
    warmup: 2,
    goal: 'information',
  });
}
