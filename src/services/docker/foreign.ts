import { EnvironmentError } from '../../errors.js';

/** A container or volume whose name tldr would use, without tldr's labels for this instance. */
export interface ForeignResource {
  kind: 'container' | 'volume';
  name: string;
  /** Container: its image. */
  image?: string;
  /** ISO time the Engine created it. */
  created?: string;
  /** Container: running, exited, … */
  state?: string;
  /** The tldr instance that made it, when it was another one's. */
  project?: string;
}

/**
 * Exit 3 before anything is changed: tldr never removes, replaces or reuses what it did not make
 * (someone's own `tldr-postgres`, another tool's volume). Names it, says what it is, and the two ways out.
 */
export function foreignResourceError(found: ForeignResource, instance: string): EnvironmentError {
  const facts = [
    found.image && `image ${found.image}`,
    found.created && `created ${found.created.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}`,
    found.state && `status ${found.state}`,
    found.project && `made by tldr for the instance "${found.project}"`,
  ].filter(Boolean);
  const remove = found.kind === 'container' ? `docker rm -f ${found.name}` : `docker volume rm ${found.name}`;
  return new EnvironmentError(
    `a ${found.kind} named ${found.name} already exists and is not tldr's${facts.length ? ` (${facts.join(', ')})` : ''}: tldr will not remove, replace or reuse it`,
    {
      code: found.kind === 'container' ? 'container-not-tldrs' : 'volume-not-tldrs',
      hint: `if you no longer need it, remove it yourself (\`${remove}\`); or keep it and give tldr other names with \`name:\` in tldr.config.yaml (now "${instance}")`,
    },
  );
}
