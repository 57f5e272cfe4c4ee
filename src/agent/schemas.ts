import type { AnyDefinition, InputProblem } from '../index.js';

/** The SDK's schema contract (Standard Schema with a JSON Schema converter). */
export interface ToolSchema {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => { value: unknown } | { issues: Array<{ message: string; path?: PropertyKey[] }> };
    readonly jsonSchema: { readonly input: () => Record<string, unknown>; readonly output: () => Record<string, unknown> };
    readonly types?: { readonly input: unknown; readonly output: unknown };
  };
}

/**
 * A tool's inputSchema for tools/list, accepting whatever arrives: tldr checks the arguments
 * itself (`checkArguments`), so a bad one is a tldr usage error — exit 2, the argument named,
 * a hint — like a bad flag on the CLI, not the SDK's bare message.
 */
export function listedInput(json: Record<string, unknown>): ToolSchema {
  return { '~standard': { version: 1, vendor: 'tldr', validate: (value) => ({ value }), jsonSchema: { input: () => json, output: () => json } } };
}

/**
 * A tool's outputSchema: the CLI's `result` object of the command — the envelope, with `data`
 * the command's result schema (the JSON Schema schema/results/ holds; its `$defs` hoisted to the
 * root, where their `$ref`s point). Built from the library's JSON Schema and validated with the
 * definition's own zod schema: the SDK's bundled zod never touches tldr's schemas.
 */
export function outputSchema(definition: Pick<AnyDefinition, 'result' | 'name'>, dataJson: Record<string, unknown>): ToolSchema {
  const { $schema, $defs, title: _title, ...data } = dataJson;
  const json = {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    title: `tldr ${definition.name}: result`,
    type: 'object',
    properties: {
      v: { const: 1 },
      type: { const: 'result' },
      ts: { type: 'string' },
      ok: { type: 'boolean' },
      exitCode: { type: 'integer', description: '0 ok · 1 the answer is no (findings, failed tests); exit 2–5 come back as isError results' },
      summary: { type: 'string' },
      data,
    },
    required: ['v', 'type', 'ts', 'ok', 'exitCode', 'summary', 'data'],
    ...($defs ? { $defs } : {}),
  };
  return {
    '~standard': {
      version: 1,
      vendor: 'tldr',
      validate: (value) => {
        const issues = envelopeIssues(value);
        if (issues.length) return { issues };
        const parsed = definition.result.safeParse((value as { data: unknown }).data);
        return parsed.success ? { value } : { issues: parsed.error.issues.map((i) => ({ message: i.message, path: ['data', ...i.path] })) };
      },
      jsonSchema: { input: () => json, output: () => json },
    },
  };
}

function envelopeIssues(value: unknown): Array<{ message: string; path: PropertyKey[] }> {
  if (typeof value !== 'object' || value === null) return [{ message: 'expected an object', path: [] }];
  const v = value as Record<string, unknown>;
  const expect: Array<[string, (x: unknown) => boolean, string]> = [
    ['v', (x) => x === 1, '1'],
    ['type', (x) => x === 'result', '"result"'],
    ['ts', (x) => typeof x === 'string', 'a string'],
    ['ok', (x) => typeof x === 'boolean', 'a boolean'],
    ['exitCode', (x) => Number.isInteger(x), 'an integer'],
    ['summary', (x) => typeof x === 'string', 'a string'],
  ];
  return expect.filter(([key, ok]) => !ok(v[key])).map(([key, , what]) => ({ message: `expected ${what}`, path: [key] }));
}

/** The problems of tool arguments, in the words an agent fixes them by: `labels: expected array, received string`. Pure. */
export function describeArguments(tool: string, problems: InputProblem[]): { message: string; hint: string } {
  const [first, ...rest] = problems;
  const where = (p: InputProblem) => (p.path.length ? p.path.join('.') : 'arguments');
  const message = `${tool}: ${where(first!)}: ${first!.message}${rest.length ? ` (and ${rest.length} more problem(s))` : ''}`;
  return { message, hint: first!.hint ?? `send the arguments the inputSchema of ${tool} describes (tools/list)` };
}
