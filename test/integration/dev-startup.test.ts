import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, http, isRunning, readSupervisorRecord, recordedPids, waitUntil } from '../helpers/dev-loop.js';
import { repoRoot } from '../helpers/cli.js';
import { devFixtures, devProject, type DevProject } from '../helpers/dev-project.js';

// The start-up of the dev loop against real Postgres, Redis and Django: ports someone else
// holds, probes answered by the wrong process, a process that dies while another one starts.
let project: DevProject;
const strangers: ChildProcess[] = [];
const strangerPids: number[] = [];

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

const py = (code: string) => JSON.stringify(`python -c ${JSON.stringify(code)}`);

function stranger(args: string[]): Promise<ChildProcess> {
  const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  strangers.push(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // http.server says nothing until the first request; give it a moment to bind
    setTimeout(() => resolve(child), 600);
  });
}

beforeAll(async () => {
  project = await devProject('tldrstart');
  project.configure('  placeholder: { run: "python -V" }');
  expect((await project.cli(['up'])).exitCode).toBe(0);
});

afterEach(async () => {
  await project.cleanup();
  for (const child of strangers.splice(0)) child.kill('SIGKILL');
  for (const pid of strangerPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

afterAll(async () => {
  await project?.[Symbol.asyncDispose]();
});

describe('process ports and readiness', () => {
  it('a port held by another program is an environment error (exit 3) naming the port and its holder, before anything starts', async () => {
    const [webPort, tcpPort, runPort] = [await freePort(), await freePort(), await freePort()];
    project.configure(
      [
        `  web: { run: "manage runserver 127.0.0.1:${webPort} --noreload", ready: { http: "http://127.0.0.1:${webPort}/health/" } }`,
        `  vite: { run: "node server.js", ready: { tcp: ${tcpPort} }, dir: ${JSON.stringify(join(devFixtures, '..', 'frontend'))} }`,
        `  admin: { run: "manage runserver ${runPort} --noreload" }`,
      ].join('\n'),
    );
    const holders = [
      await stranger(['-m', 'http.server', String(webPort), '--bind', '127.0.0.1']),
      await stranger(['-m', 'http.server', String(tcpPort), '--bind', '0.0.0.0']),
    ];
    const run = await project.cli(['--json', 'dev', '--detach']);
    expect(run.exitCode, run.stdout).toBe(3);
    expect(run.result?.error?.code).toBe('port-taken');
    const message = run.result?.error?.message ?? '';
    expect(message).toContain(`port ${webPort} on 127.0.0.1 (processes.web.run, processes.web.ready.http) is taken by`);
    expect(message).toContain(`(pid ${holders[0]!.pid})`);
    expect(message).toMatch(new RegExp(`http\\.server ${webPort}`));
    expect(message).toContain(`port ${tcpPort} on 127.0.0.1 (processes.vite.ready.tcp) is taken by`);
    expect(message).not.toContain(`port ${runPort}`);
    expect(run.events.some((e) => e.type === 'step.start')).toBe(false);
    expect(readSupervisorRecord(project.stateDir)).toBeUndefined();
    expect(existsSync(join(project.stateDir, 'logs/web.log'))).toBe(false);

    // a runserver address alone (no ready check) is checked too
    await stranger(['-m', 'http.server', String(runPort), '--bind', '127.0.0.1']);
    const only = await project.cli(['--json', 'dev', '--only', 'admin']);
    expect(only.exitCode).toBe(3);
    expect(only.result?.error?.message).toContain(`port ${runPort} on 127.0.0.1 (processes.admin.run) is taken`);

    // doctor names the holder too, and starts nothing
    const doctor = await project.cli(['--json', 'doctor']);
    expect(doctor.exitCode, doctor.stdout).toBe(3);
    const checks = (doctor.result?.data as { checks: Array<{ name: string; ok: boolean; detail: string }> }).checks;
    expect(checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'ports', ok: false, detail: expect.stringContaining(`port ${webPort}`) })]));
  });

  it('a readiness answer from a socket outside the process group does not count: not ready, exit 4 naming who answered', async () => {
    const port = await freePort();
    const pidFile = join(project.dir.path, 'foreign.pid');
    project.configure(
      `  sneaky: { run: ${JSON.stringify(`python ${join(devFixtures, 'foreign_server.py')} ${port} ${pidFile}`)}, ready: { http: "http://127.0.0.1:${port}/", timeout: 3 } }`,
    );
    const run = await project.cli(['--json', 'dev', '--detach']);
    if (existsSync(pidFile)) strangerPids.push(Number(readFileSync(pidFile, 'utf8')));
    expect(run.exitCode, run.stdout.slice(-2000)).toBe(4);
    expect(run.result?.error).toMatchObject({ code: 'process-not-ready', message: expect.stringMatching(/^sneaky was not ready after 3 s \(http /) });
    expect(run.result?.error?.message).toMatch(
      new RegExp(`127\\.0\\.0\\.1:${port} answered, but from python3? .*\\(pid ${strangerPids[0]}\\), not from sneaky`),
    );
    expect(readSupervisorRecord(project.stateDir)).toBeUndefined();
  });

  it('a process that crashes while the next one starts fails the run with exit 4 and its log tail, never exit 5', async () => {
    project.configure(
      [
        `  early: { run: ${py("import sys, time; print('early up', flush=True); time.sleep(1); print('early: giving up', flush=True); sys.exit(3)")}, ready: { log: "early up" } }`,
        `  late: { run: ${py("import time; time.sleep(4); print('late up', flush=True); time.sleep(60)")}, ready: { log: "late up" } }`,
      ].join('\n'),
    );
    for (const args of [
      ['--json', 'dev'],
      ['--json', 'dev', '--detach'],
    ]) {
      const run = await project.cli(args);
      expect(run.exitCode, `${args.join(' ')}: ${run.stdout.slice(-2000)}`).toBe(4);
      expect(run.result?.error).toMatchObject({ code: 'process-crashed', message: 'early crashed: exit code 3' });
      expect(readSupervisorRecord(project.stateDir)).toBeUndefined();
    }
    const human = await project.cli(['dev']);
    expect(human.exitCode).toBe(4);
    expect(human.stderr).toContain('early: giving up');
    expect(human.stderr).not.toMatch(/bug in tldr|aborted/);
  });
});

