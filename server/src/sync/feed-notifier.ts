import { EventEmitter } from 'node:events';
import type { PgListener } from '../db/pg-listener';

export const FEED_CHANNEL = 'kassa_feed';

/**
 * Tells this instance's realtime fan-out that the change feed moved. In one process a committed write calls
 * `advanced()` directly (SQLite, and this instance's own commits on PostgreSQL); with PostgreSQL the instance
 * also hears, on its one LISTEN connection (db/pg-listener.ts), the NOTIFY that a commit on any instance
 * sends, so a register connected to instance B hears about a sale pushed to instance A. After a lost LISTEN
 * connection it says `advanced(0)`: "reread, something may have been missed".
 */
export class FeedNotifier {
  private readonly events = new EventEmitter();

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

  /** Hears other instances' commits on PostgreSQL. */
  follow(listener: PgListener): void {
    listener.listen(FEED_CHANNEL, { notify: (payload) => this.advanced(Number(payload) || 0), missed: () => this.advanced(0) });
  }

  close(): void {
    this.events.removeAllListeners();
  }
}
