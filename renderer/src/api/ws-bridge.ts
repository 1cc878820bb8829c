import type { KassaEvent } from '../../../shared/api';
import type { KassaBridge } from '../../../shared/bridge';
import type { ApiResult } from '../../../shared/errors';

type Pending = (result: ApiResult<unknown>) => void;

/**
 * The web host's side of `window.kassa`: the same calls over a WebSocket at /api (authenticated by the
 * launch token's cookie). Reconnects on its own; calls made while disconnected wait for the connection.
 */
export function createWebSocketBridge(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`): KassaBridge {
  const listeners = new Set<(event: KassaEvent) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: WebSocket;
  let opened: Promise<void>;

  const connect = () => {
    socket = new WebSocket(url);
    opened = new Promise((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(String(message.data)) as { id?: number; result?: ApiResult<unknown>; event?: KassaEvent };
      if (data.event) for (const listener of listeners) listener(data.event);
      else if (typeof data.id === 'number' && data.result) {
        pending.get(data.id)?.(data.result);
        pending.delete(data.id);
      }
    });
    socket.addEventListener('close', () => {
      for (const [id, settle] of pending) {
        settle({ ok: false, error: { code: 'INTERNAL', message: 'The connection to the register was interrupted. Try again.' } });
        pending.delete(id);
      }
      setTimeout(connect, 500);
    });
  };
  connect();

  const send = (channel: string, input: unknown) =>
    new Promise<ApiResult<unknown>>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, channel, input }));
    });

  return {
    invoke(channel, input) {
      // Connected: sent at once, so a scan is on its way before the screen that sent it re-renders.
      const result = socket.readyState === WebSocket.OPEN ? send(channel, input) : opened.then(() => send(channel, input));
      return result as never;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
