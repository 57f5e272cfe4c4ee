import { execa, type ResultPromise } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { tldrEvent, type TldrEvent } from '../../src/output/events.js';
import { backendProject, venvPython, type BackendProject } from '../helpers/backend.js';
import { binPath, type CliResult } from '../helpers/cli.js';
import { uniqueName } from '../helpers/fixtures.js';

// One project (a temp copy of example/backend, docker services on free ports) for the whole
// file: the first `tldr migrate` brings the services up, every later command finds them up.
let project: BackendProject;
let firstMigrate: CliResult;

beforeAll(async () => {
  project = await backendProject({ copyBackend: true });
  firstMigrate = await project.cli(['--json', 'migrate']);
});

afterAll(async () => {
  await project?.[Symbol.asyncDispose]();
});

/**
 * Spawns the built CLI as a long-running child. When the test ends — also by a timeout or a
 * failed assertion — it and every process it started are killed by pid.
 */
function spawnCli(args: string[], options: { detached?: boolean } = {}): ResultPromise {
  const child = execa(process.execPath, [binPath, ...args], {
    cwd: project.dir.path,
    env: { NO_COLOR: '1' },
    reject: false,
    stdin: 'ignore',
    detached: options.detached ?? false,
    buffer: true,
  });
  const pid = child.pid!;
  // pid → start time, so a pid reused by an unrelated process after ours exited is never killed
  const family = new Map<number, string | undefined>([[pid, startTime(pid)]]);
  const track = setInterval(() => {
    for (const p of descendants(pid)) if (!family.has(p)) family.set(p, startTime(p));
  }, 200);
  onTestFinished(() => {
    clearInterval(track);
    for (const p of descendants(pid)) if (!family.has(p)) family.set(p, startTime(p));
    for (const [p, started] of family) if (started && startTime(p) === started) process.kill(p, 'SIGKILL');
  });
  return child;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Every descendant of `pid`, read from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) if (parent === p) (out.push(child), walk(child));
  };
  walk(pid);
  return out;
}

// Service status lines may precede the child's own output on stdout.
const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

const parseEvents = (stdout: string): TldrEvent[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => tldrEvent.parse(JSON.parse(l)));

describe('tldr migrate / manage / python (real Postgres, Redis, Django 5.2)', () => {
  it('migrate brings the services up and applies every migration, never prompting with --json', async () => {
    expect(firstMigrate.exitCode, firstMigrate.stderr).toBe(0);
    const lines = firstMigrate.events.filter((e) => e.type === 'log').map((e) => e.line);
    expect(lines).toContain('  Applying documents.0001_initial... OK');
    expect(lines).toContain('  Applying sample_tests.0001_initial... OK');
    expect(firstMigrate.result?.data).toMatchObject({ command: [venvPython, 'manage.py', 'migrate', '--noinput'], cwd: project.backendDir, exitCode: 0 });
    const db = await project.db();
    try {
      const { rows } = await db.query("select name from django_migrations where app = 'documents'");
      expect(rows.map((r) => r.name)).toEqual(['0001_initial']);
    } finally {
      await db.end();
    }
  });

  it('migrate APP MIGRATION: backwards and forwards again; a bad app label is exit 2 before Django starts', async () => {
    const back = await project.cli(['migrate', 'sample_tests', 'zero']);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.stdout).toContain('Unapply all migrations: sample_tests');
    expect((await project.cli(['migrate', 'sample_tests'])).exitCode).toBe(0);
    const bad = await project.cli(['migrate', 'sample_tests;drop']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('is not a Python identifier');
  });

  it('manage and python pass the exit code through; the argv reaches the child untouched', async () => {
    const check = await project.cli(['manage', 'check']);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toContain('System check identified no issues');
    const seven = await project.cli(['python', '-c', 'import sys; print(sys.argv[1:]); sys.exit(7)', 'a b', '; touch x']);
    expect(seven.exitCode).toBe(7);
    expect(lastLine(seven.stdout)).toBe("['a b', '; touch x']");
    expect(existsSync(join(project.backendDir, 'x'))).toBe(false);
    const unknown = await project.cli(['--json', 'manage', 'no_such_command']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.result?.data).toMatchObject({ exitCode: 1, tail: expect.arrayContaining([expect.stringContaining("Unknown command: 'no_such_command'")]) });
  });

  it('the child gets the managed environment; --verbose names the python and why', async () => {
    const run = await project.cli([
      '--verbose',
      'python',
      '-c',
      'import os; print(os.environ["DATABASE_URL"].split("@")[1], os.environ["CELERY_BROKER_URL"] == os.environ["REDIS_URL"], os.getcwd())',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(lastLine(run.stdout)).toBe(`${lastLine(run.stdout).split(' ')[0]} True ${project.backendDir}`);
    expect(lastLine(run.stdout)).toMatch(/^127\.0\.0\.1:\d+\/tldr True /);
    expect(run.stderr).toContain(`python: ${venvPython} (backend.python is set to ["${venvPython}"])`);
  });

  it('Ctrl-C at a terminal reaches the child once; tldr waits for it and exits 130', async () => {
    const file = join(project.dir.path, `sigint-${uniqueName()}`);
    const script = [
      'import signal, sys, time',
      'hits = []',
      'signal.signal(signal.SIGINT, lambda *a: hits.append(1))',
      'print("child-ready", flush=True)',
      'while not hits: time.sleep(0.05)',
      'time.sleep(0.5)',
      `open(${JSON.stringify(file)}, "w").write("SIGINT x%d" % len(hits))`,
      'sys.exit(3)',
    ].join('\n');
    // Its own process group, like a foreground job: the "terminal" signals the whole group.
    const child = spawnCli(['python', '-c', script], { detached: true });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += String(chunk)));
    await waitFor('the child to start', () => out.includes('child-ready'));
    process.kill(-child.pid!, 'SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(readFileSync(file, 'utf8')).toBe('SIGINT x1');
  });

  it('with --json the child runs in its own group: a Ctrl-C to tldr stops it with one SIGTERM, exit 130', async () => {
    const file = join(project.dir.path, `sigterm-${uniqueName()}`);
    const script = [
      'import signal, sys, time',
      `signal.signal(signal.SIGTERM, lambda *a: (open(${JSON.stringify(file)}, "a").write("SIGTERM\\n"), sys.exit(0)))`,
      `signal.signal(signal.SIGINT, lambda *a: open(${JSON.stringify(file)}, "a").write("SIGINT\\n"))`,
      'print("ready", flush=True)',
      'time.sleep(60)',
    ].join('\n');
    const child = spawnCli(['--json', 'python', '-c', script], { detached: true });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += String(chunk)));
    await waitFor('the child to start', () => out.includes('"line":"ready"'));
    process.kill(-child.pid!, 'SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(readFileSync(file, 'utf8')).toBe('SIGTERM\n');
    const last = parseEvents(String(result.stdout)).at(-1);
    expect(last).toMatchObject({ type: 'result', ok: false, exitCode: 130 });
  });
});

