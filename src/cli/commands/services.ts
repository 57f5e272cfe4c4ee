import type { Command } from 'commander';
import { action } from '../session.js';

export interface DownFlags {
  volumes?: boolean;
  yes?: boolean;
}

export function register(program: Command): void {
  program
    .command('up')
    .description('start Postgres and Redis (idempotent; waits until each accepts real connections)')
    .argument('[services...]', 'postgres, redis (default: all)')
    .action(
      action(async (s, _opts, [services]) =>
        s.lib.up({ project: s.project(), output: s.output, signal: s.signal, services: (services as string[] | undefined) ?? [] }),
      ),
    );
  program
    .command('down')
    .description('stop the services; data is kept unless --volumes --yes')
    .option('--volumes', 'also remove the data volumes (asks for --yes, or the project name at a TTY)')
    .option('-y, --yes', 'confirm dropping data')
    .action(
      action<DownFlags>(async (s, opts) =>
        s.lib.down({
          project: s.project(),
          output: s.output,
          signal: s.signal,
          volumes: opts.volumes ?? false,
          yes: opts.yes ?? false,
          // Only a person at a terminal can confirm by typing; scripts and agents need --yes.
          ...(process.stdin.isTTY && process.stderr.isTTY && !s.flags.json ? { confirm: askName } : {}),
        }),
      ),
    );
  program
    .command('status')
    .description('state, URL (password redacted), health and uptime of each service')
    .action(action(async (s) => s.lib.status({ project: s.project(), output: s.output, signal: s.signal })));
}

async function askName(instance: string): Promise<string | undefined> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(`This deletes the data volumes of "${instance}" (Postgres and Redis data).\nType ${instance} to confirm: `);
  } finally {
    rl.close();
  }
}
