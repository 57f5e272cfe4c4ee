import { existsSync } from 'node:fs';
import { readEnvFiles } from '../../config/env.js';
import { openProject, type Project } from '../../config/project.js';
import { projectSecrets } from '../../config/secrets.js';
import { probePython, resolvePython, type PythonChoice } from '../../backend/python.js';
import { findBinary } from '../../services/binaries.js';
import { TldrError } from '../../errors.js';
import type { Output } from '../../output/output.js';
import type { CommandResult, LookupOptions } from '../definition.js';
import type { DoctorCheck, DoctorReport } from './definition.js';
import { systemDiscoveryEnv } from '../../services/discovery.js';
import { probeDocker } from '../../services/docker/endpoint.js';
import { readRecord } from '../../supervisor/record.js';
import { isAlive } from '../../process/process-table.js';
import { selectProcesses } from '../dev/process-spec.js';
import { describeTaken, processPorts, takenProcessPorts } from '../dev/ports.js';
import { validateProject } from '../preflight.js';

export type { DoctorCheck, DoctorReport } from './definition.js';

export interface DoctorOptions extends LookupOptions {
  output: Output;
  env?: NodeJS.ProcessEnv;
}

/** Every fact a newcomer needs when something does not start: node, Docker, Python, binaries, config. */
export async function doctor(options: DoctorOptions): Promise<CommandResult<DoctorReport>> {
  const env = options.env ?? process.env;
  const checks: DoctorCheck[] = [];
  // package.json's engines: execa, which runs every child, needs events.addAbortListener (20.5).
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const nodeOk = major > 20 || (major === 20 && minor >= 5);
  checks.push({ name: 'node', ok: nodeOk, detail: `Node.js ${process.versions.node}`, ...(nodeOk ? {} : { hint: 'install Node.js 20.5 or newer' }) });

  // The same discovery `tldr up` uses.
  const { tried } = await probeDocker(systemDiscoveryEnv(env));
  const answered = tried.find((t) => t.ok);
  checks.push({
    name: 'docker',
    ok: Boolean(answered),
    detail: answered ? `${answered.host} (${answered.source})` : `no daemon answered; tried ${tried.map((t) => t.host).join(', ')}`,
    ...(answered
      ? {}
      : {
          hint: 'start Docker (e.g. `sudo systemctl start docker` or `bash scripts/provision.sh`), set DOCKER_HOST, services.provider: native (postgresql + redis-server installed), or external with your own servers',
        }),
  });

  const binaries: Record<string, string | null> = {};
  for (const name of ['postgres', 'initdb', 'pg_ctl', 'createdb', 'redis-server', 'psql', 'redis-cli', 'git']) binaries[name] = findBinary(name, env);
  const nativeNeeds = ['initdb', 'pg_ctl', 'createdb', 'redis-server'];
  const nativeOk = nativeNeeds.every((b) => binaries[b]);
  checks.push({
    name: 'native services',
    ok: nativeOk,
    detail: nativeOk
      ? `initdb ${binaries.initdb}, redis-server ${binaries['redis-server']} (provider: native works here)`
      : `missing: ${nativeNeeds.filter((b) => !binaries[b]).join(', ')}`,
    ...(nativeOk ? {} : { hint: 'only needed without Docker (provider: native): apt-get install postgresql redis-server' }),
  });

  let project: Project | undefined;
  let python: PythonChoice | undefined;
  const configProblems = new Set<DoctorCheck>();
  try {
    project = openProject({ cwd: options.cwd, configPath: options.configPath, env });
    options.output.secrets.addAll(projectSecrets(project));
    checks.push({ name: 'config', ok: true, detail: `${project.file} is valid (name: ${project.name})` });
    const { skipped, warnings } = readEnvFiles(project);
    if (skipped.length) checks.push({ name: 'env_files', ok: true, detail: `not found, skipped: ${skipped.join(', ')}` });
    for (const warning of warnings) checks.push({ name: 'env_files', ok: true, detail: `warning: ${warning}` });
    for (const check of await projectChecks(project)) {
      checks.push(check);
      if (!check.ok && check.name !== 'ports') configProblems.add(check);
    }
    python = resolvePython(project);
    const version = await probePython(python, project.backendDir, env);
    checks.push({
      name: 'python',
      ok: version.ok,
      detail: `${python.argv.join(' ')} — ${python.reason}${version.text ? `; ${version.text}` : ''}`,
      ...(version.ok ? {} : { hint: 'create backend/.venv or set backend.python in tldr.config.yaml' }),
    });
  } catch (error) {
    const known = error instanceof TldrError;
    checks.push({ name: 'config', ok: false, detail: (error as Error).message, ...(known && error.hint ? { hint: error.hint } : {}) });
  }

  for (const check of checks) {
    options.output.note(`${check.ok ? '✔' : '✖'} ${check.name.padEnd(16)} ${check.detail}${check.hint ? `\n  ${''.padEnd(16)} hint: ${check.hint}` : ''}`);
  }
  const failed = checks.filter((c) => !c.ok && c.name !== 'native services' && !(c.name === 'docker' && nativeOk));
  return {
    exitCode: failed.some((c) => c.name === 'config' || configProblems.has(c)) ? 2 : failed.length ? 3 : 0,
    summary: failed.length ? `${failed.length} problem(s): ${failed.map((c) => c.name).join(', ')}` : 'everything tldr needs is here',
    data: { checks, node: process.versions.node, docker: { ...(answered ? { answered: answered.host } : {}), tried }, ...(python ? { python } : {}), binaries },
  };
}

// The checks every command runs before its first side effect (preflight), reported one by one.
async function projectChecks(project: Project): Promise<DoctorCheck[]> {
  let names: string[] = [];
  try {
    names = selectProcesses(project.config.processes);
  } catch {
    // no process enabled: only `tldr dev` minds, and it says so
  }
  const problems = validateProject(project, { backendDir: true, managePy: true, processes: names });
  const checks: DoctorCheck[] = problems.map((p) => ({ name: p.key, ok: false, detail: p.message, ...(p.hint ? { hint: p.hint } : {}) }));
  if (!problems.some((p) => p.key === 'backend.dir')) checks.unshift({ name: 'backend.dir', ok: true, detail: `${project.backendDir} (manage.py found)` });
  if (!problems.some((p) => p.key.startsWith('processes.'))) {
    checks.push({
      name: 'processes',
      ok: true,
      detail: names.length ? `${names.join(', ')}: run strings, folders and ready checks are valid` : 'none enabled (tldr dev has nothing to run)',
    });
    checks.push(await portsCheck(project, names));
  }
  return checks;
}

// The ports `tldr dev` checks before it starts; a running dev loop holds them itself.
async function portsCheck(project: Project, names: string[]): Promise<DoctorCheck> {
  const running = readRecord(project.stateDir);
  if (running && isAlive(running.owner))
    return { name: 'ports', ok: true, detail: `a dev loop is running (pid ${running.owner.pid}); its processes hold their ports` };
  const ports = names.flatMap((name) => processPorts(name, project.config.processes[name]!));
  const taken = await takenProcessPorts(project, names);
  if (taken.length === 0)
    return {
      name: 'ports',
      ok: true,
      detail: ports.length ? `free: ${ports.map((p) => `${p.port} (${p.process})`).join(', ')}` : 'no process listens on a port tldr knows of',
    };
  return {
    name: 'ports',
    ok: false,
    detail: taken.map(describeTaken).join('; '),
    hint: 'stop what holds it, or move the process to a free port (its run string and ready check)',
  };
}
