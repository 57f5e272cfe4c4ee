/** An image reference split into its parts: `registry/repo:tag@sha256:…`. */
export interface ImageRef {
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const name = at === -1 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  // A colon before the last slash belongs to a registry host:port, not a tag.
  if (colon === -1 || colon < name.lastIndexOf('/')) return { repository: name, tag: undefined, digest };
  return { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest };
}

const official = new Set(['postgres', 'library/postgres', 'docker.io/postgres', 'docker.io/library/postgres', 'index.docker.io/library/postgres']);
// Tags of the official image that follow the newest major (18+ when this was written).
const newestAliases = /^(latest|alpine[\d.]*|bookworm|trixie|bullseye)$/;

/**
 * The Postgres major an image reference names: a numeric tag (`17`, `17.2`, `17-alpine`,
 * `16.4-bookworm`) on any repository, or `newest` for the official image's floating tags.
 * `undefined` when the name does not tell (digest only, custom tags): ask the image.
 */
export function postgresMajor(image: string): number | 'newest' | undefined {
  const ref = parseImageRef(image);
  if (ref.tag === undefined) return ref.digest === undefined && official.has(ref.repository) ? 'newest' : undefined;
  const numeric = /^(\d+)(?:[.\d]*)(?:[-_].*|beta\d*|rc\d*)?$/.exec(ref.tag);
  if (numeric) return Number(numeric[1]);
  if (official.has(ref.repository) && newestAliases.test(ref.tag)) return 'newest';
  return undefined;
}

/** Postgres 18+ images keep data under /var/lib/postgresql (PGDATA below it, per major); older ones under …/data. */
export function postgresDataDir(major: number | 'newest'): string {
  return major === 'newest' || major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
}

/** What an image says about itself (`docker image inspect`): Env and declared volumes. */
export interface ImageFacts {
  env: string[];
  volumes: string[];
}

/** For images whose name does not tell: PG_MAJOR, else the declared VOLUME, else PGDATA, else the pre-18 default. */
export function postgresDataDirFromImage(facts: ImageFacts): string {
  const env = new Map(facts.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const));
  const major = Number(env.get('PG_MAJOR'));
  if (Number.isInteger(major) && major > 0) return postgresDataDir(major);
  if (facts.volumes.includes('/var/lib/postgresql/data')) return '/var/lib/postgresql/data';
  if (facts.volumes.includes('/var/lib/postgresql')) return '/var/lib/postgresql';
  const pgdata = env.get('PGDATA');
  if (pgdata && pgdata !== '/var/lib/postgresql/data' && pgdata.startsWith('/var/lib/postgresql/')) return '/var/lib/postgresql';
  return '/var/lib/postgresql/data';
}
