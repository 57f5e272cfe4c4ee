// N+1 detection (issue 15): what recording every test's queries costs `tldr test`. The same
// command with tests.n_plus_one on (the default) and off (`enabled: false`), side by side, on
// the example backend's own tests and on the query-heavy fixture app (nplusone_cases: loops of
// lazy loads). One throwaway project (docker provider, free ports), removed by label at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { benchConfig, glueIn, parseExports, python, removeBenchProject, root, run, tldrIn } from '../bench-lib.mjs';

export default async function (bench) {
  const name = `tldrbench-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-nplusone-'));
  const fixtureEnv = ['env:', '  TLDR_EXAMPLE_EXTRA_APPS: nplusone_cases', `  PYTHONPATH: ${JSON.stringify(join(root, 'test/fixtures/testapps'))}`];
  const write = (file, lines) => writeFileSync(join(dir, file), [...benchConfig(name), ...lines, ''].join('\n'));
  write('tldr.config.yaml', []);
  write('off.yaml', ['tests: { n_plus_one: { enabled: false } }']);
  write('fixture-on.yaml', fixtureEnv);
  write('fixture-off.yaml', [...fixtureEnv, 'tests: { n_plus_one: { enabled: false } }']);
  const glue = glueIn(dir);
  // The test process's own wall time (data.durationMs: without Node's start and the service check), per side.
  const testTime = { on: [], off: [] };
  const timed = (config, side, label) => async () => {
    const { stdout } = await tldrIn(dir)('--json', '--config', config, 'test', '--keepdb', label);
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    if (result.exitCode !== 0) throw new Error(`tldr test ${label} (${config}) exited ${result.exitCode}: ${result.summary}`);
    testTime[side].push(result.data.durationMs);
  };
  try {
    await glue('migrate');
    // The kept test databases made before anything is timed.
    await glue('--config', 'fixture-on.yaml', 'test', '--keepdb', 'nplusone_cases');
    for (const [label, on, off, what] of [
      ['documents', 'tldr.config.yaml', 'off.yaml', 'the example backend'],
      ['nplusone_cases', 'fixture-on.yaml', 'fixture-off.yaml', 'the nplusone_cases fixture, 15 tests, 8 N+1 loops'],
    ]) {
      testTime.on.length = testTime.off.length = 0;
      await bench.compare(`\`tldr test\` recording queries vs not (${what})`, {
        tldr: timed(on, 'on', label),
        bare: timed(off, 'off', label),
        runs: 15,
        warmup: 1,
        goal: '≤ 1.05×',
      });
      const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
      bench.report(
        `the same: the test process's wall time (data.durationMs), on vs off, ${what}`,
        `${median(testTime.on.slice(1))} vs ${median(testTime.off.slice(1))} ms (${(median(testTime.on.slice(1)) / median(testTime.off.slice(1))).toFixed(2)}×)`,
        '',
        'information',
      );
    }
    // Steadier than any whole-process figure on a busy machine: the recording's own code (every
    // query's wrapper, each test's begin and finish) timed inside one Django process, as a share of
    // that run's test time (test/python/measure_recording.py --in-process).
    const env = parseExports((await glue('env', '--all', '--export')).stdout);
    for (const [label, what] of [
      ['documents', 'the example backend'],
      ['nplusone_cases', 'the nplusone_cases fixture'],
    ]) {
      const measured = await run(python, [join(root, 'test/python/measure_recording.py'), '--in-process', '--runs', '10', label], {
        env: { ...process.env, ...env },
      });
      const own = /recording's own code\s+([\d.]+) ms per run, ([\d.]+)% of the run's test time/.exec(measured.stdout);
      if (!own) throw new Error(`measure_recording.py said: ${measured.stdout}${measured.stderr}`);
      bench.report(
        `the same: time in the recording's own code, share of the tests' time (in one process, ${what})`,
        `${own[2]} %`,
        `(${own[1]} ms a run)`,
        '≤ 5 %',
      );
    }
  } finally {
    await removeBenchProject(name);
    rmSync(dir, { recursive: true, force: true });
  }
}
