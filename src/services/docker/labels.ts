/** Labels on every container and volume tldr creates (DESIGN.md § Services). */
export const Label = {
  /** The instance name; tests and `down --volumes` find resources by it. */
  project: 'dev.tldr.project',
  service: 'dev.tldr.service',
  /** Hash of the create request; a different hash means the config changed. */
  configHash: 'dev.tldr.config-hash',
  /** Absolute root of the checkout that owns the resource (worktree detection). */
  checkout: 'dev.tldr.checkout',
} as const;

export const containerName = (instance: string, service: string) => `${instance}-${service}`;
export const volumeName = (instance: string, service: string) => `${instance}-${service}-data`;

/** True when these labels say this instance of tldr made the container or volume. */
export const ownedBy = (labels: Record<string, string> | null | undefined, instance: string) => labels?.[Label.project] === instance;
