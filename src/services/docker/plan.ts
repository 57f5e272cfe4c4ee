import type { ContainerInspectInfo } from 'dockerode';
import type { ContainerDefinition } from './container-spec.js';
import { Label } from './labels.js';

/** The facts `up` needs from `docker inspect` of an existing container. */
export interface ExistingContainer {
  id: string;
  /** The `dev.tldr.project` label: the tldr instance that made it, if tldr did. */
  project: string | undefined;
  /** When the Engine created it (ISO time). */
  created: string;
  status: string;
  running: boolean;
  hash: string | undefined;
  checkout: string | undefined;
  /** Host port published on 127.0.0.1, if any. */
  port: number | undefined;
  image: string;
  env: string[];
  mounts: string[];
  startedAt: string | undefined;
}

export function existingContainer(info: ContainerInspectInfo): ExistingContainer {
  const labels = info.Config?.Labels ?? {};
  const bindings = Object.values(info.HostConfig?.PortBindings ?? {}) as Array<Array<{ HostIp?: string; HostPort?: string }> | null>;
  const hostPort = bindings.flatMap((b) => b ?? []).find((b) => b.HostPort)?.HostPort;
  return {
    id: info.Id,
    project: labels[Label.project],
    created: info.Created,
    status: info.State?.Status ?? 'unknown',
    running: info.State?.Running === true,
    hash: labels[Label.configHash],
    checkout: labels[Label.checkout],
    port: hostPort ? Number(hostPort) : undefined,
    image: info.Config?.Image ?? '',
    env: info.Config?.Env ?? [],
    mounts: (info.Mounts ?? []).map((m) => m.Destination),
    startedAt: info.State?.Running ? info.State.StartedAt : undefined,
  };
}

export type DockerAction = 'none' | 'start' | 'unpause' | 'create' | 'recreate';

/** What to do to get from the existing container (if any) to the definition. Pure; the container is tldr's (`ownedBy`). */
export function decideAction(existing: ExistingContainer | undefined, wanted: ContainerDefinition): { action: DockerAction; reason?: string } {
  if (!existing) return { action: 'create' };
  if (existing.hash !== wanted.hash) return { action: 'recreate', reason: describeChange(existing, wanted) };
  if (existing.status === 'dead' || existing.status === 'removing') return { action: 'recreate', reason: `container is ${existing.status}` };
  if (existing.status === 'paused') return { action: 'unpause' };
  if (existing.running || existing.status === 'restarting') return { action: 'none' };
  return { action: 'start' };
}

/** "config changed (image, port)": which parts of the request differ, for the message. */
export function describeChange(existing: ExistingContainer, wanted: ContainerDefinition): string {
  if (existing.hash === undefined) return 'made by an older tldr (no config hash)';
  const body = wanted.body;
  const changed: string[] = [];
  if (existing.image !== body.Image) changed.push('image');
  if (!(body.Env ?? []).every((e) => existing.env.includes(e))) changed.push('env');
  const bindings = Object.values((body.HostConfig?.PortBindings ?? {}) as Record<string, Array<{ HostPort?: string }>>);
  const port = bindings[0]?.[0]?.HostPort;
  if (String(existing.port) !== port) changed.push('port');
  const target = body.HostConfig?.Mounts?.[0]?.Target;
  if (target && !existing.mounts.includes(target)) changed.push('data mount');
  return `config changed (${changed.length ? changed.join(', ') : 'container settings'})`;
}
