import { EventEmitter } from 'node:events';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/process/spawn.js';
import { capture } from '../../src/process/capture.js';
import { FileFollower } from '../../src/process/file-follower.js';
import { EnvironmentError } from '../../src/errors.js';
import { tempDir } from '../helpers/fixtures.js';

// A child that records each signal it gets in `file`, says "ready", and exits 0 on SIGTERM/SIGINT
// only after `exitAfter` of them.
function trapScript(file: string, exitAfter = 1): string[] {
  const code = `
    const fs = require('fs'); let n = 0;
    for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => { fs.appendFileSync(${JSON.stringify(file)}, s + '\\n'); if (++n >= ${exitAfter}) process.exit(0); });
    console.log('ready'); setInterval(() => {}, 1000);`;
  return ['-e', code];
}

const env = { PATH: process.env.PATH ?? '' };

async function untilLine(lines: string[], text: string): Promise<void> {
  for (let i = 0; i < 200 && !lines.includes(text); i++) await sleep(25);
}

describe('runCommand (real processes)', () => {
  it('passes the exit code through and hands over each output line', async () => {
    const lines: string[] = [];
    const out = await runCommand(
      { file: process.execPath, args: ['-e', 'console.log("one"); console.error("two"); process.exit(7)'], cwd: process.cwd() },
      { env, onLine: (line, stream) => lines.push(`${stream}:${line}`) },
    );
    expect(out.exitCode).toBe(7);
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one']);
  });

  it('arguments are argv elements: shell syntax reaches the child as text', async () => {
    using dir = tempDir();
    const marker = join(dir.path, 'injected');
    const lines: string[] = [];
    await runCommand(
      { file: process.execPath, args: ['-e', 'console.log(process.argv[1])', `x; touch ${marker}`], cwd: dir.path },
      { env, onLine: (l) => lines.push(l) },
    );
    expect(lines).toEqual([`x; touch ${marker}`]);
    expect(() => readFileSync(marker)).toThrow();
  });

  it.each(['SIGSEGV', 'SIGABRT', 'SIGPIPE', 'SIGUSR1'])('a child killed by %s exits 128 + its number (piped and inherited)', async (signal) => {
    // sh keeps every signal's default action (node would start its inspector on SIGUSR1).
    const args = ['-c', `kill -s ${signal.slice(3)} $$; sleep 5`];
    const expected = 128 + (constants.signals as Record<string, number>)[signal]!;
    const piped = await runCommand({ file: '/bin/sh', args, cwd: process.cwd() }, { env, onLine: () => {} });
    expect(piped).toMatchObject({ exitCode: expected, signal });
    const inherited = await runCommand({ file: '/bin/sh', args, cwd: process.cwd() }, { env });
    expect(inherited).toMatchObject({ exitCode: expected, signal });
  });

  it('a missing program is an EnvironmentError (exit 3) with a hint', async () => {
    const error = await runCommand({ file: '/nonexistent/python', args: [], cwd: process.cwd() }, { env, onLine: () => {} }).catch((e) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.hint).toContain('backend.python');
  });

  it('piped + forwardSignals: any signal tldr gets stops the child once, with stopSignal', async () => {
    using dir = tempDir();
    const log = join(dir.path, 'signals');
    writeFileSync(log, '');
    const source = new EventEmitter();
    const lines: string[] = [];
    const run = runCommand(
      { file: process.execPath, args: trapScript(log), cwd: dir.path },
      { env, onLine: (l) => lines.push(l), forwardSignals: true, stopSignal: 'SIGINT' },
      source,
    );
    await untilLine(lines, 'ready');
    source.emit('SIGINT', 'SIGINT');
    source.emit('SIGINT', 'SIGINT');
    const out = await run;
    expect(out.exitCode).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('SIGINT\n');
    expect(source.listenerCount('SIGINT')).toBe(0);
  });

  it('inherited stdio: Ctrl-C is left to the terminal; a SIGTERM to tldr alone becomes one SIGTERM for the child', async () => {
    using dir = tempDir();
    const log = join(dir.path, 'signals');
    const ready = join(dir.path, 'ready');
    writeFileSync(log, '');
    const code = `
      const fs = require('fs');
      process.on('SIGTERM', () => { fs.appendFileSync(${JSON.stringify(log)}, 'SIGTERM\\n'); process.exit(0); });
      process.on('SIGINT', () => fs.appendFileSync(${JSON.stringify(log)}, 'SIGINT\\n'));
      fs.writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000);`;
    const source = new EventEmitter();
    const run = runCommand({ file: process.execPath, args: ['-e', code], cwd: dir.path }, { env, forwardSignals: true }, source);
    for (let i = 0; i < 200; i++) {
      try {
        readFileSync(ready);
        break;
      } catch {
        await sleep(25);
      }
    }
    source.emit('SIGINT', 'SIGINT');
    await sleep(200);
    source.emit('SIGTERM', 'SIGTERM');
    source.emit('SIGHUP', 'SIGHUP');
    const out = await run;
    expect(out.exitCode).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('SIGTERM\n');
  });

  it('abort: stopSignal to the process group, SIGKILL after the grace period', async () => {
    using dir = tempDir();
    const log = join(dir.path, 'signals');
    writeFileSync(log, '');
    const lines: string[] = [];
    const controller = new AbortController();
    // exits only on the third signal: the grace timer's SIGKILL ends it first
    const run = runCommand(
      { file: process.execPath, args: trapScript(log, 3), cwd: dir.path },
      { env, onLine: (l) => lines.push(l), signal: controller.signal, graceMs: 300 },
    );
    await untilLine(lines, 'ready');
    controller.abort();
    const out = await run;
    expect(out).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    expect(readFileSync(log, 'utf8')).toBe('SIGTERM\n');
  });
});

describe('FileFollower', () => {
  it('hands over complete lines as they are appended, and the unterminated rest on stop', async () => {
    using dir = tempDir();
    const file = join(dir.path, 'events.ndjson');
    writeFileSync(file, '');
    const seen: string[] = [];
    const follower = new FileFollower(file, (line) => seen.push(line), { from: 'start', intervalMs: 20 });
    appendFileSync(file, '{"a":1}\n{"b"');
    for (let i = 0; i < 100 && seen.length < 1; i++) await sleep(10);
    expect(seen).toEqual(['{"a":1}']);
    appendFileSync(file, ':2}\n\n{"c":3}');
    expect(await follower.stop()).toBe(4);
    expect(seen).toEqual(['{"a":1}', '{"b":2}', '', '{"c":3}']);
  });

  it('waits for a file that does not exist yet', async () => {
    using dir = tempDir();
    const file = join(dir.path, 'later.ndjson');
    const seen: string[] = [];
    await using follower = new FileFollower(file, (line) => seen.push(line), { from: 'start', intervalMs: 20 });
    await sleep(50);
    writeFileSync(file, 'x\n');
    for (let i = 0; i < 100 && seen.length < 1; i++) await sleep(10);
    expect(seen).toEqual(['x']);
    void follower;
  });
});

describe('capture (execa, for cold paths)', () => {
  it('returns exit code and output; a missing program is a failure with a message, not a throw', async () => {
    const ok = await capture(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(3)']);
    expect(ok).toMatchObject({ exitCode: 3, stdout: 'out', stderr: 'err' });
    const missing = await capture('/nonexistent/program', []);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.message).toMatch(/ENOENT|not found/);
  });
});
