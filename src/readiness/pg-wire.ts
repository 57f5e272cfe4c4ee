import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';

export interface PgTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** An ErrorResponse from the server, with its SQLSTATE `code` (what `pg` reports as DatabaseError). */
export class PgServerError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const pbkdf2Async = promisify(pbkdf2);

/**
 * Connects, authenticates (trust, password, md5 or SCRAM-SHA-256) and runs `SELECT 1` over the
 * Postgres protocol v3, without TLS — the readiness probe of a server on 127.0.0.1. It exists
 * because loading `pg` costs ~40 ms on every warm `tldr up`; external URLs still go through `pg`.
 */
export function selectOne(target: PgTarget, budgetMs: number): Promise<void> {
  return simpleQuery(target, 'SELECT 1', budgetMs).then(() => undefined);
}

/** One row of a simple query: column name → text value (null for SQL NULL). */
export type PgRow = Record<string, string | null>;

/** The same connection running one simple query (no parameters), its rows as text. */
export function simpleQuery(target: PgTarget, sql: string, budgetMs: number): Promise<PgRow[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port });
    const session = new Session(target, socket, sql);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      if (!socket.destroyed) {
        if (!error) socket.end(message('X', Buffer.alloc(0)));
        socket.destroy();
      }
      error ? reject(error) : resolve(session.rows);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${Math.round(budgetMs)} ms`)), budgetMs);
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write(startup(target)));
    socket.on('data', (chunk: Buffer) => session.receive(chunk).then((done) => done && finish(), finish));
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('Connection terminated unexpectedly')));
  });
}

/**
 * The target of a `postgres://` URL this client can serve exactly as `pg` would: a host and no
 * query parameters (no sslmode, no options); undefined otherwise (use `pg`).
 */
export function plainTarget(databaseUrl: string): PgTarget | undefined {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return undefined;
  }
  if (!/^postgres(ql)?:$/.test(url.protocol) || url.search || !url.hostname || !url.username) return undefined;
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: database || decodeURIComponent(url.username),
  };
}

class Session {
  private buffer = Buffer.alloc(0);
  private queried = false;
  private columns: string[] = [];
  readonly rows: PgRow[] = [];
  private scram: { nonce: string; firstBare: string; salted?: Buffer; auth?: string } | undefined;
  private queue = Promise.resolve(false);

  constructor(
    private readonly target: PgTarget,
    private readonly socket: Socket,
    private readonly sql: string,
  ) {}

