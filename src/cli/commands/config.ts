import type { Command } from 'commander';
import { action } from '../session.js';

export function register(program: Command): void {
  const config = program.command('config').description('validate, print or describe tldr.config.yaml');
  config
    .command('validate')
    .description('check the config; errors name file:line:column and the key path (exit 2)')
    .action(
      action(async (s) => {
        const project = s.project();
        return { exitCode: 0, summary: `${project.file} is valid`, data: { file: project.file, name: project.name } };
      }),
    );
  config
    .command('print')
    .description('the config with every default filled in (secrets redacted)')
    .action(
      action(async (s) => {
        const project = s.project();
        const safe = s.lib.redactDeep(project.config, s.output.secrets, { byKey: true });
        if (!s.output.json) s.output.stdout.write(s.lib.configYaml(safe));
        return { exitCode: 0, summary: `${project.file}`, data: { config: safe } };
      }),
    );
  config
    .command('schema')
    .description('the JSON Schema of tldr.config.yaml (for editors: yaml-language-server)')
    .option('--events', 'the schema of one --json event line instead')
    .action(
      action<{ events?: boolean }>(async (s, opts) => {
        const schema = opts.events ? s.lib.eventsJsonSchema() : s.lib.configJsonSchema();
        if (!s.output.json) s.output.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
        return { exitCode: 0, summary: opts.events ? 'event schema' : 'config schema', data: { schema } };
      }),
    );
}
