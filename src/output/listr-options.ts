import type { Output } from './output.js';

/**
 * listr2's options for an Output: the renderer its mode calls for, and every line listr2 draws
 * written through the Output's streams — redacted, and without colour on a stream that gets
 * none (listr2 decides colour from stdout alone, yet writes failures to stderr). listr2 is
 * loaded here, lazily: commands that draw no steps never pay for it.
 */
export async function listrOptions(output: Output, rendererOptions: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const { ListrLogger, ProcessOutput, LISTR_LOGGER_STDERR_LEVELS } = await import('listr2');
  // listr2 needs only write(), isTTY, columns and rows of a tty.WriteStream; the Output's streams forward them.
  const processOutput = new ProcessOutput(output.stdout as unknown as NodeJS.WriteStream, output.stderr as unknown as NodeJS.WriteStream);
  const logger = (renderer: 'default' | 'simple' | 'silent') =>
    new ListrLogger({ useIcons: true, toStderr: renderer === 'simple' ? LISTR_LOGGER_STDERR_LEVELS : [], processOutput });
  return {
    renderer: output.listrRenderer,
    rendererOptions: { ...rendererOptions, logger: logger(output.listrRenderer) },
    fallbackRenderer: 'simple',
    fallbackRendererOptions: { logger: logger('simple') },
  };
}
