import type { Command } from 'commander';
import { action } from '../session.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check the machine: Node, Docker socket, Python choice, server binaries, config')
    .action(action(async (s) => s.lib.doctor({ cwd: s.cwd, configPath: s.flags.config, output: s.output })));
}
