import type { ChannelInput, ChannelOutput } from '../../../shared/api';
import type { KassaBridge } from '../../../shared/bridge';
import type { Channel } from '../../../shared/channels';
import type { ApiError } from '../../../shared/errors';
import { createWebSocketBridge } from './ws-bridge';

declare global {
  interface Window {
    kassa?: KassaBridge;
  }
}

/** A failed call, carrying the register's error code and its sentence for the cashier. */
export class CallError extends Error {
  readonly code: ApiError['code'];
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
  }
}

let webSocketBridge: KassaBridge | undefined;

/** `window.kassa` in Electron; the WebSocket bridge in the browser preview. */
export function getBridge(): KassaBridge {
  if (window.kassa) return window.kassa;
  webSocketBridge ??= createWebSocketBridge();
  return webSocketBridge;
}

/** Calls the register and returns the value, or throws a CallError the screen can show. */
export async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await getBridge().invoke(channel, input);
  if (!result.ok) throw new CallError(result.error);
  return result.value;
}
