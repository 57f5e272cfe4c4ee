import { execa, type ResultPromise } from 'execa';
import type Docker from 'dockerode';
import { cpSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tldrEvent, type TldrEvent } from '../../src/output/events.js';
import { exampleBackend, venvPython } from '../helpers/backend.js';
import { binPath } from '../helpers/cli.js';
import type { TempDir } from '../helpers/fixtures.js';

// The fixture of the `tldr ci` tests: a copy of example/backend with one more app, `ci_fixture`:
// a migration that drops a column (a `drop-column` finding), a failing test (CI_FIXTURE_FAIL=1),
// a test that sleeps CI_FIXTURE_SLEEP seconds, and a few passing ones (something to shard).

export const FAILING_LINE = 14;

const files: Record<string, string> = {
  '__init__.py': '',
  'apps.py': [
    'from django.apps import AppConfig',
    '',
    '',
    'class CiFixtureConfig(AppConfig):',
    '    name = "ci_fixture"',
    '    default_auto_field = "django.db.models.AutoField"',
    '',
  ].join('\n'),
  'models.py': ['from django.db import models', '', '', 'class Item(models.Model):', '    name = models.CharField(max_length=50)', ''].join('\n'),
  'migrations/__init__.py': '',
  'migrations/0001_initial.py': [
    'from django.db import migrations, models',
    '',
    '',
    'class Migration(migrations.Migration):',
    '    initial = True',
    '    dependencies = []',
    '    operations = [',
    '        migrations.CreateModel(',
    '            name="Item",',
    '            fields=[',
    '                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),',
    '                ("name", models.CharField(max_length=50)),',
    '                ("legacy", models.CharField(max_length=50, default="")),',
    '            ],',
    '        ),',
    '    ]',
    '',
  ].join('\n'),
  'migrations/0002_remove_item_legacy.py': [
    'from django.db import migrations',
    '',
    '',
    'class Migration(migrations.Migration):',
    '    dependencies = [("ci_fixture", "0001_initial")]',
    '    operations = [',
    '        migrations.RemoveField(model_name="item", name="legacy"),',
    '    ]',
    '',
  ].join('\n'),
  // FAILING_LINE is the assertEqual in test_fails.
  'tests.py': [
    'import os',
    'import time',
    '',
    'from django.test import TestCase',
    '',
    'from .models import Item',
    '',
    '',
    'class ItemTests(TestCase):',
    '    def test_create(self):',
    '        Item.objects.create(name="a")',
    '',
    '    def test_fails(self):',
    '        self.assertEqual(os.environ.get("CI_FIXTURE_FAIL", "0"), "0", "deliberate failure")',
    '',
    '    def test_slow(self):',
    '        time.sleep(float(os.environ.get("CI_FIXTURE_SLEEP", "0")))',
    '',
    '',
    'class MoreTests(TestCase):',
    ...['a', 'b', 'c', 'd', 'e', 'f'].flatMap((n) => [`    def test_${n}(self):`, `        self.assertTrue(Item.objects.count() >= 0)`, '']),
  ].join('\n'),
};

/** Copies example/backend into `dir/backend` and adds the ci_fixture app; returns the backend folder. */
export function writeCiFixture(dir: TempDir): string {
  const backend = join(dir.path, 'backend');
  cpSync(exampleBackend, backend, { recursive: true, filter: (src) => !/\/(\.venv|__pycache__|\.tldr)(\/|$)/.test(src) });
  for (const [name, content] of Object.entries(files)) dir.write(`backend/ci_fixture/${name}`, content);
  return backend;
}

export interface CiConfig {
  name: string;
  backendDir: string;
  /** YAML lines for `services:` (indented two spaces). @default docker with free ports */
  services?: string[];
  pipeline?: string;
  apps?: string;
}

export function ciConfig(options: CiConfig): string {
  return [
    'version: 1',
    `name: ${options.name}`,
    `backend: { dir: ${JSON.stringify(options.backendDir)}, settings: tldr.settings, python: [${JSON.stringify(venvPython)}], celery_app: tldr }`,
    'services:',
    ...(options.services ?? [
      '  provider: docker',
      '  postgres: { image: tldr-test/postgres:15, port: 5432, password: ci-pw-4d1e }',
      '  redis: { image: tldr-test/redis:7, port: 6379 }',
    ]),
    ...(options.apps ? ['env:', `  TLDR_EXAMPLE_EXTRA_APPS: ${options.apps}`] : []),
    ...(options.pipeline ? ['pipelines:', `  ci: ${options.pipeline}`] : []),
    '',
  ].join('\n');
}

/** A running `tldr --json ci …` whose events can be awaited as they arrive. */
export interface CiChild {
  child: ResultPromise;
  events: TldrEvent[];
  /** Resolves once an event matches. */
  waitFor(match: (e: TldrEvent) => boolean, timeoutMs?: number): Promise<TldrEvent>;
}

export function startCi(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CiChild {
  const child = execa(process.execPath, [binPath, '--json', 'ci', ...args], {
    cwd: options.cwd,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    stdin: 'ignore',
    timeout: 240_000,
    buffer: true,
    forceKillAfterDelay: false,
  });
  const events: TldrEvent[] = [];
  const waiters: Array<{ match: (e: TldrEvent) => boolean; resolve: (e: TldrEvent) => void }> = [];
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    rest += chunk.toString();
    const lines = rest.split('\n');
    rest = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const event = tldrEvent.parse(JSON.parse(line));
      events.push(event);
      for (const w of [...waiters]) if (w.match(event)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(event));
    }
  });
  return {
    child,
    events,
    waitFor: (match, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const found = events.find(match);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`no matching event in ${timeoutMs} ms; got ${events.map((e) => e.type).join(',')}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      }),
  };
}

/** Containers and volumes of this project's CI runs (by label). */
export async function ciResources(docker: Docker, project: string, run?: string): Promise<string[]> {
  const label = [`dev.tldr.ci=${project}`, ...(run ? [`dev.tldr.ci-run=${run}`] : [])];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const { Volumes } = await docker.listVolumes({ filters: { label } });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...(Volumes ?? []).map((v) => `volume ${v.Name}`)];
}

/** Removes them (the tests' own cleanup, by label). */
export async function removeCiResources(docker: Docker, project: string): Promise<void> {
  const label = [`dev.tldr.ci=${project}`];
  for (const c of await docker.listContainers({ all: true, filters: { label } }))
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  const { Volumes } = await docker.listVolumes({ filters: { label } });
  for (const v of Volumes ?? [])
    await docker
      .getVolume(v.Name)
      .remove({ force: true })
      .catch(() => undefined);
}

/** Pids of processes whose working directory is inside `dir` (a test runner left behind would be one). */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** JUnit XML read by a real parser (Python's xml.etree): every test case with its outcome. */
export async function parseJUnit(file: string): Promise<Array<{ classname: string; name: string; failed: boolean; file?: string; line?: string }>> {
  const script = [
    'import json, sys, xml.etree.ElementTree as ET',
    'root = ET.parse(sys.argv[1]).getroot()',
    'out = []',
    'for case in root.iter("testcase"):',
    '    out.append({"classname": case.get("classname"), "name": case.get("name"), "failed": case.find("failure") is not None or case.find("error") is not None, **({"file": case.get("file"), "line": case.get("line")} if case.get("file") else {})})',
    'print(json.dumps(out))',
  ].join('\n');
  const { stdout } = await execa('/usr/bin/python3', ['-c', script, file]);
  return JSON.parse(stdout);
}
