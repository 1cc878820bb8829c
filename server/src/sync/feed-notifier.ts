import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from 'pino';

export const FEED_CHANNEL = 'kassa_feed';

/**
 * Tells open realtime streams that the change feed moved. In one process a committed write calls
 * `advanced()` directly; with PostgreSQL every instance also LISTENs for the NOTIFY that a commit on any
 * instance sends, so a register connected to instance B hears about a sale pushed to instance A.
 */
export class FeedNotifier {
  private readonly events = new EventEmitter();
  private listener: pg.Client | null = null;
  private stopped = false;

  constructor() {
    this.events.setMaxListeners(0);
  }

  advanced(seq: number): void {
    this.events.emit('advanced', seq);
  }

  subscribe(fn: (seq: number) => void): () => void {
    this.events.on('advanced', fn);
    return () => this.events.off('advanced', fn);
  }

  /** LISTEN on PostgreSQL, reconnecting after a lost connection (and waking every stream then, in case it missed a NOTIFY). */
  async listen(makeClient: () => pg.Client, log: Logger): Promise<void> {
    const connect = async (): Promise<void> => {
      if (this.stopped) return;
      const client = makeClient();
      client.on('notification', (message) => this.advanced(Number(message.payload) || 0));
      client.on('error', (error) => {
        log.warn({ err: error }, 'the change-feed LISTEN connection failed; reconnecting');
        client.end().catch(() => {});
        if (this.listener === client) this.listener = null;
        setTimeout(() => {
          connect()
            .then(() => this.advanced(0))
            .catch(() => {});
        }, 1000).unref();
      });
      await client.connect();
      await client.query(`LISTEN ${FEED_CHANNEL}`);
      this.listener = client;
    };
    await connect();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.events.removeAllListeners();
    await this.listener?.end().catch(() => {});
    this.listener = null;
  }
}
