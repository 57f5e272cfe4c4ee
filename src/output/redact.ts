export const REDACTED = '***';

const secretKey = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|dsn|auth)/i;
const urlPassword = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi;
const assignment = /\b([A-Za-z_][A-Za-z0-9_]*(?:pass(?:word|wd)?|secret|token|api[_-]?key)[A-Za-z0-9_]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi;

/** Secret values known at run time (the configured Postgres password, `env` secrets), hidden wherever they appear. */
export class SecretSet {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    // Short values (a dev default like "tldr") would redact ordinary words — the project name in
    // every hint; the URL and KEY=value rules still hide them where they appear as secrets.
    if (value && value.length >= 6) this.values.add(value);
  }

  addEnv(env: Record<string, string | undefined>): void {
    for (const [key, value] of Object.entries(env)) if (isSecretKey(key)) this.add(value);
  }

  redact(text: string): string {
    let out = redact(text);
    for (const value of this.values) out = out.split(value).join(REDACTED);
    return out;
  }

  redactEvent<T>(event: T): T {
    return redactDeep(event, this);
  }
}

export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}

/** Hides passwords in URLs, and values of password / secret / token assignments, in free text. */
export function redact(text: string): string {
  return text.replace(urlPassword, `$1:${REDACTED}@`).replace(assignment, `$1$2${REDACTED}`);
}

/** An environment with the values of secret-named keys hidden and URL passwords redacted. */
export function redactEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, isSecretKey(key) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? REDACTED : redact(value)]),
  );
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, secrets?: SecretSet): T {
  const fix = (s: string) => (secrets ? secrets.redact(s) : redact(s));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
