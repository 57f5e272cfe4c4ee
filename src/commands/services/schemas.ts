import { z } from 'zod';
import type { ServiceReport } from '../../services/ensure.js';
import { serviceNames, type DownReport, type ServiceStatus } from '../../services/provider.js';
import type { Assert, Same } from '../same-type.js';

export const serviceName = z.enum(serviceNames);
const provider = z.enum(['docker', 'native', 'external']);

export const serviceReport = z.object({
  name: serviceName,
  url: z.string().describe('connection URL, password redacted'),
  host: z.string(),
  port: z.number().int(),
  action: z.enum(['none', 'started', 'created', 'recreated']),
  reason: z.string().optional().describe('why the action was needed, e.g. "config changed (image)"'),
  readyMs: z.number().describe('from the start of the readiness wait to the first successful probe'),
});

export const upData = z.object({ instance: z.string(), provider, services: z.array(serviceReport) });

export const downReport = z.object({
  name: serviceName,
  container: z.enum(['stopped', 'removed', 'already stopped', 'missing', 'external']),
  volume: z.enum(['removed', 'kept', 'missing']).optional(),
});

export const downData = z.object({ instance: z.string(), services: z.array(downReport) });

export const serviceStatus = z.object({
  name: serviceName,
  state: z.enum(['running', 'stopped', 'missing', 'external']),
  host: z.string().optional(),
  port: z.number().int().optional(),
  id: z.string().optional(),
  container: z.string().optional(),
  image: z.string().optional(),
  volume: z.string().optional(),
  startedAt: z.string().optional(),
  outdated: z.boolean().optional().describe('the running spec differs from the config: the next `tldr up` recreates it'),
});

export const serviceStatusReport = serviceStatus.extend({
  url: z.string().optional().describe('connection URL, password redacted'),
  health: z.enum(['ready', 'not answering', 'unknown']),
  healthError: z.string().optional(),
  uptimeSeconds: z.number().int().optional(),
});

export const statusData = z.object({ instance: z.string(), provider, where: z.string(), services: z.array(serviceStatusReport) });

export const clientData = z.object({
  exitCode: z.number().int(),
  stdout: z.string().optional().describe('with --json: what the client printed (cut at 4 KB)'),
  stderr: z.string().optional(),
});

export const inspectedService = z.object({
  name: serviceName,
  state: z.enum(['running', 'stopped', 'missing', 'external', 'unknown']),
  port: z.number().int().optional().describe('where it answers, or will once started'),
});

export type UpData = z.output<typeof upData>;
export type DownData = z.output<typeof downData>;
export type StatusData = z.output<typeof statusData>;
export type ServiceStatusReport = z.output<typeof serviceStatusReport>;
export type ClientData = z.output<typeof clientData>;
export type InspectedService = z.output<typeof inspectedService>;

export type Checks = [
  Assert<Same<z.output<typeof serviceReport>, ServiceReport>>,
  Assert<Same<z.output<typeof downReport>, DownReport>>,
  Assert<Same<z.output<typeof serviceStatus>, ServiceStatus>>,
];
