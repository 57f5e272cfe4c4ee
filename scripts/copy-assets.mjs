// Copies the Python helpers next to the compiled code so dist/ is self-contained; the old copy
// goes first, so a helper removed or turned into a package leaves nothing stale behind.
// Then compiles them to bytecode for the interpreters at hand (this machine's python3 and the
// example backend's venv): a project that runs with PYTHONDONTWRITEBYTECODE=1 (common in
// containers) would otherwise compile tldr's helpers from source on every command (~10–15 ms of
// a cold `tldr test`: the test runner alone is ~8 ms). Other interpreters read the sources, and
// write their own bytecode where they may. Best effort: no interpreter, no bytecode.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist/python', { recursive: true, force: true });
mkdirSync('dist/python', { recursive: true });
cpSync('src/python', 'dist/python', { recursive: true, filter: (src) => !src.includes('__pycache__') });

// A second interpreter of the same version finds the bytecode up to date and writes nothing.
for (const python of ['python3', 'example/backend/.venv/bin/python'].filter((p) => !p.includes('/') || existsSync(p))) {
  spawnSync(python, ['-m', 'compileall', '-q', '-j', '0', 'dist/python'], { stdio: 'ignore' });
}
