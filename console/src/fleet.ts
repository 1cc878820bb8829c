/** What the registers' connectivity reasons mean to people, and the live stream of register states. */
import { useEffect, useRef } from 'react';
import { FleetLiveEventSchema, type ConsoleRegister } from '../../shared/hq/console';
import type { TFunction } from 'i18next';

/** "switched by Ana" (manual), "network", "service: payments". */
export function reasonText(t: TFunction, reason: string, switchedBy: string | null): string {
  if (reason === 'manual') return switchedBy ? t('reasons.switchedBy', { name: switchedBy }) : t('reasons.manual');
  if (reason === 'network') return t('reasons.network');
  if (reason.startsWith('service:')) return t('reasons.service', { domain: reason.slice('service:'.length) });
  return reason;
}

/** The kind a timeline colours by: the first reason decides (a manual switch outranks what else was wrong). */
export function reasonKind(reasons: string[]): 'manual' | 'network' | 'service' | 'other' {
  if (reasons.includes('manual')) return 'manual';
  if (reasons.includes('network')) return 'network';
  if (reasons.some((r) => r.startsWith('service:'))) return 'service';
  return 'other';
}

/** Calls `onRegister` with each register state HQ streams (`event: register`); EventSource reconnects by itself. */
export function useFleetStream(onRegister: (register: ConsoleRegister) => void, onOpen?: (open: boolean) => void): void {
  const listener = useRef(onRegister);
  const openListener = useRef(onOpen);
  useEffect(() => {
    listener.current = onRegister;
    openListener.current = onOpen;
  });
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/console/api/fleet/stream');
    source.addEventListener('register', (event) => {
      try {
        const parsed = FleetLiveEventSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
        if (parsed.success) listener.current(parsed.data);
      } catch {
        // A malformed event is dropped; the next one carries the register's whole state again.
      }
    });
    source.onopen = () => openListener.current?.(true);
    source.onerror = () => openListener.current?.(false);
    return () => source.close();
  }, []);
}
