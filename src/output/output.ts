import type { Writable } from 'node:stream';
import type { EventInput, ResultEvent, TldrEvent } from './events.js';
import { colorEnabled } from './colors.js';
import { formatHuman } from './human.js';
import { SecretSet } from './redact.js';

export type OutputMode = 'human' | 'json';

export interface OutputOptions {
  /** @default 'human' */
  mode?: OutputMode;
  quiet?: boolean;
  verbose?: boolean;
  /** `false` forces colour off (`--no-color`); otherwise NO_COLOR / FORCE_COLOR / TTY decide. */
  color?: boolean;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** Extra consumers of every (redacted) event, e.g. the detached supervisor's log fan-out. */
  listeners?: Array<(event: TldrEvent) => void>;
}

/**
 * Where every event goes. `--json` → NDJSON on stdout and nothing else there; human → formatted
 * lines. Every event is redacted here, once, whatever the mode.
 */
export class Output {
  readonly mode: OutputMode;
  readonly secrets = new SecretSet();
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  private readonly listeners: Array<(event: TldrEvent) => void>;
  private resultSent = false;

  constructor(options: OutputOptions = {}) {
    this.mode = options.mode ?? 'human';
    this.verbose = options.verbose ?? false;
    this.quiet = options.quiet ?? false;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.color = this.mode === 'human' && colorEnabled(this.stdout, options.env ?? process.env, options.color);
    this.listeners = options.listeners ?? [];
  }

  get json(): boolean {
    return this.mode === 'json';
  }

  /** listr2 renderer for this mode: default at a TTY, simple without, silent with --json. */
  get listrRenderer(): 'default' | 'simple' | 'silent' {
    if (this.json || this.quiet) return 'silent';
    return this.stderr.isTTY && this.stdout.isTTY ? 'default' : 'simple';
  }

  emit(input: EventInput): void {
    const event = this.secrets.redactEvent({ v: 1, ts: new Date().toISOString(), ...input } as TldrEvent);
    if (event.type === 'result') this.resultSent = true;
    for (const listener of this.listeners) listener(event);
    if (this.json) {
      this.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    if (this.quiet && event.type !== 'result' && !(event.type === 'finding' || (event.type === 'test' && event.outcome !== 'passed'))) return;
    const text = formatHuman(event, this.color, this.verbose);
    // Progress (services, the closing summary) goes to stderr so stdout stays data — child logs,
    // findings, tests, printed schemas and `env --export` lines — and pipes cleanly.
    const progress = event.type === 'result' || event.type === 'service';
    if (text !== undefined) (progress ? this.stderr : this.stdout).write(`${text}\n`);
  }

  log(source: string, line: string, stream?: 'stdout' | 'stderr'): void {
    this.emit({ type: 'log', source, line, ...(stream ? { stream } : {}) });
  }

  /** A line for people only (progress notes, hints); never on stdout in --json mode. */
  note(text: string): void {
    if (this.json || this.quiet) return;
    this.stderr.write(`${this.secrets.redact(text)}\n`);
  }

  /** Verbose-only note. */
  debug(text: string): void {
    if (this.verbose) this.note(text);
  }

  result(result: Omit<ResultEvent, 'v' | 'ts' | 'type'>): void {
    this.emit({ type: 'result', ...result });
  }

  get hasResult(): boolean {
    return this.resultSent;
  }
}
