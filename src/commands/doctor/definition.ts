import { z } from 'zod';
import { once } from '../once.js';
import { defineCommand } from '../definition.js';

/** The result schema, built on first use. */
const doctorResults = once(() => {
  const check = z.object({ name: z.string(), ok: z.boolean(), detail: z.string(), hint: z.string().optional() });

  const doctorReport = z.object({
    checks: z.array(check),
    node: z.string(),
    docker: z.object({
      answered: z.string().optional(),
      tried: z.array(z.object({ source: z.string(), host: z.string(), ok: z.boolean(), error: z.string().optional() })),
    }),
    python: z.object({ argv: z.array(z.string()), kind: z.enum(['uv', 'venv', 'python3', 'configured']), reason: z.string() }).optional(),
    binaries: z.record(z.string(), z.string().nullable()),
  });
  return { check, doctorReport };
});

type Results = ReturnType<typeof doctorResults>;
export type DoctorReport = z.output<Results['doctorReport']>;
export type DoctorCheck = z.output<Results['check']>;

export const doctor = defineCommand({
  name: 'doctor',
  summary: 'check the machine: Node, Docker socket, Python choice, server binaries, config',
  input: z.object({}),
  get result() {
    return doctorResults().doctorReport;
  },
  readOnly: true,
  destructive: false,
  interrupt: 'abort',
  // It reports a broken or missing config as one of its checks.
  project: 'optional',
  load: () => import('./doctor.js').then((m) => m.doctor),
});
