import type { ChannelInput, ChannelOutput } from '../../../shared/api';
import type { KassaBridge } from '../../../shared/bridge';
import type { Channel } from '../../../shared/channels';
import type { ApiError } from '../../../shared/errors';
import { i18next } from '../i18n';
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

/**
 * The sentence a person reads for a failed call, in the register's language. The register's own message
 * is English and often more specific (it names the barcode or the limit), so English shows it as is;
 * other languages translate by code (namespace `errors`) and fall back to the English message for a code
 * that has no translation yet.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof CallError)) return error instanceof Error ? error.message : String(error);
  if (i18next.language === 'en' && error.message) return error.message;
  const key = `errors:${error.code}`;
  return i18next.exists(key) ? i18next.t(key) : error.message;
}
