// Copies the Python helpers next to the compiled code so dist/ is self-contained; the old copy
// goes first, so a helper removed or turned into a package leaves nothing stale behind.
import { cpSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist/python', { recursive: true, force: true });
mkdirSync('dist/python', { recursive: true });
cpSync('src/python', 'dist/python', { recursive: true, filter: (src) => !src.includes('__pycache__') });
