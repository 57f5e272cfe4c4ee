import { z } from 'zod';
import { executionPath } from '../warm/schemas.js';

export const passthroughData = z.object({
  command: z.array(z.string()).describe('the argv that ran (never a shell string)'),
  cwd: z.string(),
  python: z.object({ kind: z.enum(['uv', 'venv', 'python3', 'configured']), reason: z.string() }),
  exitCode: z.number().int().describe("the child's own exit code (128 + N when signal N killed it)"),
  signal: z.string().optional(),
  durationMs: z.number(),
  path: executionPath.optional(),
  tail: z.array(z.string()).optional().describe('piped runs that failed: the last output lines'),
});

export type PassthroughData = z.output<typeof passthroughData>;
