import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tldrEvent, type TldrEvent } from '../../src/output/events.js';
import { binPath } from './cli.js';

/** A `tldr` run that keeps going (the foreground dev loop), in its own process group like a shell job. */
export interface RunningCli extends AsyncDisposable {
  pid: number;
  events: TldrEvent[];
  stdout(): string;
  stderr(): string;
  /** Resolves when an event matches (with --json), rejects after `timeoutMs` or when tldr exits first. */
  waitForEvent(match: (e: TldrEvent) => boolean, timeoutMs?: number): Promise<TldrEvent>;
  exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): RunningCli {
  const child: ChildProcess = spawn(process.execPath, [binPath, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let partial = '';
  const events: TldrEvent[] = [];
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) events.push(tldrEvent.parse(JSON.parse(line)));
    waiters.forEach((w) => w());
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (exitCode, signal) => {
      // let the last stdout chunk arrive
      setTimeout(() => {
        waiters.forEach((w) => w());
        resolve({ exitCode, signal });
      }, 50);
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    pid: child.pid!,
    events,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForEvent(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found) return finish(() => resolve(found));
          if (done) finish(() => reject(new Error(`tldr exited before the event; stderr:\n${err}\nstdout:\n${out.slice(-3000)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for an event; stderr:\n${err}`))), timeoutMs);
        const finish = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      });
    },
    async [Symbol.asyncDispose]() {
      if (!done) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
        await exited;
      }
    },
  };
}

function stat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

/** True while the pid runs (a zombie waiting to be reaped counts as gone). */
export function isRunning(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** Every running member of these process groups (the supervised processes and their children). */
export function groupMembers(pgids: number[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s && s.state !== 'Z' && pgids.includes(s.pgrp)) out.push(Number(entry));
  }
  return out;
}

interface RecordFile {
  owner: { pid: number };
  groups: Record<string, { pid: number }>;
}

export function readSupervisorRecord(stateDir: string): RecordFile | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'supervisor.json'), 'utf8')) as RecordFile;
  } catch {
    return undefined;
  }
}

/** The supervisor and every process of every recorded group, by pid: what a test must see gone. */
export function recordedPids(stateDir: string): { owner?: number; groups: Record<string, number>; all: number[] } {
  const record = readSupervisorRecord(stateDir);
  if (!record) return { groups: {}, all: [] };
  const groups = Object.fromEntries(Object.entries(record.groups).map(([name, g]) => [name, g.pid]));
  return { owner: record.owner.pid, groups, all: [record.owner.pid, ...groupMembers(Object.values(groups))] };
}

/** Last-resort cleanup by pid (never by name): SIGKILL to each recorded group and the supervisor. */
export function killRecorded(stateDir: string): void {
  const record = readSupervisorRecord(stateDir);
  if (!record) return;
  for (const g of Object.values(record.groups)) {
    try {
      process.kill(-g.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (isRunning(record.owner.pid)) {
    try {
      process.kill(record.owner.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function http(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      { method, agent: false, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
