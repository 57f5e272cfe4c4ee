import { z } from 'zod';
import { once } from '../once.js';
import type { MigrationCheck } from '../../backend/migration-state.js';
import type { SupervisorInfo } from '../../supervisor/control-protocol.js';
import type { LoopEnding } from '../../supervisor/last-run.js';
import type { ReapedGroup } from '../../supervisor/reap.js';
import type { ProcessStatus } from '../../supervisor/types.js';
import type { Assert, Same } from '../same-type.js';

/** The result schemas of these commands, built on first use. */
export const devResults = once(() => {
  const processStatus = z.object({
    name: z.string(),
    state: z.enum(['pending', 'starting', 'ready', 'restarting', 'stopping', 'stopped', 'exited', 'crashed']),
    pid: z.number().int().nullable(),
    startedAt: z.string().nullable(),
    uptimeMs: z.number().nullable(),
    restarts: z.number().int(),
    ready: z.boolean(),
    readiness: z.string().describe('the readiness check, e.g. `http http://127.0.0.1:8000/`'),
    readyAfterMs: z.number().nullable().describe('from spawn to ready, for the last start'),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    log: z.string().describe('absolute path of .tldr/logs/<name>.log'),
  });

  const reapedGroup = z.object({
    name: z.string(),
    pid: z.number().int(),
    processes: z.number().int().describe('processes of the group still running when found'),
    killed: z.boolean().describe('SIGKILL was needed'),
  });

  const supervisorInfo = z.object({
    pid: z.number().int(),
    startedAt: z.string(),
    configHash: z.string(),
    configFile: z.string(),
    detached: z.boolean(),
    processes: z.array(z.string()),
  });

  /** A running loop's supervisor as `ps` and `dev` report it. */
  const runningSupervisor = supervisorInfo.extend({ socket: z.string().describe('the control socket') });

  const loopEnding = z.object({
    version: z.literal(1),
    pid: z.number().int(),
    detached: z.boolean(),
    startedAt: z.string(),
    endedAt: z.string(),
    reason: z.enum(['stopped', 'interrupted', 'exited', 'crashed', 'failed', 'died']),
    summary: z.string(),
    process: z.object({ name: z.string(), exitCode: z.number().int().nullable(), signal: z.string().nullable(), log: z.string() }).optional(),
    processes: z.array(processStatus.pick({ name: true, state: true, exitCode: true, signal: true, restarts: true, log: true })),
    supervisorLog: z.string().optional(),
  });

  const migrationCheck = z.object({
    skip: z.boolean().describe('migrate was skipped without starting Django'),
    reason: z.string(),
    pending: z.array(z.string()),
    fingerprint: z.string().optional(),
    applied: z.boolean().optional(),
  });

  const devData = z.object({
    processes: z.array(processStatus),
    migrations: migrationCheck.optional(),
    reaped: z.array(reapedGroup).describe('leftovers of an earlier dev loop that died, stopped before this one started'),
    supervisor: runningSupervisor.extend({ log: z.string().optional() }).optional(),
    alreadyRunning: z.boolean().optional().describe('an identical dev loop was already running and was only reported'),
    stoppedBy: z.enum(['signal', 'tldr stop', 'processes exited']).optional().describe('how a foreground loop ended'),
  });

  const psData = z.object({
    running: z.boolean(),
    supervisor: runningSupervisor.optional(),
    processes: z.array(processStatus),
    reaped: z.array(reapedGroup),
    last: loopEnding.optional().describe('when no loop runs: how the last one ended'),
  });

  const stopData = z.object({
    stopped: z.boolean(),
    supervisor: z.object({ pid: z.number().int() }).optional(),
    processes: z.array(processStatus),
    reaped: z.array(reapedGroup),
  });

  const logsData = z.object({
    name: z.string(),
    file: z.string().optional().describe("the process's log file (services have none of their own)"),
    lines: z.number().int().describe('lines printed (as `log` events with --json)'),
    text: z
      .array(z.string())
      .describe('the lines themselves for callers without a terminal (MCP, --json): the newest 200 lines and 8 KB of them at most; the rest are in file'),
    omitted: z.number().int().describe('lines printed but left out of text (read them from file)'),
    offset: z.number().int().optional().describe("the process log's size when read: pass it as since to get only newer lines"),
  });

  const superviseData = z.object({ processes: z.array(processStatus) });
  return { processStatus, reapedGroup, supervisorInfo, runningSupervisor, loopEnding, migrationCheck, devData, psData, stopData, logsData, superviseData };
});

type Results = ReturnType<typeof devResults>;
export type DevData = z.output<Results['devData']>;
export type PsData = z.output<Results['psData']>;
export type StopData = z.output<Results['stopData']>;
export type LogsData = z.output<Results['logsData']>;
export type SuperviseData = z.output<Results['superviseData']>;

export type Checks = [
  Assert<Same<z.output<Results['processStatus']>, ProcessStatus>>,
  Assert<Same<z.output<Results['reapedGroup']>, ReapedGroup>>,
  Assert<Same<z.output<Results['supervisorInfo']>, SupervisorInfo>>,
  Assert<Same<z.output<Results['loopEnding']>, LoopEnding>>,
  Assert<Same<Omit<z.output<Results['migrationCheck']>, 'fingerprint' | 'applied'>, MigrationCheck>>,
];
