import type { AnyDefinition } from '../index.js';

export type ToolName =
  'status' | 'up' | 'migrate_check' | 'makemigrations' | 'migrate' | 'test' | 'dev_start' | 'dev_status' | 'dev_stop' | 'logs' | 'run_pipeline';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: false;
}

/**
 * One MCP tool over one command definition: what of its input an agent may send (never what
 * a terminal is for: --follow, a file path to write), what the tool fixes (dev_start is
 * detached), and the library options only an agent's call gets (migrate forward only).
 */
export interface ToolSpec {
  name: ToolName;
  /** The command definition's name. */
  command: string;
  /** Input keys of the definition an agent cannot send. */
  omit?: string[];
  /** Input values the tool fixes. */
  fixed?: Record<string, unknown>;
  /** Handler options besides the input (not part of the input schema). */
  options?: Record<string, unknown>;
  /** Repeating the call changes nothing more (MCP idempotentHint). */
  idempotent?: boolean;
  /** What the tool does differently from the command, appended to its summary. */
  note?: string;
}

/** Every tool of DESIGN.md § Output and the agent contract, in its order. */
export const toolSpecs: readonly ToolSpec[] = [
  { name: 'status', command: 'status' },
  { name: 'up', command: 'up', idempotent: true },
  { name: 'migrate_check', command: 'migrate-check', note: 'Only a scratch copy of the database is migrated, then dropped.' },
  { name: 'makemigrations', command: 'makemigrations', note: 'Writes migration files into the apps of backend.dir only; never prompts.' },
  {
    name: 'migrate',
    command: 'migrate',
    options: { forwardOnly: true },
    note: 'Forward only: a target that would unapply migrations is refused (run it from a terminal).',
  },
  {
    name: 'test',
    command: 'test',
    omit: ['junit'],
    note: 'Progress: tests done of total. Failed tests come back as id + first lines; the full output is in data.log.',
  },
  {
    name: 'dev_start',
    command: 'dev',
    omit: ['detach', 'down'],
    fixed: { detach: true },
    idempotent: true,
    note: 'Returns once every process is ready (or one failed); the dev loop keeps running after this server exits. See dev_status, logs, dev_stop.',
  },
  { name: 'dev_status', command: 'ps' },
  { name: 'dev_stop', command: 'stop', idempotent: true },
  {
    name: 'logs',
    command: 'logs',
    omit: ['follow'],
    note: 'The lines are in data.text (newest, a few KB at most); poll with since = data.offset, filter with grep. Also resources tldr://logs/{name}.',
  },
  { name: 'run_pipeline', command: 'run' },
];

/** The specs of the tools `agent.tools` allows, in toolSpecs order. */
export function allowedTools(allowed: readonly string[]): ToolSpec[] {
  return toolSpecs.filter((t) => allowed.includes(t.name));
}

/** The MCP input schema of a tool: the definition's input without what the tool omits or fixes; unknown keys are errors. */
export function toolInput(spec: ToolSpec, definition: Pick<AnyDefinition, 'input'>): AnyDefinition['input'] {
  const hidden = [...(spec.omit ?? []), ...Object.keys(spec.fixed ?? {})];
  const mask = Object.fromEntries(hidden.filter((k) => k in definition.input.shape).map((k) => [k, true] as const));
  // `omit` is typed for literal keys; these come from the spec table.
  return definition.input.omit(mask as never).strict();
}

/** The annotations of DESIGN.md: read-only and destructive from the definition, idempotent from the tool; nothing reaches outside the project. Pure. */
export function toolAnnotations(spec: ToolSpec, definition: Pick<AnyDefinition, 'readOnly' | 'destructive'>): ToolAnnotations {
  return {
    readOnlyHint: definition.readOnly,
    destructiveHint: !definition.readOnly && definition.destructive,
    idempotentHint: Boolean(spec.idempotent),
    openWorldHint: false,
  };
}
