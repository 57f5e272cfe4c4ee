import { foreignAnswer, type OwnedBy } from './owner.js';
import { ReadinessProbe, type Clock } from './probe.js';

/** Ready on any answer below 500 from the probed process: a 404 or a redirect still means the server is up. */
export class HttpProbe extends ReadinessProbe {
  readonly description: string;

  constructor(
    private readonly url: string,
    private readonly by: OwnedBy = {},
    clock?: Clock,
  ) {
    super(clock);
    this.description = `http ${url}`;
  }

  async attempt(budgetMs: number): Promise<void> {
    // node:http loads only for a dev process's readiness URL, node:https (and TLS) only for https://.
    const { request } = this.url.startsWith('https:') ? await import('node:https') : await import('node:http');
    return new Promise((resolve, reject) => {
      const req = request(this.url, { method: 'GET', agent: false, timeout: Math.max(1, Math.round(budgetMs)), rejectUnauthorized: false }, (res) => {
        res.resume();
        const status = res.statusCode ?? 500;
        if (status >= 500) return reject(new Error(`${this.url} answered ${status}`));
        const foreign = foreignAnswer(res.socket?.remoteAddress, res.socket?.remotePort, this.by);
        if (foreign) {
          this.observation = foreign;
          return reject(new Error(foreign));
        }
        resolve();
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(budgetMs)} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}
