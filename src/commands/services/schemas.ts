import { z } from 'zod';
import { once } from '../once.js';
import type { ServiceReport } from '../../services/ensure.js';
import { serviceNames, type DownReport, type ServiceStatus } from '../../services/provider.js';
import type { Assert, Same } from '../same-type.js';

export const serviceName = z.enum(serviceNames);
/** The result schemas of these commands, built on first use. */
export const servicesResults = once(() => {
  const provider = z.enum(['docker', 'native', 'external']);

  const serviceReport = z.object({
    name: serviceName,
    url: z.string().describe('connection URL, password redacted'),
    host: z.string(),
    port: z.number().int(),
    action: z.enum(['none', 'started', 'created', 'recreated']),
    reason: z.string().optional().describe('why the action was needed, e.g. "config changed (image)"'),
    readyMs: z.number().describe('from the start of the readiness wait to the first successful probe'),
  });

  const upData = z.object({ instance: z.string(), provider, services: z.array(serviceReport) });

  const downReport = z.object({
    name: serviceName,
    container: z.enum(['stopped', 'removed', 'already stopped', 'missing', 'external']),
    volume: z.enum(['removed', 'kept', 'missing']).optional(),
  });

  const downData = z.object({ instance: z.string(), services: z.array(downReport) });

  const serviceStatus = z.object({
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

  const serviceStatusReport = serviceStatus.extend({
    url: z.string().optional().describe('connection URL, password redacted'),
    health: z.enum(['ready', 'not answering', 'unknown']),
    healthError: z.string().optional(),
    uptimeSeconds: z.number().int().optional(),
  });

  const statusData = z.object({ instance: z.string(), provider, where: z.string(), services: z.array(serviceStatusReport) });

  const clientData = z.object({
    exitCode: z.number().int(),
    stdout: z.string().optional().describe('with --json: what the client printed (cut at 4 KB)'),
    stderr: z.string().optional(),
  });

  const inspectedService = z.object({
    name: serviceName,
    state: z.enum(['running', 'stopped', 'missing', 'external', 'unknown']),
    port: z.number().int().optional().describe('where it answers, or will once started'),
  });
  return { serviceReport, upData, downReport, downData, serviceStatus, serviceStatusReport, statusData, clientData, inspectedService };
});

type Results = ReturnType<typeof servicesResults>;
export type UpData = z.output<Results['upData']>;
export type DownData = z.output<Results['downData']>;
export type StatusData = z.output<Results['statusData']>;
export type ServiceStatusReport = z.output<Results['serviceStatusReport']>;
export type ClientData = z.output<Results['clientData']>;
export type InspectedService = z.output<Results['inspectedService']>;

export type Checks = [
  Assert<Same<z.output<Results['serviceReport']>, ServiceReport>>,
  Assert<Same<z.output<Results['downReport']>, DownReport>>,
  Assert<Same<z.output<Results['serviceStatus']>, ServiceStatus>>,
];
