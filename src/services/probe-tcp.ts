import { connect } from 'node:net';
import { ReadinessProbe, type Clock } from './probe-base.js';

/** Ready when the port accepts a connection (for services with no protocol probe). */
export class TcpProbe extends ReadinessProbe {
  readonly description: string;

  constructor(
    private readonly host: string,
    private readonly port: number,
    clock?: Clock,
  ) {
    super(clock);
    this.description = `${host}:${port}`;
  }

  attempt(budgetMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const timer = setTimeout(() => socket.destroy(new Error(`no connection within ${Math.round(budgetMs)} ms`)), budgetMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.destroy();
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }
}
