import { migrate, makemigrations, manage, python, worker } from './backend/definitions.js';
import { ci } from './ci/definition.js';
import { configPrint, configSchema, configValidate } from './config/definitions.js';
import type { AnyDefinition } from './definition.js';
import { dev, logs, ps, stop, supervise } from './dev/definitions.js';
import { doctor } from './doctor/definition.js';
import { env } from './env/definition.js';
import { mcp } from './mcp/definition.js';
import { migrateCheck } from './migrate-check/definition.js';
import { run } from './run/definition.js';
import { down, psql, redisCli, status, up } from './services/definitions.js';
import { test } from './test/definition.js';
import { warmStart, warmStatus, warmStop } from './warm/definition.js';

/**
 * Every command, in --help order (DESIGN.md § Commands). Importing this loads zod and the
 * schemas only: each handler is imported by its definition's `load()`, on first use.
 */
export const commandDefinitions: readonly AnyDefinition[] = [
  dev,
  ps,
  logs,
  stop,
  up,
  down,
  status,
  psql,
  redisCli,
  migrate,
  migrateCheck,
  makemigrations,
  test,
  worker,
  manage,
  python,
  warmStart,
  warmStatus,
  warmStop,
  run,
  ci,
  env,
  doctor,
  configValidate,
  configPrint,
  configSchema,
  mcp,
  supervise,
];

/** Words that group commands on the CLI (`tldr config validate`), with their one line. */
export const commandGroups: Readonly<Record<string, string>> = {
  config: 'validate, print or describe tldr.config.yaml',
  warm: 'the warm Django fork server: start, status, stop',
};

/** The definition named `name` (`test`, `config validate`, `migrate-check`), or undefined. */
export function commandDefinition(name: string): AnyDefinition | undefined {
  return commandDefinitions.find((d) => d.name === name);
}
