import { connect } from 'node:net';
import { foreignAnswer, type OwnedBy } from './owner.js';
import { ReadinessProbe, type Clock } from './probe.js';

/** Ready when the port accepts a connection (from the probed process, when `by.owner` says whose it is). */
export class TcpProbe extends ReadinessProbe {
  readonly description: string;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly by: OwnedBy = {},
    clock?: Clock,
  ) {
    super(clock);
    this.description = `tcp ${host}:${port}`;
  }

  attempt(budgetMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const finish = (error?: Error) => {
        clearTimeout(timer);
        socket.destroy();
        error ? reject(error) : resolve();
      };
      const timer = setTimeout(() => finish(new Error(`no connection within ${Math.round(budgetMs)} ms`)), budgetMs);
      socket.once('connect', () => {
        const foreign = foreignAnswer(socket.remoteAddress, socket.remotePort, this.by);
        if (foreign) this.observation = foreign;
        finish(foreign ? new Error(foreign) : undefined);
      });
      socket.once('error', (error) => finish(error));
    });
  }
}
