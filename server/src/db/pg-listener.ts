/**
 * One LISTEN connection per HQ instance on PostgreSQL, shared by every channel HQ listens on (the change
 * feed, the console's fleet events, …), so the number of database connections does not grow with the
 * number of things that want to hear about other instances' commits.
 *
 * API:
 *   const listener = new PgListener(makeClient, log);
 *   const stop = listener.listen('kassa_feed', { notify: (payload) => …, missed: () => … });
 *   await listener.start();   // connects and LISTENs on every channel registered so far
 *   listener.listen(…)        // may also be called after start(): it LISTENs on the open connection
 *   stop();                   // removes that handler (the channel stays LISTENed; harmless)
 *   listener.pid              // the backend's process id while connected (null otherwise)
 *   await listener.close();
 *   await notify(database.db, 'kassa_feed', payload);   // NOTIFY outside a transaction (inside one: pg_notify in it)
 *
 * Channel names are plain identifiers (lower case letters, digits, underscores). A NOTIFY sent while the
 * connection was down is lost: after a lost connection the listener reconnects (1 s, then backing off to
 * 10 s), LISTENs again on every channel, and calls each handler's `missed()`, so it rereads whatever it
 * follows instead of trusting that it heard everything. A handler that throws is logged, never stops others.
 */
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface ChannelHandler {
  /** A NOTIFY on the channel, with its payload ('' when none). */
  notify(payload: string): void;
  /** The connection was lost and is back: notifications may have been missed. */
  missed(): void;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

export class PgListener {
  private readonly handlers = new Map<string, Set<ChannelHandler>>();
  private client: pg.Client | null = null;
  private backendPid: number | null = null;
  private stopped = false;
  private retryMs = 1000;

  constructor(
    private readonly makeClient: () => pg.Client,
    private readonly log: Logger,
  ) {}

  /** The backend process id of the LISTEN connection while it is connected. */
  get pid(): number | null {
    return this.backendPid;
  }

  listen(channel: string, handler: ChannelHandler): () => void {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`"${channel}" is not a channel name HQ listens on (lower case letters, digits, underscores)`);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      const client = this.client;
      if (client) client.query(`LISTEN ${channel}`).catch((error: unknown) => this.log.warn({ err: error, channel }, 'could not LISTEN; it is retried when the connection is renewed'));
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = null;
    this.backendPid = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = this.makeClient();
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) {
        this.client = null;
        this.backendPid = null;
      }
      client.end().catch(() => {});
      if (this.stopped) return;
      this.log.warn({ err: error }, 'the LISTEN connection to PostgreSQL was lost; reconnecting');
      this.reconnectLater();
    };
    client.on('notification', (message) => this.dispatch(message.channel, message.payload ?? ''));
    client.on('error', onLost);
    client.on('end', () => onLost());
    let rows: { pid: number }[];
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
      ({ rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'));
    } catch (error) {
      // The caller retries (start() fails, a reconnect schedules the next try): this client is done.
      lost = true;
      await client.end().catch(() => {});
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.backendPid = rows[0]?.pid ?? null;
    this.retryMs = 1000;
  }

  private reconnectLater(): void {
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    setTimeout(() => {
      this.connect().then(
        () => {
          if (this.stopped || !this.client) return;
          for (const [channel, set] of this.handlers) for (const handler of set) this.call(channel, () => handler.missed());
        },
        (error: unknown) => {
          if (this.stopped) return;
          this.log.warn({ err: error }, 'reconnecting the LISTEN connection to PostgreSQL failed; trying again');
          this.reconnectLater();
        },
      );
    }, delay).unref();
  }

  private dispatch(channel: string, payload: string): void {
    for (const handler of this.handlers.get(channel) ?? []) this.call(channel, () => handler.notify(payload));
  }

  private call(channel: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log.error({ err: error, channel }, 'a notification handler failed');
    }
  }
}

/** Sends a NOTIFY on `channel` (every instance's listener hears it, this one's too). */
export async function notify<DB>(db: Kysely<DB>, channel: string, payload: string): Promise<void> {
  await sql`SELECT pg_notify(${channel}, ${payload})`.execute(db);
}
