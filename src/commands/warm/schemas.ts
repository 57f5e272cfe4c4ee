import { z } from 'zod';

/** `--cold` of the backend commands that may run through the warm fork server. */
export const coldField = z.boolean().default(false).describe('run a fresh Python process even when the warm Django fork server runs (`tldr warm start`)');

/** How a backend command ran (`--verbose` says why). */
export const executionPath = z.enum(['warm', 'cold']).describe('warm: forked from the warm Django server; cold: a fresh Python process');
