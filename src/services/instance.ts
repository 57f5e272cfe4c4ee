import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Project } from '../config/project.js';
import { readState, updateState } from '../config/state.js';
import { serviceNames, type ServiceName } from './provider.js';

/** Which copy of the project this is: it namespaces containers, volumes and ports (DESIGN.md § Services). */
export interface Instance {
  /** The project name for the main checkout, `<name>-<6 hex of sha256(root)>` for any other. */
  name: string;
  /** Absolute project root, recorded on every resource as the `dev.tldr.checkout` label. */
  checkout: string;
  main: boolean;
  /** Host ports picked earlier for services whose port is chosen freely. */
  ports: Partial<Record<ServiceName, number>>;
  /** Extra labels on every resource of this instance (a CI run's owner and deadline). */
  labels?: Record<string, string>;
}

export type GitKind = 'dir' | 'file' | 'none';

export interface InstanceOptions {
  /** Checkout paths recorded on resources that carry this instance name (docker: labels). */
  owners?: (name: string) => Promise<string[]>;
  /** Remember the decision in `.tldr/state.json`. @default true */
  persist?: boolean;
  /** An isolated instance `<name>-<id>` with free ports, never remembered (CI runs). */
  isolate?: string;
  /** With `isolate`: extra labels on the instance's resources. */
  labels?: Record<string, string>;
  /** @default the first `.git` at or above the root */
  gitKind?: (root: string) => GitKind;
}

export function instanceName(project: string, root: string, main: boolean): string {
  return main ? project : `${project}-${createHash('sha256').update(root).digest('hex').slice(0, 6)}`;
}

/** Main = not a linked worktree (`.git` is a folder or absent) and no other checkout uses the name. Pure. */
export function isMainCheckout(git: GitKind, owners: readonly string[], root: string): boolean {
  return git !== 'file' && owners.every((owner) => owner === root);
}

export function findGit(root: string): GitKind {
  for (let dir = root; ; dir = dirname(dir)) {
    try {
      return lstatSync(join(dir, '.git')).isDirectory() ? 'dir' : 'file';
    } catch {
      if (dirname(dir) === dir) return 'none';
    }
  }
}

/**
 * The instance of this checkout: remembered in `.tldr/state.json` after the first decision, so
 * the warm path asks nobody. A state file copied along with the folder does not count: it
 * records the checkout it was made for.
 */
export async function resolveInstance(project: Pick<Project, 'name' | 'root' | 'stateDir'>, options: InstanceOptions = {}): Promise<Instance> {
  if (options.isolate) {
    return {
      name: `${project.name}-${options.isolate}`,
      checkout: project.root,
      main: false,
      ports: {},
      ...(options.labels ? { labels: options.labels } : {}),
    };
  }
  const state = readState(project.stateDir);
  const ports = rememberedPorts(state.ports);
  if (typeof state.instance === 'string' && state.checkout === project.root) {
    return { name: state.instance, checkout: project.root, main: state.instance === project.name, ports };
  }
  const git = (options.gitKind ?? findGit)(project.root);
  const owners = git === 'file' ? [] : ((await options.owners?.(project.name)) ?? []);
  const main = isMainCheckout(git, owners, project.root);
  const instance: Instance = {
    name: instanceName(project.name, project.root, main),
    checkout: project.root,
    main,
    ports: state.instance === undefined ? ports : {},
  };
  if (options.persist !== false) {
    updateState(project.stateDir, (s) => {
      s.instance = instance.name;
      s.checkout = project.root;
      s.ports = instance.ports;
    });
  }
  return instance;
}

/** Records ports picked for auto-port services. */
export function rememberPorts(project: Pick<Project, 'stateDir'>, instance: Instance, ports: Partial<Record<ServiceName, number>>): void {
  const changed = Object.entries(ports).some(([name, port]) => instance.ports[name as ServiceName] !== port);
  if (!changed) return;
  Object.assign(instance.ports, ports);
  updateState(project.stateDir, (s) => {
    s.ports = { ...rememberedPorts(s.ports), ...ports };
  });
}

function rememberedPorts(value: unknown): Partial<Record<ServiceName, number>> {
  const out: Partial<Record<ServiceName, number>> = {};
  if (!value || typeof value !== 'object') return out;
  for (const name of serviceNames) {
    const port = (value as Record<string, unknown>)[name];
    if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536) out[name] = port;
  }
  return out;
}
