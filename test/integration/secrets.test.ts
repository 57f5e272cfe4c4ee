import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, type CliResult } from '../helpers/cli.js';
import { backendProject, type BackendProject } from '../helpers/backend.js';

// Distinctive values, each from another source: the Postgres password (config), a token (config
// `env`), a Django secret key and a URL password (env file), a process's own secret.
const secrets = {
  password: 'Pw7-leak-canary-pg',
  token: 'Tk9-leak-canary-token',
  secretKey: 'Sk4-leak-canary-django',
  urlPassword: 'Up2-leak-canary-cache',
  processSecret: 'Ws1-leak-canary-proc',
};

// Prints every secret (and copies of them under harmless names), then "ready"; `--once` exits.
const leakScript = join(repoRoot, 'test/fixtures/secrets/leak.py');

let project: BackendProject;
const outputs: Array<{ what: string; text: string }> = [];

beforeAll(async () => {
  project = await backendProject({
    password: secrets.password,
    env: {
      API_TOKEN: secrets.token,
      X: '${postgres.password}',
      Y: 'pre-${postgres.password}',
      COPY: secrets.token,
    },
    extraYaml: [
      'env_files: [secrets.env]',
      'processes:',
      '  web:',
      `    run: python ${leakScript}`,
      '    ready: { log: "^ready$", timeout: 60 }',
      `    env: { WEB_SECRET: ${secrets.processSecret} }`,
      '    stop_grace: 2',
      'pipelines:',
      `  leaky: [{ run: "python ${leakScript} --once" }]`,
    ].join('\n'),
  });
  project.dir.write(
    'secrets.env',
    `SECRET_KEY=${secrets.secretKey}\nCACHE_URL=redis://:${secrets.urlPassword}@127.0.0.1:6390/1\nPW_COPY=\${POSTGRES_PASSWORD}\n`,
  );
});

afterAll(async () => {
  await project?.cli(['stop']);
  await project?.[Symbol.asyncDispose]();
});

const modes = { plain: [], json: ['--json'], verbose: ['--verbose'] } as const;
type Mode = keyof typeof modes;

/** Runs one command in the given modes, keeps everything it printed for the final grep. */
async function run(args: string[], only: readonly Mode[] = ['plain', 'json', 'verbose'], expectCode?: number): Promise<Record<string, CliResult>> {
  const results: Record<string, CliResult> = {};
  for (const mode of only) {
    const argv = [...modes[mode], ...args.map((a) => a.replace('{mode}', mode))];
    const result = await project.cli(argv);
    outputs.push({ what: `tldr ${argv.join(' ')} (stdout)`, text: result.stdout }, { what: `tldr ${argv.join(' ')} (stderr)`, text: result.stderr });
    if (expectCode !== undefined) expect(result.exitCode, `${argv.join(' ')}\n${result.stderr}`).toBe(expectCode);
    results[mode] = result;
  }
  return results;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isSocket() ? [] : [join(dir, e.name)]));
}

function leaks(): string[] {
  const found: string[] = [];
  for (const { what, text } of outputs) {
    for (const [name, value] of Object.entries(secrets))
      if (text.includes(value)) found.push(`${name} in ${what}: …${text.slice(Math.max(0, text.indexOf(value) - 80), text.indexOf(value) + 40)}…`);
  }
  return found;
}

describe('no secret reaches any output, file or report, in any mode', () => {
  it('inspection, services, backend commands, tests, migration checks, pipelines and the detached dev loop', async () => {
    // Before anything runs: inspection only.
    await run(['config', 'validate'], undefined, 0);
    await run(['config', 'print'], undefined, 0);
    await run(['env'], undefined, 0);
    await run(['env', '--all'], undefined, 0);
    await run(['doctor']);
    await run(['status'], undefined, 0);

    await run(['up'], undefined, 0);
    await run(['status'], undefined, 0);
    const env = await run(['env'], ['json'], 0);
    expect((env.json!.result!.data as { env: Record<string, string> }).env).toMatchObject({
      API_TOKEN: '***',
      X: '***',
      Y: 'pre-***',
      COPY: '***',
      PW_COPY: '***',
      SECRET_KEY: '***',
    });
    await run(['migrate'], undefined, 0);
    await run(['manage', 'check'], undefined, 0);
    // A passthrough child owns the terminal in plain mode (its own output is its business); with
    // --json its lines are tldr's `log` events, which must be redacted.
    const printed = await run(['python', leakScript, '--once'], ['json'], 0);
    expect(printed.json!.events.filter((e) => e.type === 'log').length).toBeGreaterThan(10);

    const tests = await run(['test', 'sample_secrets', '--junit', 'reports/junit-{mode}.xml'], undefined, 1);
    expect(tests.plain!.stdout).toContain('FAIL sample_secrets.tests.LeakySecretTests.test_token_in_assertion');
    expect(tests.plain!.stdout).toContain("AssertionError: '***' != 'not the token'");
    for (const mode of Object.keys(modes)) {
      const junit = readFileSync(join(project.dir.path, `reports/junit-${mode}.xml`), 'utf8');
      expect(junit).toContain('failures="2"');
      outputs.push({ what: `JUnit file of the ${mode} run`, text: junit });
    }

    await run(['migrate', '--check', '--no-reversibility'], undefined, 0);
    const pipeline = await run(['run', 'leaky'], undefined, 0);
    expect(pipeline.json!.events.some((e) => e.type === 'log' && e.line === 'API_TOKEN ***')).toBe(true);

    for (const mode of Object.keys(modes) as Mode[]) {
      await run(['dev', '--detach'], [mode], 0);
      await run(['ps'], [mode], 0);
      const logs = await run(['logs', 'web', '--tail', '50'], [mode], 0);
      expect(logs[mode]!.stdout).toContain('***');
      await run(['logs', 'postgres', '--tail', '20'], [mode], 0);
      await run(['stop'], [mode], 0);
    }
    await run(['psql', '-c', 'select 1'], undefined, 0);
    await run(['down'], ['json'], 0);

    const stateDir = join(project.dir.path, '.tldr');
    const files = filesUnder(stateDir);
    expect(files.map((f) => relative(stateDir, f))).toEqual(expect.arrayContaining(['state.json', 'logs/test.log', 'logs/web.log', 'logs/supervisor.log']));
    for (const file of files) outputs.push({ what: `file ${relative(project.dir.path, file)}`, text: readFileSync(file, 'utf8') });
    // The values were printed and hidden, not absent: the logs hold the redaction marks.
    expect(readFileSync(join(stateDir, 'logs/web.log'), 'utf8')).toContain('WEB_SECRET ***');
    expect(readFileSync(join(stateDir, 'logs/test.log'), 'utf8')).toContain('stdout of a test: *** postgres://tldr:***@');

    expect(leaks()).toEqual([]);

    // Every file under .tldr/ is private: folders 0700, files 0600.
    const wide = [stateDir, ...files, ...files.map((f) => join(f, '..'))]
      .map((path) => ({ path: relative(project.dir.path, path), mode: statSync(path).mode & 0o777, dir: statSync(path).isDirectory() }))
      .filter((e) => e.mode !== (e.dir ? 0o700 : 0o600));
    expect(wide).toEqual([]);
  });
});
