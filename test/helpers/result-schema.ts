import { isDeepStrictEqual } from 'node:util';
import { commandDefinition } from '../../src/commands/registry.js';

const valued = new Set(['--config', '--cwd']);
const globals = new Set(['--json', '--verbose', '--quiet', '--no-color', ...valued]);

/** The definition a command line reaches (`migrate --check` → migrate-check), or undefined (`--help`, `--version`). */
export function definitionOf(args: string[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (valued.has(arg)) i++;
    else if (!globals.has(arg)) words.push(arg);
  }
  const [first, second] = words;
  if (!first || first.startsWith('-')) return undefined;
  if (first === 'migrate' && words.includes('--check')) return 'migrate-check';
  for (const name of [`${first} ${second}`, first]) if (commandDefinition(name)) return name;
  return undefined;
}

/** The definitions whose result data this process has checked (results.test.ts asserts it saw each). */
export const checkedDefinitions = new Set<string>();

/**
 * `result.data` of a `tldr --json …` run must be valid against the command's result schema, and
 * hold nothing the schema does not describe (an agent's client validates it the same way).
 */
export function checkResultData(args: string[], data: unknown): void {
  const name = definitionOf(args);
  if (!name || data === undefined) return;
  const schema = commandDefinition(name)!.result;
  const parsed = schema.safeParse(data);
  if (!parsed.success)
    throw new Error(
      `tldr ${args.join(' ')}: result.data does not match the ${name} result schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n${JSON.stringify(data)}`,
    );
  if (!isDeepStrictEqual(parsed.data, data))
    throw new Error(
      `tldr ${args.join(' ')}: result.data has fields the ${name} result schema does not describe:\n${JSON.stringify(data)}\nschema keeps: ${JSON.stringify(parsed.data)}`,
    );
  checkedDefinitions.add(name);
}
