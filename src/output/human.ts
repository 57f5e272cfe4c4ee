import type { TldrEvent } from './events.js';
import { paint, sourceColor, type Palette } from './colors.js';

/** Formats one event for a person; `undefined` = nothing to print (listr2 draws steps). */
export function formatHuman(event: TldrEvent, palette: Palette, verbose: boolean): string | undefined {
  switch (event.type) {
    case 'step.start':
    case 'step.end':
      return undefined;
    case 'log':
      return `${paint(palette, sourceColor(event.source), event.source.padEnd(8))} ${paint(palette, 'dim', '|')} ${event.line}`;
    case 'service': {
      const state = event.state === 'ready' || event.state === 'running' ? paint(palette, 'green', event.state) : paint(palette, 'yellow', event.state);
      return `${event.name.padEnd(9)} ${state}${event.url ? `  ${event.url}` : ''}${event.message ? `  ${paint(palette, 'dim', event.message)}` : ''}`;
    }
    case 'finding': {
      const sev = event.severity === 'error' ? paint(palette, 'red', 'error  ') : paint(palette, 'yellow', 'warning');
      const where = event.file ? `${event.file}${event.line ? `:${event.line}` : ''}` : (event.app ?? '');
      return `  ${sev} ${paint(palette, 'bold', event.code)}  ${where}\n          ${event.message}\n          ${paint(palette, 'dim', `fix: ${event.hint}`)}`;
    }
    case 'test': {
      if (event.outcome === 'passed' && !verbose) return undefined;
      const mark = { passed: paint(palette, 'green', 'ok  '), failed: paint(palette, 'red', 'FAIL'), error: paint(palette, 'red', 'ERR '), skipped: paint(palette, 'yellow', 'skip') }[event.outcome];
      return `${mark} ${event.id} ${paint(palette, 'dim', `(${Math.round(event.durationMs)} ms)`)}`;
    }
    case 'result':
      return event.ok ? paint(palette, 'green', `✔ ${event.summary}`) : paint(palette, 'red', `✖ ${event.summary}`);
  }
}