  /** Feeds bytes in; resolves true once the query has completed. Messages are handled in order. */
  receive(chunk: Buffer): Promise<boolean> {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const messages: Array<[string, Buffer]> = [];
    while (this.buffer.length >= 5) {
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) break;
      messages.push([String.fromCharCode(this.buffer[0]!), this.buffer.subarray(5, 1 + length)]);
      this.buffer = this.buffer.subarray(1 + length);
    }
    this.queue = this.queue.then(async (done) => {
      for (const [type, body] of messages) done = done || (await this.handle(type, body));
      return done;
    });
    return this.queue;
  }

  private async handle(type: string, body: Buffer): Promise<boolean> {
    if (type === 'E') throw errorFrom(body);
    if (type === 'R') await this.authenticate(body);
    if (type === 'T') this.columns = rowDescription(body);
    if (type === 'D') this.rows.push(dataRow(body, this.columns));
    if (type === 'Z') {
      if (this.queried) return true;
      this.queried = true;
      this.socket.write(message('Q', cstring(this.sql)));
    }
    return false;
  }

  private async authenticate(body: Buffer): Promise<void> {
    const { user, password } = this.target;
    const code = body.readInt32BE(0);
    if (code === 0) return;
    if (code === 3) return void this.socket.write(message('p', cstring(password)));
    if (code === 5) {
      const inner = md5hex(password + user);
      return void this.socket.write(message('p', cstring(`md5${md5hex(Buffer.concat([Buffer.from(inner), body.subarray(4, 8)]))}`)));
    }
    if (code === 10) {
      const mechanisms = body.subarray(4).toString('utf8').split('\0').filter(Boolean);
      if (!mechanisms.includes('SCRAM-SHA-256')) throw new Error(`unsupported SASL mechanisms: ${mechanisms.join(', ')}`);
      const nonce = randomBytes(18).toString('base64');
      const firstBare = `n=*,r=${nonce}`;
      this.scram = { nonce, firstBare };
      const first = Buffer.from(`n,,${firstBare}`);
      const len = Buffer.alloc(4);
      len.writeInt32BE(first.length);
      return void this.socket.write(message('p', Buffer.concat([cstring('SCRAM-SHA-256'), len, first])));
    }
    if (code === 11) return void this.socket.write(message('p', Buffer.from(await this.scramFinal(body.subarray(4).toString('utf8')))));
    if (code === 12) return this.scramVerify(body.subarray(4).toString('utf8'));
    throw new Error(`unsupported authentication request ${code}`);
  }

  private async scramFinal(serverFirst: string): Promise<string> {
    const attrs = new Map(serverFirst.split(',').map((kv) => [kv[0]!, kv.slice(2)] as const));
    const nonce = attrs.get('r') ?? '';
    if (!this.scram || !nonce.startsWith(this.scram.nonce)) throw new Error('SCRAM: the server nonce does not extend ours');
    const salted = (await pbkdf2Async(
      this.target.password.normalize('NFKC'),
      Buffer.from(attrs.get('s') ?? '', 'base64'),
      Number(attrs.get('i')),
      32,
      'sha256',
    )) as Buffer;
    const withoutProof = `c=biws,r=${nonce}`;
    const auth = `${this.scram.firstBare},${serverFirst},${withoutProof}`;
    const clientKey = hmac(salted, 'Client Key');
    const signature = hmac(createHash('sha256').update(clientKey).digest(), auth);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    Object.assign(this.scram, { salted, auth });
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  private scramVerify(serverFinal: string): void {
    const expected = hmac(hmac(this.scram!.salted!, 'Server Key'), this.scram!.auth!);
    const got = Buffer.from(serverFinal.replace(/^v=/, ''), 'base64');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new Error('SCRAM: the server signature does not match');
  }
}

function rowDescription(body: Buffer): string[] {
  const names: string[] = [];
  let at = 2;
  for (let i = body.readInt16BE(0); i > 0; i--) {
    const end = body.indexOf(0, at);
    names.push(body.subarray(at, end).toString('utf8'));
    at = end + 1 + 18; // table oid, column, type oid, size, modifier, format
  }
  return names;
}

function dataRow(body: Buffer, columns: string[]): PgRow {
  const row: PgRow = {};
  let at = 2;
  for (let i = 0; i < body.readInt16BE(0); i++) {
    const length = body.readInt32BE(at);
    at += 4;
    row[columns[i] ?? String(i)] = length < 0 ? null : body.subarray(at, at + length).toString('utf8');
    if (length > 0) at += length;
  }
  return row;
}

function startup(target: PgTarget): Buffer {
  const params = Buffer.concat([...['user', target.user, 'database', target.database, 'application_name', 'tldr-probe'].map(cstring), Buffer.from([0])]);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196608, 4); // protocol 3.0
  return Buffer.concat([head, params]);
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

function errorFrom(body: Buffer): PgServerError {
  const fields = new Map<string, string>();
  for (let at = 0; at < body.length && body[at] !== 0;) {
    const end = body.indexOf(0, at + 1);
    fields.set(String.fromCharCode(body[at]!), body.subarray(at + 1, end).toString('utf8'));
    at = end + 1;
  }
  return new PgServerError(fields.get('M') ?? 'server error', fields.get('C'));
}

const cstring = (s: string) => Buffer.from(`${s}\0`);
const md5hex = (s: string | Buffer) => createHash('md5').update(s).digest('hex');
const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
