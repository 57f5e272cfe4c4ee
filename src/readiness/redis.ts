import { connect } from 'node:net';
import { ProbeFatal, ReadinessProbe, type Clock } from './probe.js';

export interface RedisAuth {
  username?: string;
  password?: string;
}

/** RESP encoding of one command. */
function command(...words: string[]): string {
  return `*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`;
}

/** Redis `PING` → `+PONG` (after `AUTH` when the URL has a password), as a raw RESP exchange: no client library to load. */
export class RedisProbe extends ReadinessProbe {
  readonly description: string;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly auth: RedisAuth = {},
    clock?: Clock,
  ) {
    super(clock);
    this.description = `redis on ${host}:${port}`;
  }

  attempt(budgetMs: number): Promise<void> {
    const { username, password } = this.auth;
    const request = (password ? command('AUTH', ...(username ? [username] : []), password) : '') + command('PING');
    const expected = password ? ['+OK', '+PONG'] : ['+PONG'];
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      let reply = '';
      const finish = (error?: Error) => {
        socket.destroy();
        clearTimeout(timer);
        error ? reject(error) : resolve();
      };
      const timer = setTimeout(() => finish(new Error(`no PONG within ${Math.round(budgetMs)} ms`)), budgetMs);
      socket.setNoDelay(true);
      socket.on('connect', () => socket.write(request));
      socket.on('data', (chunk) => {
        reply += chunk.toString('latin1');
        const lines = reply.split('\r\n');
        lines.pop();
        for (const [i, line] of lines.entries()) {
          if (/^-(NOAUTH|WRONGPASS|ERR invalid password)/.test(line))
            return finish(new ProbeFatal(`redis answered ${line}`, 'check the password in services.redis.url'));
          if (line !== expected[i]) return finish(new Error(`redis answered ${line}`));
        }
        if (lines.length === expected.length) finish();
      });
      socket.on('error', (error) => finish(error));
      socket.on('close', () => finish(new Error('connection closed before PONG')));
    });
  }
}