describe('tldr worker (real Celery on the managed Redis)', () => {
  it('processes a task enqueued through Django; one SIGTERM stops it and everything it started', async () => {
    const worker = spawnCli(['--json', 'worker', '-c', '1']);
    let out = '';
    worker.stdout!.on('data', (chunk) => (out += String(chunk)));
    await waitFor('celery to be ready', () => / ready\.?"/.test(out) || /celery@\S+ ready/.test(out), 90_000);
    const family = descendants(worker.pid!);
    expect(family.length).toBeGreaterThan(0);
    const enqueue = await project.cli([
      'manage',
      'shell',
      '-c',
      'from documents.models import Document; from documents.tasks import process_document; d = Document.objects.create(title="from the worker test"); process_document.delay(d.pk); print("DOC", d.pk)',
    ]);
    expect(enqueue.exitCode, enqueue.stderr).toBe(0);
    const id = Number(/DOC (\d+)/.exec(enqueue.stdout)?.[1]);
    const db = await project.db();
    try {
      await waitFor(
        'the document to be processed',
        async () => (await db.query('select status from documents_document where id = $1', [id])).rows[0]?.status === 'done',
        60_000,
      );
    } finally {
      await db.end();
    }
    expect(out).toContain('documents.tasks.process_document');
    process.kill(worker.pid!, 'SIGTERM');
    const result = await worker;
    expect(result.exitCode).toBe(130);
    expect(parseEvents(String(result.stdout)).some((e) => e.type === 'log' && /warm shutdown/i.test(e.line))).toBe(true);
    await waitFor('the worker processes to exit', () => family.every((pid) => !alive(pid)), 15_000);
  });
});

describe('tldr makemigrations (a model change in a temp copy)', () => {
  it('writes the migration into the copy, and migrate applies it', async () => {
    const models = join(project.backendDir, 'documents/models.py');
    writeFileSync(
      models,
      readFileSync(models, 'utf8').replace('    processed_at = ', '    summary = models.TextField(null=True, blank=True)\n    processed_at = '),
    );
    const made = await project.cli(['--json', 'makemigrations', 'documents', '--name', 'add_summary']);
    expect(made.exitCode, made.stderr).toBe(0);
    expect(made.result?.data).toMatchObject({ command: [venvPython, 'manage.py', 'makemigrations', '--noinput', '--name', 'add_summary', 'documents'] });
    const file = join(project.backendDir, 'documents/migrations/0002_add_summary.py');
    expect(readFileSync(file, 'utf8')).toContain("name='summary'");
    const applied = await project.cli(['migrate', 'documents']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Applying documents.0002_add_summary... OK');
    const db = await project.db();
    try {
      const { rows } = await db.query("select column_name from information_schema.columns where table_name = 'documents_document' and column_name = 'summary'");
      expect(rows).toHaveLength(1);
    } finally {
      await db.end();
    }
  });
});
