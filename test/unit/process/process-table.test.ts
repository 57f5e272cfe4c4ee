import { describe, expect, it } from 'vitest';
import { parseProcStat, type ProcessTable, type ProcStat } from '../../../src/process/process-table.js';
import { terminateGroup, terminateGroupsSync, type Kill } from '../../../src/process/terminate.js';

describe('parseProcStat', () => {
  it('reads state, process group and start time (field 22), even with spaces and parentheses in the name', () => {
    const rest = 'S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 12345 67 18446744073709551615';
    expect(parseProcStat(`4242 (python3) ${rest}`)).toEqual({ pid: 4242, state: 'S', pgrp: 4242, startTime: '987654' });
    expect(parseProcStat(`4243 (my (weird) name) ${rest.replace(/^S/, 'Z')}`)).toMatchObject({ pid: 4243, state: 'Z', startTime: '987654' });
  });
  it('returns undefined for garbage', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('12 (x) S 1')).toBeUndefined();
  });
});

// A fake process table: each process has a group and decides how it reacts to signals.
function fakeProcesses(procs: Array<{ pid: number; pgrp: number; onTerm: 'exit' | 'ignore' }>) {
  const alive = new Map(procs.map((p) => [p.pid, p]));
  const sent: string[] = [];
  const table: ProcessTable = {
    stat: (pid): ProcStat | undefined => (alive.has(pid) ? { pid, pgrp: alive.get(pid)!.pgrp, state: 'S', startTime: '100' } : undefined),
    groupMembers: (pgid) => [...alive.values()].filter((p) => p.pgrp === pgid).map((p) => p.pid),
  };
  const kill: Kill = (target, signal) => {
    const members = target < 0 ? [...alive.values()].filter((p) => p.pgrp === -target) : alive.has(target) ? [alive.get(target)!] : [];
    if (members.length === 0) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
    if (signal === 0) return;
    sent.push(`${signal} ${target}`);
    for (const p of members) if (signal === 'SIGKILL' || p.onTerm === 'exit') alive.delete(p.pid);
  };
  return { table, kill, sent, alive };
}

describe('terminateGroup', () => {
  it('sends SIGTERM to the leader only, then once to what is left of its group', async () => {
    // npm run dev: npm exits on SIGTERM, the node server it started is left in the group.
    const f = fakeProcesses([
      { pid: 10, pgrp: 10, onTerm: 'exit' },
      { pid: 11, pgrp: 10, onTerm: 'exit' },
    ]);
    // The leader's SIGTERM must not reach pid 11 directly (that would be a group signal).
    const outcome = await terminateGroup({ pid: 10, startTime: '100' }, { graceMs: 2000, table: f.table, kill: f.kill, pollMs: 1 });
    expect(f.sent).toEqual(['SIGTERM 10', 'SIGTERM -10']);
    expect(outcome.killed).toBe(false);
    expect(f.alive.size).toBe(0);
  });

  it('a leader that stops its own children (Celery) gets exactly one SIGTERM and nothing else', async () => {
    const f = fakeProcesses([{ pid: 20, pgrp: 20, onTerm: 'exit' }]);
    await terminateGroup({ pid: 20, startTime: '100' }, { graceMs: 2000, table: f.table, kill: f.kill, pollMs: 1 });
    expect(f.sent).toEqual(['SIGTERM 20']);
  });

  it('SIGKILLs the whole group after the grace period', async () => {
    const f = fakeProcesses([
      { pid: 30, pgrp: 30, onTerm: 'ignore' },
      { pid: 31, pgrp: 30, onTerm: 'ignore' },
    ]);
    const outcome = await terminateGroup({ pid: 30, startTime: '100' }, { graceMs: 30, table: f.table, kill: f.kill, pollMs: 5 });
    expect(outcome.killed).toBe(true);
    expect(f.sent[0]).toBe('SIGTERM 30');
    expect(f.sent).toContain('SIGKILL -30');
    expect(f.alive.size).toBe(0);
  });

  it('leaves a pid alone that now belongs to another process', async () => {
    const f = fakeProcesses([{ pid: 40, pgrp: 40, onTerm: 'exit' }]);
    terminateGroupsSync([{ pid: 40, startTime: 'other' }], 0, f.table, f.kill);
    expect(f.sent).toEqual([]);
  });
});
