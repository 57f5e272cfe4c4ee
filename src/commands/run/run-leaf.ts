import { runWordsCommand } from '../../backend/commands.js';
import { runCommand } from '../../process/spawn.js';
import { resolvePython } from '../../backend/python.js';
import type { StepContext, StepResult } from '../../pipeline/types.js';

/** Runs the argv of a `{ run: "…" }` step with the managed env; a non-zero exit fails the step with that code. */
export async function runWordsStep(words: string[], ctx: StepContext): Promise<StepResult> {
  const spec = runWordsCommand(ctx.project, resolvePython(ctx.project), words);
  const env = await ctx.env();
  const source = words[0] === 'manage' && words[1] ? words[1] : words[0]!;
  const outcome = await runCommand(spec, { env, signal: ctx.signal, onLine: (line, stream) => ctx.log(source, line, stream) });
  if (outcome.exitCode === 0) return { status: 'ok', data: { exitCode: 0, durationMs: outcome.durationMs } };
  return {
    status: 'failed',
    exitCode: outcome.exitCode,
    message: `${words.join(' ')} exited with ${outcome.signal ?? outcome.exitCode}`,
    data: { exitCode: outcome.exitCode, durationMs: outcome.durationMs },
  };
}
