import type { FindingEvent, TldrEvent } from './events.js';
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
    case 'finding':
      return formatFinding(event, palette, '  ');
    case 'test': {
      if (event.outcome === 'passed' && !verbose) return undefined;
      const mark = {
        passed: paint(palette, 'green', 'ok  '),
        failed: paint(palette, 'red', 'FAIL'),
        error: paint(palette, 'red', 'ERR '),
        skipped: paint(palette, 'yellow', 'skip'),
      }[event.outcome];
      const queries = verbose && event.queries !== undefined ? `, ${event.queries} quer${event.queries === 1 ? 'y' : 'ies'}` : '';
      const top = verbose
        ? (event.topQueries ?? []).map((q) => `\n       ${paint(palette, 'dim', `${q.count}× ${q.file ? `${q.file}:${q.line ?? '?'}  ` : ''}${q.shape}`)}`)
        : [];
      return `${mark} ${event.id} ${paint(palette, 'dim', `(${Math.round(event.durationMs)} ms${queries})`)}${top.join('')}`;
    }
    case 'result':
      return event.ok ? paint(palette, 'green', `✔ ${event.summary}`) : paint(palette, 'red', `✖ ${event.summary}`);
  }
}

type FindingFields = Pick<FindingEvent, 'code' | 'severity' | 'app' | 'file' | 'line' | 'message' | 'hint'>;

/** One finding in three lines: severity, code and file:line (clickable in editors), what, and the fix. */
export function formatFinding(finding: FindingFields, palette: Palette, indent = ''): string {
  const sev = finding.severity === 'error' ? paint(palette, 'red', 'error  ') : paint(palette, 'yellow', 'warning');
  const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''}` : (finding.app ?? '');
  const pad = `${indent}        `;
  return `${indent}${sev} ${paint(palette, 'bold', finding.code)}  ${where}\n${pad}${finding.message}\n${pad}${paint(palette, 'dim', `fix: ${finding.hint}`)}`;
}
