export const REDACTED = '***';

/** Values shorter than this are not hidden by value: a dev default like "tldr" is also the project name in every hint. */
export const MIN_SECRET_LENGTH = 6;

const secretKey = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|dsn|auth)/i;
const urlPassword = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi;
const assignment = /\b([A-Za-z_][A-Za-z0-9_]*(?:pass(?:word|wd)?|secret|token|api[_-]?key)[A-Za-z0-9_]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi;
const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Every secret value known at run time — the configured Postgres password, values of
 * secret-named `env` / env_files keys, passwords inside URLs — hidden wherever it appears, on
 * top of the pattern rules of `redact()`. Output runs everything it prints through one of these.
 */
export class SecretSet {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  add(value: string | undefined): void {
    // Short values would redact ordinary words; the URL and KEY=value rules still hide them where they appear as secrets.
    if (!value || value.length < MIN_SECRET_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    this.pattern = undefined;
  }

  addAll(values: Iterable<string>): void {
    for (const value of values) this.add(value);
  }

  /** Values of secret-named keys, and the password of any URL among the values. */
  addEnv(env: Record<string, string | undefined>): void {
    this.addAll(envSecrets(env));
  }

  get size(): number {
    return this.values.size;
  }

  redact(text: string): string {
    const out = redact(text);
    if (this.values.size === 0) return out;
    // One alternation, longest first, so a secret that contains another is hidden whole.
    this.pattern ??= new RegExp(
      [...this.values]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return out.replace(this.pattern, REDACTED);
  }

  redactEvent<T>(event: T): T {
    return redactDeep(event, this);
  }

  /** An environment for display: secret-named keys hidden, then every value redacted by value too. */
  redactEnv(env: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(redactEnv(env)).map(([key, value]) => [key, this.redact(value)]));
  }
}

export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}

/** The secrets an environment holds: values of secret-named keys (not URLs: their password is taken instead) and URL passwords. Pure. */
export function envSecrets(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (!value) continue;
    if (isSecretKey(key) && !isUrl.test(value)) out.push(value);
    out.push(...urlPasswords(value));
  }
  return out;
}

/** The passwords of the URLs in a text, as written and percent-decoded. Pure. */
export function urlPasswords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(urlPassword)) {
    const raw = match[2]!;
    out.push(raw);
    try {
      const decoded = decodeURIComponent(raw);
      if (decoded !== raw) out.push(decoded);
    } catch {
      // not valid percent-encoding: the raw form is all there is
    }
  }
  return out;
}

/** Hides passwords in URLs, and values of password / secret / token assignments, in free text. */
export function redact(text: string): string {
  return text.replace(urlPassword, `$1:${REDACTED}@`).replace(assignment, `$1$2${REDACTED}`);
}

/** An environment with the values of secret-named keys hidden and URL passwords redacted. */
export function redactEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, isSecretKey(key) && !isUrl.test(value) ? REDACTED : redact(value)]));
}

export interface RedactDeepOptions {
  /** Also hide every string under a secret-named key (`password`, `API_TOKEN`), URLs aside. @default false */
  byKey?: boolean;
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, secrets?: SecretSet, options: RedactDeepOptions = {}): T {
  const fix = (s: string) => (secrets ? secrets.redact(s) : redact(s));
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return options.byKey && key !== undefined && isSecretKey(key) && !isUrl.test(v) ? REDACTED : fix(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value) as T;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
