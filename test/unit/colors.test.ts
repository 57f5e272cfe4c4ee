// listr2 takes its colours from colorette, decided once from the environment when it loads: force
// them on, as at a terminal, so the test sees what a person's stderr file would get.
process.env.FORCE_COLOR = '1';

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorEnabled } from '../../src/output/colors.js';
import { Output } from '../../src/output/output.js';
import { runPlan } from '../../src/pipeline/run.js';
import type { Project } from '../../src/config/project.js';

const ESC = '\u001b[';

function stream(isTTY: boolean) {
  let text = '';
  const s = Object.assign(new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) }), { isTTY, columns: 80 });
  return { s, text: () => text };
}

describe('colour is decided per stream', () => {
  it('NO_COLOR wins, then FORCE_COLOR, then whether that stream is a TTY', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, {}, false)).toBe(false);
  });

  it('stdout at a terminal, stderr to a file: colour on stdout only', () => {
    const out = stream(true);
    const err = stream(false);
    const output = new Output({ stdout: out.s, stderr: err.s, env: {} });
    expect([output.color, output.stderrColor]).toEqual([true, false]);
    output.log('web', 'hello');
    output.note('a note');
    output.result({ ok: false, exitCode: 1, summary: 'no' });
    expect(out.text()).toContain(ESC);
    expect(err.text()).toBe('a note\n✖ no\n');
  });

  it('stderr at a terminal, stdout to a file: colour on stderr only', () => {
    const out = stream(false);
    const err = stream(true);
    const output = new Output({ stdout: out.s, stderr: err.s, env: {} });
    output.log('web', 'hello');
    output.result({ ok: true, exitCode: 0, summary: 'yes' });
    expect(out.text()).toBe('web      | hello\n');
    expect(err.text()).toContain(`${ESC}32m✔ yes`);
  });

  it("listr2's lines go through the Output's streams: no escape codes in a file, secrets redacted", async () => {
    const out = stream(false);
    const err = stream(false);
    const output = new Output({ stdout: out.s, stderr: err.s, env: {} });
    output.secrets.add('hunter2-secret');
    expect(output.listrRenderer).toBe('simple');
    const outcome = await runPlan({
      plan: {
        pipeline: 'p',
        root: { kind: 'sequence', id: '0', title: 'p', children: [{ kind: 'step', id: '1', name: 'boom', title: 'boom with hunter2-secret' }] },
      },
      context: { project: {} as Project, output, signal: new AbortController().signal, services: async () => ({}), env: async () => ({}) },
      resolveStep: async (name) => ({ name, title: name, run: async () => ({ status: 'failed', message: 'failed: hunter2-secret' }) }),
      runLeaf: async () => undefined,
    });
    expect(outcome.ok).toBe(false);
    const all = out.text() + err.text();
    expect(all).toContain('boom with ***');
    expect(all).not.toContain('hunter2-secret');
    expect(all).not.toContain(ESC);
    expect(err.text()).toContain('✖');
  });
});
