import type { Connectivity } from '../../connectivity/connectivity';

/**
 * Whether a card can be authorised online right now, and why not in the cashier's words: asked of
 * connectivity, never of the network (online card payments need HQ's checkout service).
 */
export function cardOnline(connectivity: Pick<Connectivity, 'current' | 'isAvailable'>): { available: boolean; reason: string | null } {
  const state = connectivity.current();
  if (connectivity.isAvailable('checkout')) return { available: true, reason: null };
  if (state.reasons.includes('manual')) return { available: false, reason: 'The till is switched offline: card payments are stored and sent to HQ later.' };
  if (state.reasons.includes('network')) return { available: false, reason: 'HQ is not reachable: card payments are stored and sent to HQ later.' };
  return { available: false, reason: 'HQ reports the checkout service degraded: card payments are stored and sent to HQ later.' };
}
