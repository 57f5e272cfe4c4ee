import { describe, expect, it } from 'vitest';
import { ProgressRelay } from '../../src/agent/progress.js';
import { toolResult } from '../../src/agent/result.js';
import { describeArguments, outputSchema } from '../../src/agent/schemas.js';
import { allowedTools, toolAnnotations, toolInput, toolSpecs } from '../../src/agent/tools.js';
import { unappliedBy } from '../../src/backend/migration-state.js';
import { commandDefinition } from '../../src/commands/registry.js';
import { agentToolNames } from '../../src/config/schema.js';
import type { ResultEvent } from '../../src/output/events.js';

const result = (over: Partial<ResultEvent>): ResultEvent => ({
  v: 1,
  ts: '2026-12-01T00:00:00.000Z',
  type: 'result',
  ok: true,
  exitCode: 0,
  summary: 'fine',
  ...over,
});

describe('MCP tools from the command definitions', () => {
  it('there is one tool spec per DESIGN.md tool name, each over an existing definition', () => {
    expect(toolSpecs.map((t) => t.name)).toEqual([...agentToolNames]);
    for (const spec of toolSpecs) expect(commandDefinition(spec.command), spec.name).toBeDefined();
    expect(allowedTools(['logs', 'status']).map((t) => t.name)).toEqual(['status', 'logs']);
  });

  it('inputs leave out what a terminal is for and what the tool fixes, and refuse unknown keys', () => {
    const spec = (name: string) => toolSpecs.find((t) => t.name === name)!;
    const keys = (name: string) => Object.keys(toolInput(spec(name), commandDefinition(spec(name).command)!).shape);
    expect(keys('logs')).toEqual(['name', 'tail', 'since', 'grep']);
    expect(keys('dev_start')).toEqual(['only']);
    expect(keys('test')).not.toContain('junit');
    const logs = toolInput(spec('logs'), commandDefinition('logs')!);
    expect(logs.safeParse({ name: 'web', follow: true }).success).toBe(false);
  });

  it('annotations: read-only and destructive from the definition, idempotent from the tool, never open-world', () => {
    const of = (name: string) => {
      const spec = toolSpecs.find((t) => t.name === name)!;
      return toolAnnotations(spec, commandDefinition(spec.command)!);
    };
    expect(of('status')).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false });
    expect(of('migrate_check').readOnlyHint).toBe(true);
    expect(of('dev_start')).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: true });
    expect(of('migrate').destructiveHint).toBe(true);
    for (const spec of toolSpecs) expect(of(spec.name).openWorldHint).toBe(false);
  });

  it('outputSchema validates the envelope and the data with the definition schema', () => {
    const definition = commandDefinition('logs')!;
    const schema = outputSchema(definition, { $schema: 'x', title: 't', type: 'object' })['~standard'];
    expect(schema.jsonSchema.output()).toMatchObject({
      type: 'object',
      required: ['v', 'type', 'ts', 'ok', 'exitCode', 'summary', 'data'],
      properties: { data: { type: 'object' } },
    });
    expect('value' in schema.validate(result({ data: { name: 'web', lines: 0, text: [], omitted: 0 } }))).toBe(true);
    expect((schema.validate(result({ data: { name: 'web' } })) as { issues: Array<{ path: unknown }> }).issues[0]!.path).toEqual(['data', 'lines']);
    expect(schema.validate({ ...result({}), v: 2 })).toMatchObject({ issues: [{ path: ['v'] }] });
  });
});

describe('tool results mirror the CLI contract', () => {
  it('exit 0 and 1 are answers: summary, then the same JSON as text', () => {
    for (const exitCode of [0, 1]) {
      const event = result({ ok: exitCode === 0, exitCode, summary: '6 test(s): 1 failed', data: { x: 1 } });
      const r = toolResult(event);
      expect(r.isError).toBeUndefined();
      expect(r.structuredContent).toBe(event);
      expect(r.content.map((c) => c.text)).toEqual(['6 test(s): 1 failed', JSON.stringify(event)]);
    }
  });

  it('exit 2–5 are isError results led by the tldr code, message and hint', () => {
    const event = result({
      ok: false,
      exitCode: 3,
      summary: 'no Docker',
      error: { code: 'docker-unavailable', message: 'no Docker daemon answered', hint: 'start dockerd' },
    });
    const r = toolResult(event);
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toBe('docker-unavailable (exit 3): no Docker daemon answered\nhint: start dockerd');
  });

  it('bad arguments are named', () => {
    expect(
      describeArguments('logs', [
        { path: ['tail'], message: 'expected number' },
        { path: [], message: 'x' },
      ]),
    ).toEqual({
      message: 'logs: tail: expected number (and 1 more problem(s))',
      hint: 'send the arguments the inputSchema of logs describes (tools/list)',
    });
  });
});

describe('progress notifications', () => {
  it('count up with every notification; tests set a total that ends where the count ends; tests are throttled', () => {
    const sent: Array<{ progress: number; total?: number; message: string }> = [];
    let now = 0;
    const relay = new ProgressRelay(
      (p) => sent.push(p),
      () => now,
    );
    relay.event({ v: 1, ts: '', type: 'service', name: 'postgres', state: 'ready' });
    relay.event({ v: 1, ts: '', type: 'log', source: 'x', line: 'ignored' });
    relay.progress({ done: 0, total: 3, message: 'running 3 test(s)' });
    now = 10;
    relay.progress({ done: 1, total: 3, message: 'a passed' }); // throttled
    now = 200;
    relay.progress({ done: 2, total: 3, message: 'b passed' });
    now = 201;
    relay.progress({ done: 3, total: 3, message: 'c failed' }); // the last one always goes
    expect(sent).toEqual([
      { progress: 1, message: 'postgres ready' },
      { progress: 2, total: 5, message: 'running 3 test(s)' },
      { progress: 3, total: 4, message: 'b passed' },
      { progress: 4, total: 4, message: 'c failed' },
    ]);
  });
});

describe('migrate forward only: what a target would unapply', () => {
  const rows = ['0001_initial', '0002_add_title', '0003_index'].map((name) => ({ app: 'documents', name }));
  it('an applied target with later applied migrations, or zero, is backwards', () => {
    expect(unappliedBy(rows, 'documents', '0001')).toEqual(['documents.0002_add_title', 'documents.0003_index']);
    expect(unappliedBy(rows, 'documents', '0002_add_title')).toEqual(['documents.0003_index']);
    expect(unappliedBy(rows, 'documents', 'zero')).toHaveLength(3);
  });
  it('the latest applied, a target not applied yet, another app: forward', () => {
    expect(unappliedBy(rows, 'documents', '0003')).toEqual([]);
    expect(unappliedBy(rows, 'documents', '0004_new')).toEqual([]);
    expect(unappliedBy(rows, 'billing', '0001')).toEqual([]);
    expect(unappliedBy([], 'documents', 'zero')).toEqual([]);
  });
});
