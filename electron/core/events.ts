import type { KassaEvent } from '../../shared/api';

export type EventListener = (event: KassaEvent) => void;

/** Fans events from the core out to every connected renderer (Electron window or WebSocket client). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: KassaEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken connection must not stop the others from hearing the event.
      }
    }
  }
}
