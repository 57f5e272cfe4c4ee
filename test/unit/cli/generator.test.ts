import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CombinationError, describeProblem, rawInput, selectTarget } from '../../../src/cli/input.js';
import { cliModel, type CliCommand } from '../../../src/cli/model.js';
import { buildProgram, namedCommand } from '../../../src/cli/program.js';
import { defineCommand, parseInput, type AnyDefinition } from '../../../src/commands/definition.js';
import { inputJsonSchema } from '../../../src/commands/json-schema.js';
import { commandDefinition, commandDefinitions, commandGroups } from '../../../src/commands/registry.js';

// A definition of its own, so each spelling rule is seen once without a real command's baggage.
const sample = defineCommand({
  name: 'sample',
  summary: 'a command for the generator',
  input: z.object({
    target: z.string().describe('what to act on'),
    dryRun: z.boolean().default(false).describe('print, do nothing'),
    banner: z.boolean().default(true).describe('print a banner'),
    keep: z.boolean().optional().describe('keep it'),
    strictMode: z.boolean().optional().describe('strict'),
    tail: z
      .number()
      .int()
      .min(0)
      .default(100)
      .describe('lines')
      .meta({ examples: [50] }),
    level: z.enum(['low', 'high']).optional().describe('how much'),
    only: z.array(z.string()).optional().describe('names'),
    out: z.string().optional().describe('a file'),
  }),
  args: ['target'],
  cli: {
    keep: { negate: 'also', negatedHelp: 'throw it away' },
    strictMode: { negate: 'only', negatedHelp: 'be lenient' },
    tail: { short: 't', placeholder: 'n' },
    out: { path: true },
  },
  result: z.object({}),
  readOnly: true,
  destructive: false,
  interrupt: 'abort',
  project: 'none',
  load: async () => async () => ({ exitCode: 0, summary: '', data: {} }),
});

const definitions = [...commandDefinitions, sample as unknown as AnyDefinition];
const model = cliModel(definitions, commandGroups, inputJsonSchema);
const definitionNamed = (name: string) => definitions.find((d) => d.name === name)!;

/** Parses a command line the way the CLI does, up to the handler's input (or the usage error). */
async function parse(argv: string[], cwd = '/work') {
  let seen: { model: CliCommand; positionals: unknown[]; command: Command } | undefined;
  const program = buildProgram(model, '0.0.0', async (m, positionals, command) => void (seen = { model: m, positionals, command }));
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  await program.parseAsync(argv, { from: 'user' });
  const { model: m, positionals, command } = seen!;
  const selected = selectTarget(m, command, positionals);
  const raw = rawInput(selected, command, positionals, cwd);
  const parsed = parseInput(definitionNamed(selected.definition), raw);
  return { selected, raw, parsed, problem: parsed.ok ? undefined : describeProblem(selected, parsed.problems[0]!, raw, command) };
}

const helpOf = (name: string) => {
  const program = buildProgram(model, '0.0.0', async () => undefined);
  return program.commands.find((c) => c.name() === name)!.helpInformation();
};

