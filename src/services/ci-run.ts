import { hostname } from 'node:os';
import { ownerTag, tagAlive } from '../process/owner.js';

/** Labels of a `tldr ci` run's containers and volumes: what the next run on the host needs to know they are leftovers. */
export const CiLabel = {
  /** The project name: the sweep only looks at this project's runs. */
  project: 'dev.tldr.ci',
  run: 'dev.tldr.ci-run',
  /** `<host>/<pid>-<start time>` of the tldr process that made it. */
  owner: 'dev.tldr.ci-owner',
  /** ISO time after which the run is over whatever its owner looks like (another host, a reused pid). */
  expires: 'dev.tldr.ci-expires',
} as const;

export interface CiRunIdentity {
  project: string;
  runId: string;
  /** @default this process on this host */
  owner?: string;
  expires: Date;
}

export function ciRunLabels(run: CiRunIdentity): Record<string, string> {
  return {
    [CiLabel.project]: run.project,
    [CiLabel.run]: run.runId,
    [CiLabel.owner]: run.owner ?? `${hostname()}/${ownerTag()}`,
    [CiLabel.expires]: run.expires.toISOString(),
  };
}

export interface LeftoverCheck {
  host: string;
  now: Date;
  alive(tag: string): boolean;
}

export const systemLeftoverCheck = (): LeftoverCheck => ({ host: hostname(), now: new Date(), alive: tagAlive });

/**
 * Why a resource with a CI run's labels is a leftover, or undefined while its run may still be
 * going. Its owner on this host is gone (SIGKILL, a cancelled runner), or its deadline passed
 * (an owner on another host sharing the daemon). Labels alone decide, never a name. Pure.
 */
export function leftoverReason(labels: Record<string, string> | null | undefined, check: LeftoverCheck): string | undefined {
  const owner = labels?.[CiLabel.owner];
  const run = labels?.[CiLabel.run];
  if (!owner || !run) return undefined;
  const [host, tag] = owner.split('/', 2);
  if (host === check.host && tag && !check.alive(tag)) return `run ${run}: its tldr (pid ${tag.split('-')[0]}) is gone`;
  const expires = Date.parse(labels?.[CiLabel.expires] ?? '');
  if (Number.isFinite(expires) && expires < check.now.getTime()) return `run ${run}: past its deadline ${labels![CiLabel.expires]}`;
  return undefined;
}
