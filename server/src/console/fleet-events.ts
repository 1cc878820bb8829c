import { EventEmitter } from 'node:events';

/** What the console's live view hears: a register whose state HQ has just stored (a status report, uploaded transitions). */
export interface FleetEventMap {
  register: [registerId: string, storeId: string];
}

/**
 * Tells the console's open live streams that a register's state changed on HQ. Emitted only after the
 * write committed, so a listener that reads the register sees the new state. In-process: a console
 * connected to another HQ instance sees the change at its next heartbeat's read.
 */
export class FleetEvents {
  private readonly events = new EventEmitter<FleetEventMap>();

  constructor() {
    // One listener per open console stream: there is no sensible bound.
    this.events.setMaxListeners(0);
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
    return (this.events as EventEmitter).emit(event, ...args);
  }

  /** How many listen now (open streams); for tests and shutdown checks. */
  listeners(): number {
    return this.events.listenerCount('register');
  }
}