describe('the CLI generated from the definitions', () => {
  it('spells flags in kebab-case from camelCase keys; a default-true boolean is --no-x; negate adds or replaces --no-x', () => {
    const flags = model.commands.find((c) => c.definition === 'sample')!.options.map((o) => [o.flags, o.negated?.flags].filter(Boolean).join(' '));
    expect(flags).toEqual([
      '--dry-run',
      '--no-banner',
      '--keep --no-keep',
      '--no-strict-mode',
      '-t, --tail <n>',
      '--level <level>',
      '--only <only,…>',
      '--out <out>',
    ]);
    const help = helpOf('sample');
    expect(help).toContain('--no-keep');
    expect(help).toContain('throw it away');
    expect(help).toContain('lines (default: 100)');
    expect(help).toContain('how much (choices: low, high)');
  });

  it('turns the given flags into input: switches, negations, numbers by the schema, lists, paths against --cwd; defaults come from the schema', async () => {
    expect((await parse(['sample', 'x'])).parsed).toEqual({ ok: true, value: { target: 'x', dryRun: false, banner: true, tail: 100 } });
    const all = await parse(
      [
        'sample',
        'x',
        '--dry-run',
        '--no-banner',
        '--no-keep',
        '--no-strict-mode',
        '-t',
        '5',
        '--level',
        'high',
        '--only',
        'web,worker',
        '--only',
        'db',
        '--out',
        'r.xml',
      ],
      '/work/p',
    );
    expect(all.raw).toEqual({
      target: 'x',
      dryRun: true,
      banner: false,
      keep: false,
      strictMode: false,
      tail: 5,
      level: 'high',
      only: ['web', 'worker', 'db'],
      out: '/work/p/r.xml',
    });
    expect((await parse(['sample', 'x', '--keep'])).raw).toMatchObject({ keep: true });
    expect((await parse(['sample', 'x'])).raw).not.toHaveProperty('keep');
  });

  it('a bad value is a usage error naming the flag, what it takes, what it got, and an example', async () => {
    expect((await parse(['sample', 'x', '--tail', 'abc'])).problem).toEqual({
      message: '--tail: expected a whole number ≥ 0, got "abc"',
      hint: 'e.g. --tail 50',
    });
    expect((await parse(['sample', 'x', '--level', 'mid'])).problem?.message).toBe('--level: expected one of low, high, got "mid"');
    expect((await parse(['logs', 'web', '--tail', '-1'])).problem?.message).toBe('--tail: expected a whole number ≥ 0, got -1');
    expect((await parse(['test', '--shard', '3/2'])).problem).toEqual({ message: '--shard: expected I/N with 1 ≤ I ≤ N, got "3/2"', hint: 'e.g. --shard 1/4' });
    expect((await parse(['test', '--parallel', 'many'])).problem).toEqual({
      message: '--parallel: expected a whole number ≥ 1 or "auto", got "many"',
      hint: 'e.g. --parallel 4 or --parallel auto',
    });
    expect((await parse(['test', '--parallel', 'auto'])).parsed).toMatchObject({ ok: true, value: { parallel: 'auto' } });
    expect((await parse(['up', 'mysql'])).problem?.message).toBe('SERVICES: expected one of postgres, redis, got "mysql"');
    expect((await parse(['migrate', '--', '', '0001'])).parsed.ok).toBe(true);
  });

  it('refuses an input field that would shadow a global flag', () => {
    const shadow = { ...sample, name: 'shadow', input: z.object({ json: z.boolean().default(false).describe('x') }) } as unknown as AnyDefinition;
    expect(() => cliModel([shadow], {}, inputJsonSchema)).toThrow(/shadow: input field "json" is a global flag/);
  });

  it('cross-field rules of a definition (refine) are usage errors too', async () => {
    const refined = { ...commandDefinition('migrate')!, refine: commandDefinition('migrate')!.refine! };
    expect(parseInput(refined, { migration: '0001' })).toEqual({
      ok: false,
      problems: [{ path: ['migration'], message: 'a migration needs its app', hint: 'tldr migrate APP MIGRATION, e.g. tldr migrate documents 0001' }],
    });
  });

  it('pass-through commands hand every remaining word to the child, options included', async () => {
    expect((await parse(['manage', 'check', '--deploy', '--tag', 'x'])).raw).toEqual({ args: ['check', '--deploy', '--tag', 'x'] });
    expect((await parse(['psql', '-h', 'elsewhere', '--help'])).raw).toEqual({ args: ['-h', 'elsewhere', '--help'] });
    expect((await parse(['worker', '-c', '2', '-Q', 'default'])).raw).toEqual({ args: ['-c', '2', '-Q', 'default'] });
  });

  it('migrate --check reaches migrate-check; its flags without --check, or APP with it, are usage errors', async () => {
    const check = await parse(['migrate', '--check', '--since', 'main', '--no-reversibility', '--strict']);
    expect(check.selected.definition).toBe('migrate-check');
    expect(check.parsed).toEqual({ ok: true, value: { since: 'main', reversibility: false, strict: true, cold: false } });
    expect((await parse(['migrate', 'documents', '0001'])).parsed).toEqual({ ok: true, value: { app: 'documents', migration: '0001', cold: false } });
    // --cold is a field of both: one flag, reaching whichever definition the line selects.
    expect((await parse(['migrate', '--check', '--cold'])).parsed).toEqual({ ok: true, value: { cold: true } });
    expect((await parse(['migrate', '--cold'])).parsed).toEqual({ ok: true, value: { cold: true } });
    await expect(parse(['migrate', '--since', 'main', '--strict'])).rejects.toThrow(
      new CombinationError('--since, --strict can only be used with --check', 'run `tldr migrate --check --since --strict`'),
    );
    await expect(parse(['migrate', '--check', 'documents'])).rejects.toThrow('migrate --check takes no APP or MIGRATION');
  });

  it('a command line builds only the command it names (global flags before it skipped); --help and unknown words get them all', () => {
    const named = (argv: string[]) => namedCommand(model, argv)?.words.join(' ');
    expect(named(['--json', '--cwd', '/x', 'config', 'validate'])).toBe('config validate');
    expect(named(['test', '--json', 'documents'])).toBe('test');
    expect(named(['--config', 'logs', 'up'])).toBe('up');
    expect(named(['--help'])).toBeUndefined();
    expect(named(['frobnicate'])).toBeUndefined();
    const one = buildProgram(model, '0.0.0', async () => undefined, ['up', 'postgres']);
    expect(one.commands.map((c) => c.name())).toEqual(['up']);
  });

  it('every definition is on the CLI, in --help order; every input field is described', () => {
    const words = model.commands.map((c) => c.words.join(' '));
    expect(words.slice(0, 4)).toEqual(['dev', 'ps', 'logs', 'stop']);
    for (const definition of commandDefinitions) {
      const reached = definition.via ? model.commands.some((c) => c.variants.some((v) => v.definition === definition.name)) : words.includes(definition.name);
      expect(reached, definition.name).toBe(true);
      const properties = inputJsonSchema(definition).properties as Record<string, { description?: string }>;
      for (const key of Object.keys(definition.input.shape)) expect(properties[key]?.description, `${definition.name}.${key}`).toBeTruthy();
    }
  });
});
