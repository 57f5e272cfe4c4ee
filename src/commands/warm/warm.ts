import type { z } from 'zod';
import { resolvePython } from '../../backend/python.js';
import { liveWarmServer, startWarmServer, stopWarmServer, type WarmRecord } from '../../backend/warm-server.js';
import { warmRequest } from '../../backend/warm-client.js';
import { durationMs as parseDuration } from '../../config/schema.js';
import { EnvironmentError } from '../../errors.js';
import type { RunOptions } from '../../pipeline/context.js';
import { commandContext } from '../context.js';
import type { CommandResult } from '../definition.js';
import { managePyNeeds, preflight } from '../preflight.js';
import type { WarmStartData, warmStartInput, WarmStatusData, WarmStopData } from './definition.js';

export type WarmStartOptions = RunOptions & z.input<typeof warmStartInput>;

/** `tldr warm start`: services up, then the fork server in the background, once Django is set up in it. */
export async function warmStart(options: WarmStartOptions): Promise<CommandResult<WarmStartData>> {
  const { project, output } = options;
  preflight(project, managePyNeeds);
  const text = options.idleTimeout ?? '15m';
  const idleTimeoutS = text.trim() === '0' ? 0 : Math.round((parseDuration(text) ?? 900_000) / 1000);
  const python = resolvePython(project);
  output.debug(`python: ${python.argv.join(' ')} (${python.reason})`);
  const env = await commandContext(options).env();
  const started = await startWarmServer(project, {
    python,
    env,
    reason: 'started by tldr warm start',
    idleTimeoutS,
    owner: 'warm',
    redact: (text) => output.secrets.redact(text),
  });
  if (!started.ok) {
    throw new EnvironmentError(`the warm server cannot serve this project: ${started.reason}`, {
      code: 'warm-refused',
      hint: `backend commands keep running cold; its log: ${started.log}`,
    });
  }
  const { record, ready, already } = started;
  const data: WarmStartData = {
    ...recordData(record),
    already,
    ...(typeof ready.django === 'string' ? { django: ready.django } : {}),
    ...(typeof ready.settings === 'string' ? { settings: ready.settings } : {}),
    ...(typeof ready.bootMs === 'number' ? { bootMs: ready.bootMs } : {}),
    ...(isWatched(ready.watched) ? { watched: ready.watched } : {}),
  };
  const idle = idleTimeoutS ? `stops after ${text} idle` : 'no idle timeout';
  return {
    exitCode: 0,
    summary: already
      ? `warm server already running (pid ${record.pid})`
      : `warm server ready (pid ${record.pid}, Django set up in ${Math.round(data.bootMs ?? 0)} ms; ${idle})`,
    data,
  };
}

/** `tldr warm status`: what the server says about itself. */
export async function warmStatus({ project, output }: RunOptions): Promise<CommandResult<WarmStatusData>> {
  const record = liveWarmServer(project.stateDir);
  const status = record ? await warmRequest(record.socket, { op: 'status' }) : undefined;
  if (!record || status?.type !== 'status') {
    return { exitCode: 0, summary: record ? `warm server pid ${record.pid} does not answer` : 'no warm server is running', data: { running: false } };
  }
  const watched = isWatched(status.watched) ? status.watched : { modules: 0, files: 0, folders: 0, migrationFolders: 0, envKeys: 0 };
  const server = {
    ...recordData(record),
    ageMs: Number(status.ageMs ?? 0),
    reason: String(status.reason ?? ''),
    served: Number(status.served ?? 0),
    active: Number(status.active ?? 0),
    prepared: preparedOf(status.prepared),
    adopted: Number(status.adopted ?? 0),
    idleMs: Number(status.idleMs ?? 0),
    django: String(status.django ?? ''),
    settings: String(status.settings ?? ''),
    python: String(status.python ?? ''),
    bootMs: Number(status.bootMs ?? 0),
    watched,
  };
  if (!output.json && !output.quiet) {
    output.print(
      [
        `pid ${server.pid} (${server.owner === 'dev' ? 'with the dev loop' : 'tldr warm start'}), up ${seconds(server.ageMs)}, idle ${seconds(server.idleMs)}${server.idleTimeoutS ? ` of ${server.idleTimeoutS} s` : ''}`,
        `Django ${server.django}, settings ${server.settings}, set up in ${Math.round(server.bootMs)} ms; ${server.served} command(s) served, ${server.active} running`,
        `prepared: ${server.prepared ? describePrepared(server.prepared) : 'none'}; ${server.adopted} prepared run(s) used`,
        `watches ${watched.modules} modules, ${watched.files} other files, ${watched.folders} folders, ${watched.migrationFolders} migration folders, ${watched.envKeys} environment variables`,
        `last (re)start: ${server.reason}`,
        `log: ${server.log}`,
        '',
      ].join('\n'),
    );
  }
  return {
    exitCode: 0,
    summary: `warm server running (pid ${server.pid}, up ${seconds(server.ageMs)}, ${server.served} served)`,
    data: { running: true, server },
  };
}

type PreparedStatus = NonNullable<WarmStatusData['server']>['prepared'];

function preparedOf(value: unknown): PreparedStatus {
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  const argv = Array.isArray(p.argv) ? p.argv.filter((a): a is string => typeof a === 'string') : [];
  return { pid: Number(p.pid ?? 0), argv, ageMs: Number(p.ageMs ?? 0), paused: p.paused === true };
}

function describePrepared(prepared: NonNullable<PreparedStatus>): string {
  const end = prepared.argv.indexOf('--');
  const labels = end >= 0 ? prepared.argv.slice(end + 1).join(' ') : '';
  return `tldr test ${labels || '(every test)'} (pid ${prepared.pid}, ${prepared.paused ? 'its test databases set up' : 'setting up'}, ${seconds(prepared.ageMs)} ago)`;
}

/** `tldr warm stop`. */
export async function warmStop({ project }: RunOptions): Promise<CommandResult<WarmStopData>> {
  const stopped = await stopWarmServer(project.stateDir);
  if (!stopped.stopped) return { exitCode: 0, summary: 'no warm server is running', data: { stopped: false } };
  return {
    exitCode: 0,
    summary: `warm server stopped (pid ${stopped.pid}${stopped.terminated ? ', terminated: it did not stop on request' : ''})`,
    data: { stopped: true, pid: stopped.pid!, ...(stopped.terminated ? { terminated: true } : {}) },
  };
}

function recordData(record: WarmRecord) {
  return { pid: record.pid, owner: record.owner, socket: record.socket, startedAt: record.startedAt, idleTimeoutS: record.idleTimeoutS, log: record.log };
}

function isWatched(value: unknown): value is WarmStartData['watched'] & object {
  return Boolean(value) && typeof value === 'object' && typeof (value as Record<string, unknown>).modules === 'number';
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 1000).toFixed(1)} s`;
}
