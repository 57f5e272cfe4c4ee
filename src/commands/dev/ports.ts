import type { Project } from '../../config/project.js';
import type { ProcessConfig } from '../../config/schema.js';
import { EnvironmentError } from '../../errors.js';
import { isPortTaken, portHolderProcess } from '../../services/ports.js';
import { describeHolder } from '../../process/proc-sockets.js';
import { readySpec, runWords } from './process-spec.js';

/** A port a process will listen on (or be probed at), with the config keys that say so. */
export interface ProcessPort {
  process: string;
  host: string;
  port: number;
  keys: string[];
}

/**
 * The local ports a process uses, from its ready check (`http`, `tcp`) and a `runserver`
 * address in its run string (Django's default 127.0.0.1:8000 when none is given). Hosts that
 * are not this machine's are left out. Pure.
 */
export function processPorts(name: string, config: Pick<ProcessConfig, 'run' | 'ready'>): ProcessPort[] {
  const found: ProcessPort[] = [];
  const add = (host: string, port: number, key: string) => {
    if (!isLocal(host)) return;
    const same = found.find((p) => p.host === host && p.port === port);
    if (same) same.keys.push(key);
    else found.push({ process: name, host, port, keys: [key] });
  };
  const runserver = runserverAddress(runWords(name, config.run));
  if (runserver) add(runserver.host, runserver.port, `processes.${name}.run`);
  const ready = readySpec(name, config.ready);
  if (ready?.kind === 'http') {
    const url = new URL(ready.url);
    add(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || (url.protocol === 'https:' ? 443 : 80)), `processes.${name}.ready.http`);
  } else if (ready?.kind === 'tcp') add(ready.host, ready.port, `processes.${name}.ready.tcp`);
  return found;
}

// Django's runserver options that take a value as the next word.
const VALUE_OPTIONS = new Set(['--settings', '--pythonpath', '-v', '--verbosity']);

/** `manage runserver [addr:]port` (Django's own parsing: `0` means 0.0.0.0, `-6` defaults to ::1). Pure. */
export function runserverAddress(words: string[]): { host: string; port: number } | undefined {
  const at = words.indexOf('runserver');
  if (at < 0) return undefined;
  let ipv6 = false;
  let addrport: string | undefined;
  for (let i = at + 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-6' || word === '--ipv6') ipv6 = true;
    else if (VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith('-') && addrport === undefined) addrport = word;
  }
  const match = addrport === undefined ? undefined : /^(?:(\[[0-9a-fA-F:.]+\]|[\w.-]+):)?(\d+)$/.exec(addrport);
  if (addrport !== undefined && !match) return undefined;
  const host = match?.[1]?.replace(/^\[|\]$/g, '') ?? (ipv6 ? '::1' : '127.0.0.1');
  return { host: host === '0' ? '0.0.0.0' : host, port: match ? Number(match[2]) : 8000 };
}

function isLocal(host: string): boolean {
  return host === 'localhost' || host === '0.0.0.0' || host === '::' || host === '::1' || host.startsWith('127.');
}

export interface TakenPort extends ProcessPort {
  /** `python3 -m http.server 8000 (pid 4242)`, when /proc shows it. */
  holder?: string;
  pid?: number;
}

/** The ports of these processes that another program holds right now. */
export async function takenProcessPorts(project: Pick<Project, 'config'>, names: string[]): Promise<TakenPort[]> {
  const ports = names.flatMap((name) => processPorts(name, project.config.processes[name]!));
  const taken: TakenPort[] = [];
  for (const p of ports) {
    const hosts = p.host === 'localhost' ? ['127.0.0.1', '::1'] : [p.host];
    const busy = (await Promise.all(hosts.map((h) => isPortTaken(p.port, h)))).some(Boolean);
    if (!busy) continue;
    const holder = portHolderProcess(p.port);
    taken.push({ ...p, ...(holder ? { holder: describeHolder(holder), pid: holder.pid } : {}) });
  }
  return taken;
}

export function describeTaken(p: TakenPort): string {
  return `port ${p.port} on ${p.host === 'localhost' ? 'localhost' : p.host} (${p.keys.join(', ')}) is taken${p.holder ? ` by ${p.holder}` : ''}`;
}

/** Exit 3 before anything starts when a process's port is held by another program (DESIGN.md § Processes). */
export async function checkProcessPorts(project: Pick<Project, 'config'>, names: string[]): Promise<void> {
  const taken = await takenProcessPorts(project, names);
  if (taken.length === 0) return;
  const first = taken[0]!;
  throw new EnvironmentError(taken.map(describeTaken).join('\n'), {
    code: 'port-taken',
    hint: `stop what holds it${first.pid ? ` (pid ${first.pid})` : ''}, or move processes.${first.process} to a free port (its run string and ready check)`,
  });
}
