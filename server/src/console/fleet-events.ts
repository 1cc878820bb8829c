import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { PgListener } from '../db/pg-listener';

export const FLEET_CHANNEL = 'kassa_fleet';

/** What the console's live view hears: a register whose state HQ has just stored (a status report, uploaded transitions), or "reread everything". */
export interface FleetEventMap {
  register: [registerId: string, storeId: string];
  /** Events from other HQ instances may have been missed (their connection was lost): reread every register. */
  resync: [];
}

/**
 * Tells the console's open live streams that a register's state changed on HQ. Emitted only after the
 * write committed, so a listener that reads the register sees the new state. In one process the event is
 * emitted directly; with PostgreSQL it is also sent to the other HQ instances (NOTIFY on kassa_fleet), so a
 * console connected to instance B hears at once about a register that reported to instance A.
 */
export class FleetEvents {
  private readonly events = new EventEmitter<FleetEventMap>();
  /** Tells this instance's own NOTIFYs from other instances' ones. */
  private readonly instance = randomUUID();
  private publish: ((payload: string) => Promise<void>) | null = null;
  private log: Logger | null = null;

  constructor() {
    // One listener per open console stream: there is no sensible bound.
    this.events.setMaxListeners(0);
  }

  /** Sends this instance's events to the others and hears theirs (PostgreSQL). */
  follow(listener: PgListener, publish: (payload: string) => Promise<void>, log: Logger): void {
    this.publish = publish;
    this.log = log;
    listener.listen(FLEET_CHANNEL, {
      notify: (payload) => {
        const event = parse(payload);
        if (event && event.from !== this.instance) this.local('register', event.registerId, event.storeId);
      },
      missed: () => this.local('resync'),
    });
  }

  on<K extends keyof FleetEventMap>(event: K, listener: (...args: FleetEventMap[K]) => void): this {
    this.events.on(event, listener as never);
    return this;
  }

  off<K extends keyof FleetEventMap>(event: K, listener: (...args: FleetEventMap[K]) => void): this {
    this.events.off(event, listener as never);
    return this;
  }

  emit<K extends keyof FleetEventMap>(event: K, ...args: FleetEventMap[K]): boolean {
    if (event === 'register' && this.publish) {
      const [registerId, storeId] = args as FleetEventMap['register'];
      this.publish(JSON.stringify({ registerId, storeId, from: this.instance })).catch((error: unknown) => {
        this.log?.warn({ err: error }, "could not tell the other HQ instances about a register's new state; their consoles see it at their next read");
      });
    }
    return this.local(event, ...args);
  }

  /** How many listen now (open streams); for tests and shutdown checks. */
  listeners(): number {
    return this.events.listenerCount('register');
  }

  private local<K extends keyof FleetEventMap>(event: K, ...args: FleetEventMap[K]): boolean {
    return (this.events as EventEmitter).emit(event, ...args);
  }
}

function parse(payload: string): { registerId: string; storeId: string; from: string } | null {
  try {
    const value = JSON.parse(payload) as Record<string, unknown>;
    if (typeof value.registerId === 'string' && typeof value.storeId === 'string' && typeof value.from === 'string') return { registerId: value.registerId, storeId: value.storeId, from: value.from };
  } catch {
    // Not one of ours.
  }
  return null;
}
