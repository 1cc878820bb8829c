/**
 * The sandboxed preload: exposes `window.kassa` (the KassaBridge from shared/) and nothing else. Channel
 * names come from the contract; anything else is refused before it reaches IPC.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { KassaEvent } from '../shared/api';
import type { KassaBridge } from '../shared/bridge';
import { EVENT_IPC_CHANNEL, isChannel } from '../shared/channels';

export const bridge: KassaBridge = {
  invoke(channel, input) {
    if (!isChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `There is no call named ${String(channel)}.` } });
    }
    return ipcRenderer.invoke(channel, input);
  },
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, payload: KassaEvent) => listener(payload);
    ipcRenderer.on(EVENT_IPC_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_IPC_CHANNEL, forward);
    };
  },
};

/**
 * A file dropped on the window would make the window navigate to it: the page takes no drops at all
 * (the main process refuses such a navigation too).
 */
export function refuseFileDrops(target: Pick<EventTarget, 'addEventListener'>): void {
  for (const type of ['dragover', 'drop']) target.addEventListener(type, (event) => event.preventDefault(), { capture: true });
}

contextBridge.exposeInMainWorld('kassa', bridge);
if (typeof window !== 'undefined') refuseFileDrops(window);
