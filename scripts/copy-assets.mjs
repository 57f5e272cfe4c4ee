// Copies the Python helpers next to the compiled code so dist/ is self-contained.
import { cpSync, mkdirSync } from 'node:fs';

mkdirSync('dist/python', { recursive: true });
cpSync('src/python', 'dist/python', { recursive: true, filter: (src) => !src.includes('__pycache__') });
