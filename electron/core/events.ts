import type { KassaEvent } from '../../shared/api';

/**
 * Hears every event. `answered`: the connection whose call caused it and whose answer already carries it
 * (a window's scan gets the cart as its reply); a host does not send that connection the same thing again.
 */
export type EventListener = (event: KassaEvent, answered?: object) => void;

/** Fans events from the core out to every connected renderer (Electron window or WebSocket client). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `answered`: the caller's connection (`CallContext.origin`), which has this in its answer already. */
  emit(event: KassaEvent, answered?: object): void {
    for (const listener of this.listeners) {
      try {
        listener(event, answered);
      } catch {
        // One broken connection must not stop the others from hearing the event.
      }
    }
  }
}
