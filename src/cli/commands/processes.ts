import type { Command } from 'commander';
import { action } from '../session.js';

export interface LogsFlags {
  tail?: string;
  follow?: boolean;
}

export function register(program: Command): void {
  program
    .command('ps')
    .description('state of the detached dev loop: processes, pid, uptime, restarts, readiness')
    .action(action(async (s) => s.lib.ps({ project: s.project(), output: s.output, signal: s.signal })));
  program
    .command('logs')
    .description('logs of a dev process (web, worker, …) or a service (postgres, redis)')
    .argument('<name>', 'process or service name')
    .option('--tail <n>', 'only the last N lines', '100')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .action(
      action<LogsFlags>(async (s, opts, [name]) => {
        const tail = Number(opts.tail ?? '100');
        if (!Number.isInteger(tail) || tail < 0) throw s.lib.usageError(`--tail: expected a whole number of lines, got ${JSON.stringify(opts.tail)}`, 'e.g. --tail 50');
        return s.lib.processLogs({ project: s.project(), output: s.output, signal: s.signal, name: String(name), tail, follow: opts.follow });
      }),
    );
  program
    .command('stop')
    .description('stop the detached dev loop (processes in reverse order; services stay up)')
    .action(action(async (s) => s.lib.stop({ project: s.project(), output: s.output, signal: s.signal })));
}
