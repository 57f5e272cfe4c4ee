import type { Command } from 'commander';
import { action } from '../session.js';

export function register(program: Command): void {
  program
    .command('mcp')
    .description('MCP server over stdio for AI coding agents')
    .option('--print-config', 'print the .mcp.json entry for this project')
    .action(action(async (s) => {
      throw s.lib.notImplemented('mcp');
    }));
  program
    .command('ci')
    .description('the CI pipeline (up → migrate-check → migrate → test → down) with isolated services')
    .option('--junit <file>', 'JUnit XML report')
    .option('--shard <i/n>', 'run shard I of N of the tests')
    .action(action(async (s) => {
      throw s.lib.notImplemented('ci');
    }));
}