describe('the detached loop', () => {
  it('Ctrl-C while tldr dev (--detach or not) waits for readiness stops everything it started and exits 130', async () => {
    project.configure(`  slow: { run: ${py("import time; print('slow up', flush=True); time.sleep(120)")}, ready: { log: "never printed", timeout: 100 } }`);
    for (const args of [['--json', 'dev', '--detach'], ['dev', '--detach'], ['dev']]) {
      const dev = project.start(args);
      await waitUntil(() => dev.stdout().includes('slow up'), 60_000, `${args.join(' ')}: slow to print`);
      const pids = recordedPids(project.stateDir);
      expect(Object.keys(pids.groups), args.join(' ')).toEqual(['slow']);
      // a terminal's Ctrl-C goes to the foreground job's process group
      process.kill(-dev.pid, 'SIGINT');
      const { exitCode } = await dev.exited;
      expect(exitCode, `${args.join(' ')}: ${dev.stderr()}`).toBe(130);
      await waitUntil(() => pids.all.every((pid) => !isRunning(pid)), 15_000, `${args.join(' ')}: the supervisor and slow to stop`);
      expect(readSupervisorRecord(project.stateDir)).toBeUndefined();
      if (args[0] === '--json') expect(dev.events.at(-1)).toMatchObject({ type: 'result', exitCode: 130 });
      else expect(dev.stderr()).toMatch(/interrupted by SIGINT/);
    }
  });

  it('a loop that crashed is remembered: ps says which process ended it, how, when, and where its log is', async () => {
    project.configure(
      [
        `  victim: { run: ${py("import time; print('victim up', flush=True); time.sleep(120)")}, ready: { log: "victim up" } }`,
        `  bystander: { run: ${py("import time; print('bystander up', flush=True); time.sleep(120)")}, ready: { log: "bystander up" } }`,
      ].join('\n'),
    );
    expect((await project.cli(['dev', '--detach'])).exitCode).toBe(0);
    const pids = recordedPids(project.stateDir);
    const before = Date.now();
    process.kill(pids.groups.victim!, 'SIGKILL');
    await waitUntil(() => pids.all.every((pid) => !isRunning(pid)), 20_000, 'the loop to stop after the crash');
    const ps = await project.cli(['--json', 'ps']);
    expect(ps.exitCode).toBe(0);
    const data = ps.result?.data as {
      running: boolean;
      last: {
        reason: string;
        summary: string;
        endedAt: string;
        pid: number;
        process: unknown;
        processes: Array<{ name: string; state: string }>;
        supervisorLog: string;
      };
    };
    expect(data.running).toBe(false);
    expect(data.last).toMatchObject({
      reason: 'crashed',
      summary: expect.stringMatching(/^victim crashed: signal SIGKILL/),
      pid: pids.owner,
      process: { name: 'victim', exitCode: null, signal: 'SIGKILL', log: join(project.stateDir, 'logs/victim.log') },
      supervisorLog: join(project.stateDir, 'logs/supervisor.log'),
    });
    expect(data.last.processes).toEqual([
      expect.objectContaining({ name: 'victim', state: 'crashed' }),
      expect.objectContaining({ name: 'bystander', state: 'stopped' }),
    ]);
    expect(Date.parse(data.last.endedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(ps.result?.summary).toMatch(/^no dev loop is running; the last one ended \d+s ago \(.*\): victim crashed: signal SIGKILL/);
    const human = await project.cli(['ps']);
    expect(human.stdout).toContain('victim crashed: signal SIGKILL');
    expect(human.stdout).toContain(join(project.stateDir, 'logs/victim.log'));

    // a clean stop and a supervisor killed with -9 are told apart
    expect((await project.cli(['dev', '--detach'])).exitCode).toBe(0);
    expect((await project.cli(['stop'])).exitCode).toBe(0);
    expect((await project.cli(['--json', 'ps'])).result?.data).toMatchObject({ running: false, last: { reason: 'stopped' } });
    expect((await project.cli(['dev', '--detach'])).exitCode).toBe(0);
    const again = recordedPids(project.stateDir);
    process.kill(again.owner!, 'SIGKILL');
    await waitUntil(() => !isRunning(again.owner!), 5000, 'the supervisor to die');
    const died = await project.cli(['--json', 'ps']);
    expect(died.result?.data).toMatchObject({
      running: false,
      reaped: [{ name: 'victim' }, { name: 'bystander' }],
      last: { reason: 'died', pid: again.owner, summary: expect.stringMatching(/ended without stopping its processes .*victim, bystander/) },
    });
  });

  it('a second tldr dev --detach while the first is starting waits for its readiness (or its failure) and reports that', async () => {
    project.configure(`  tardy: { run: ${py("import time; time.sleep(2); print('tardy up', flush=True); time.sleep(120)")}, ready: { log: "tardy up" } }`);
    const first = project.start(['--json', 'dev', '--detach']);
    await waitUntil(() => readSupervisorRecord(project.stateDir) !== undefined, 60_000, 'the first tldr dev to claim the loop');
    const second = await project.cli(['--json', 'dev', '--detach']);
    expect(second.exitCode, second.stdout.slice(-2000)).toBe(0);
    expect(second.result?.data).toMatchObject({ alreadyRunning: true, processes: [{ name: 'tardy', state: 'ready', ready: true }] });
    expect((await first.exited).exitCode).toBe(0);
    expect((await project.cli(['stop'])).exitCode).toBe(0);

    project.configure(`  doomed: { run: ${py("import sys, time; time.sleep(2); print('doomed: no', flush=True); sys.exit(5)")}, ready: { log: "never" } }`);
    const failing = project.start(['--json', 'dev', '--detach']);
    await waitUntil(() => readSupervisorRecord(project.stateDir) !== undefined, 60_000, 'the first tldr dev to claim the loop');
    const waiting = await project.cli(['--json', 'dev', '--detach']);
    expect(waiting.exitCode, waiting.stdout.slice(-2000)).toBe(4);
    expect(waiting.result?.error?.message).toMatch(/doomed exited with exit code 5 before it was ready/);
    expect((await failing.exited).exitCode).toBe(4);
  });

  it('the next detached loop starts its Django processes ahead and adopts them; a head start that cannot prepare runs the process cold; nothing is left', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/health/`;
    project.configure(`  web: { run: "manage runserver 127.0.0.1:${port} --noreload", ready: { http: "${url}" } }`);
    const recordFile = join(project.stateDir, 'dev-head-start.json');
    expect((await project.cli(['dev', '--detach'])).exitCode).toBe(0);
    expect(readFileSync(join(project.stateDir, 'logs/web.log'), 'utf8')).not.toContain('head start');
    const record = readFileSync(recordFile, 'utf8');
    expect(JSON.parse(record).processes.web.args).toEqual(expect.arrayContaining([expect.stringMatching(/tldr_bootstrap\.py$/), '--await-env', 'runserver']));
    expect(record).not.toContain('dev-hardening-secret');
    expect((await project.cli(['stop'])).exitCode).toBe(0);

    // the second start: bin/tldr.js starts the supervisor, the supervisor the bootstrap, before the plan
    const second = await project.cli(['--json', 'dev', '--detach']);
    expect(second.exitCode, second.stdout.slice(-2000)).toBe(0);
    expect(readFileSync(join(project.stateDir, 'logs/web.log'), 'utf8')).toMatch(
      /started, pid \d+ \(head start: adopted, spawned \d+ ms before the plan arrived\)/,
    );
    expect((await http('GET', url)).status).toBe(200);
    const pids = recordedPids(project.stateDir);
    expect(readFileSync(`/proc/${pids.groups.web}/cmdline`, 'utf8')).toContain('tldr_bootstrap.py');
    expect(readdirSync(join(project.stateDir, 'logs')).filter((f) => f.startsWith('supervisor.log.early'))).toEqual([]);
    expect(readFileSync(join(project.stateDir, 'logs/supervisor.log'), 'utf8')).toMatch(/web: ready/);
    expect((await project.cli(['stop'])).exitCode).toBe(0);
    expect(pids.all.filter(isRunning)).toEqual([]);

    // a start that fails before the plan (a config error) leaves no early supervisor and no head start
    const config = readFileSync(join(project.dir.path, 'tldr.config.yaml'), 'utf8');
    project.dir.write('tldr.config.yaml', `${config}\nbogus_key: 1\n`);
    expect((await project.cli(['dev', '--detach'])).exitCode).toBe(2);
    const early = () => readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && cmdline(pid).includes(`127.0.0.1:${port}`));
    await waitUntil(() => early().length === 0, 5000, 'the unadopted head start to end');
    expect(readdirSync(join(project.stateDir, 'logs')).filter((f) => f.startsWith('supervisor.log.early'))).toEqual([]);

    // preparation fails (the settings module is missing): the head start declines and the cold start shows why
    project.configure(
      `  web: { run: "manage runserver 127.0.0.1:${port} --noreload", ready: { http: "${url}" }, env: { DJANGO_SETTINGS_MODULE: nosuch_settings } }`,
    );
    // (the record's head start still fits: the process's own env is not read at the interpreter's start)
    const declined = await project.cli(['--json', 'dev', '--detach']);
    expect(declined.exitCode).toBe(4);
    const log = readFileSync(join(project.stateDir, 'logs/web.log'), 'utf8');
    expect(log).toMatch(/head start declined \(.*nosuch_settings.*\): starting it cold/);
    expect(log.slice(log.indexOf('starting it cold'))).toContain("No module named 'nosuch_settings'");
    await waitUntil(() => early().length === 0, 5000, 'no web process to be left');
  });

  it('a background supervisor whose plan never comes (stdin closed, or killed with -9) leaves no head start behind', async () => {
    const port = await freePort();
    project.configure(`  web: { run: "manage runserver 127.0.0.1:${port} --noreload", ready: { http: "http://127.0.0.1:${port}/health/" } }`);
    expect((await project.cli(['dev', '--detach'])).exitCode).toBe(0);
    expect((await project.cli(['stop'])).exitCode).toBe(0);
    const heads = () =>
      readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && cmdline(pid).includes('tldr_bootstrap.py') && cmdline(pid).includes(`127.0.0.1:${port}`));
    for (const end of ['eof', 'kill'] as const) {
      const supervisor = spawn(process.execPath, [join(repoRoot, 'dist/bundle/supervise.cjs')], { cwd: project.dir.path, stdio: ['pipe', 'ignore', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => supervisor.once('exit', resolve));
      await waitUntil(() => heads().length === 1, 10_000, 'the supervisor to start the head start');
      if (end === 'eof') supervisor.stdin.end();
      else supervisor.kill('SIGKILL');
      const code = await exited;
      expect(code).toBe(end === 'eof' ? 3 : null);
      await waitUntil(() => heads().length === 0, 10_000, `the head start to end after ${end}`);
    }
  });
});
