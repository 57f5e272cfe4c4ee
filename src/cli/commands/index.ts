import type { Command } from 'commander';
import { register as config } from './config.js';
import { register as dev } from './dev.js';
import { register as doctor } from './doctor.js';
import { register as env } from './env.js';
import { register as manage } from './manage.js';
import { register as mcp } from './mcp.js';
import { register as migrate } from './migrate.js';
import { register as makemigrations } from './makemigrations.js';
import { register as processes } from './processes.js';
import { register as run } from './run.js';
import { register as services } from './services.js';
import { register as clients } from './clients.js';
import { register as test } from './test.js';
import { register as supervise } from './supervise.js';

/** Every command of DESIGN.md's table; each file registers flags and help, and imports its work lazily. */
export function registerCommands(program: Command): void {
  for (const register of [dev, processes, services, clients, migrate, makemigrations, test, manage, run, env, doctor, config, mcp, supervise]) {
    register(program);
  }
}
