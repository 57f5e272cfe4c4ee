import type { EventInput, ResultEvent, TldrEvent } from './events.js';
import { colorEnabled } from './colors.js';
import { formatHuman } from './human.js';
import { SecretSet } from './redact.js';
import { RedactingStream, type TextStream } from './redacting-stream.js';

export type OutputMode = 'human' | 'json';

export interface OutputOptions {
  /** @default 'human' */
  mode?: OutputMode;
  quiet?: boolean;
  verbose?: boolean;
  /** `false` forces colour off (`--no-color`); otherwise NO_COLOR / FORCE_COLOR / TTY decide. */
  color?: boolean;
  stdout?: TextStream;
  stderr?: TextStream;
  env?: NodeJS.ProcessEnv;
  /** Extra consumers of every (redacted) event, e.g. the detached supervisor's log fan-out. */
  listeners?: Array<(event: TldrEvent) => void>;
  /** Where `progress()` goes (the MCP server's progress notifications); nowhere by default. */
  onProgress?: (progress: OutputProgress) => void;
}

/** How far a long command is (tests done of total): for callers that show or forward progress. */
export interface OutputProgress {
  done: number;
  total?: number;
  /** One line, redacted. */
  message: string;
}

/**
 * Where every event goes. `--json` → NDJSON on stdout and nothing else there; human → formatted
 * lines. Everything printed passes `secrets`: each event is redacted once, and `stdout` /
 * `stderr` redact whatever else is written to them (data lines, notes, errors, listr2's lines).
 * Colour is decided per stream: `tldr … 2>err.log` at a terminal keeps escape codes out of the file.
 */
export class Output {
  readonly mode: OutputMode;
  readonly secrets = new SecretSet();
  readonly verbose: boolean;
  readonly quiet: boolean;
  /** Colour on stdout (what data lines, logs and reports written there may use). */
  readonly color: boolean;
  /** Colour on stderr (notes, progress, the closing line). */
  readonly stderrColor: boolean;
  /** Redacting streams in front of the real ones: write anything meant for people here. */
  readonly stdout: RedactingStream;
  readonly stderr: RedactingStream;
  /**
   * The real streams, unredacted: only for what must pass untouched — a child that owns the
   * terminal (psql), `env --export` for eval, and NDJSON lines already redacted as events.
   */
  readonly terminal: { stdout: TextStream; stderr: TextStream };
  private readonly listeners: Array<(event: TldrEvent) => void>;
  private readonly onProgress: ((progress: OutputProgress) => void) | undefined;
  private resultSent = false;

  constructor(options: OutputOptions = {}) {
    this.mode = options.mode ?? 'human';
    this.verbose = options.verbose ?? false;
    this.quiet = options.quiet ?? false;
    this.terminal = { stdout: options.stdout ?? process.stdout, stderr: options.stderr ?? process.stderr };
    const env = options.env ?? process.env;
    this.color = this.mode === 'human' && colorEnabled(this.terminal.stdout, env, options.color);
    this.stderrColor = this.mode === 'human' && colorEnabled(this.terminal.stderr, env, options.color);
    const redact = (text: string) => this.secrets.redact(text);
    this.stdout = new RedactingStream(this.terminal.stdout, redact, this.color);
    this.stderr = new RedactingStream(this.terminal.stderr, redact, this.stderrColor);
    this.listeners = options.listeners ?? [];
    this.onProgress = options.onProgress;
  }

  /** Reports how far a long command is; only callers that asked (`onProgress`) see it. */
  progress(progress: OutputProgress): void {
    this.onProgress?.({ ...progress, message: this.secrets.redact(progress.message) });
  }

  get json(): boolean {
    return this.mode === 'json';
  }

  /** listr2 renderer for this mode: default when stdout (where it draws) is a TTY, simple without, silent with --json. */
  get listrRenderer(): 'default' | 'simple' | 'silent' {
    if (this.json || this.quiet) return 'silent';
    return this.stdout.isTTY ? 'default' : 'simple';
  }

  emit(input: EventInput): void {
    const event = this.secrets.redactEvent({ v: 1, ts: new Date().toISOString(), ...input } as TldrEvent);
    if (event.type === 'result') this.resultSent = true;
    for (const listener of this.listeners) listener(event);
    if (this.json) {
      // Redacted above, field by field; a second pass over the serialised line could cut JSON apart.
      this.terminal.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    if (this.quiet && event.type !== 'result' && !(event.type === 'finding' || (event.type === 'test' && event.outcome !== 'passed'))) return;
    // Progress (services, the closing summary) goes to stderr so stdout stays data — child logs,
    // findings, tests, printed schemas and `env --export` lines — and pipes cleanly.
    const progress = event.type === 'result' || event.type === 'service';
    const text = formatHuman(event, progress ? this.stderrColor : this.color, this.verbose);
    if (text !== undefined) (progress ? this.stderr : this.stdout).write(`${text}\n`);
  }

  log(source: string, line: string, stream?: 'stdout' | 'stderr'): void {
    this.emit({ type: 'log', source, line, ...(stream ? { stream } : {}) });
  }

  /**
   * Data for people — a table, a report, a schema, `KEY=value` lines — on stdout in human mode
   * only: with --json the `result` carries it. A newline is added when missing.
   */
  print(text: string): void {
    if (this.json) return;
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A line for people only (progress notes, hints); never on stdout in --json mode. */
  note(text: string): void {
    if (this.json || this.quiet) return;
    this.stderr.write(`${text}\n`);
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
