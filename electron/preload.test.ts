import type { IpcRendererEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { KassaEvent } from '../shared/api';
import { EVENT_IPC_CHANNEL, type Channel } from '../shared/channels';
import { bridge, refuseFileDrops } from './preload';

type Forward = (event: IpcRendererEvent, payload: KassaEvent) => void;

// Electron does not run under Vitest: the preload gets a stand-in contextBridge and ipcRenderer.
const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: {
    invoke: vi.fn((_channel: string, _input: unknown): Promise<unknown> => Promise.resolve(undefined)),
    on: vi.fn(),
    removeListener: vi.fn(),
  },
}));

vi.mock('electron', () => electron);

describe('preload', () => {
  beforeEach(() => {
    electron.ipcRenderer.invoke.mockClear();
    electron.ipcRenderer.on.mockClear();
    electron.ipcRenderer.removeListener.mockClear();
  });

  it("exposes the bridge to the page as window.kassa, and only that", () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledWith('kassa', bridge);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvent']);
  });

  it('refuses an unknown channel without touching IPC', async () => {
    for (const channel of ['fs.readFile', 'kassa:event', '', 'constructor']) {
      await expect(bridge.invoke(channel as Channel, {} as never)).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('forwards a known channel to ipcRenderer.invoke and returns its answer', async () => {
    const answer = { ok: true, value: { lines: [] } };
    electron.ipcRenderer.invoke.mockResolvedValueOnce(answer);
    await expect(bridge.invoke('cart.scan', { code: '4006381333931' })).resolves.toBe(answer);
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('cart.scan', { code: '4006381333931' });
  });

  it('subscribes to events on the event channel and unsubscribes the same listener', () => {
    const listener = vi.fn();
    const stop = bridge.onEvent(listener);
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [channel, forward] = electron.ipcRenderer.on.mock.calls[0] as [string, Forward];
    expect(channel).toBe(EVENT_IPC_CHANNEL);
    expect(channel).toBe('kassa:event');

    const event = { name: 'connectivity.changed', payload: { online: false } } as unknown as KassaEvent;
    forward({} as IpcRendererEvent, event);
    // The page gets the payload only, never Electron's IPC event object (it carries `sender`).
    expect(listener).toHaveBeenCalledWith(event);
    expect(listener.mock.calls[0]).toHaveLength(1);

    stop();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(EVENT_IPC_CHANNEL, forward);
  });

  it('refuses a file dropped on the window, so the window never navigates to it', () => {
    const page = new EventTarget();
    refuseFileDrops(page);
    for (const type of ['dragover', 'drop']) {
      const event = new Event(type, { cancelable: true });
      page.dispatchEvent(event);
      expect(event.defaultPrevented).toBe(true);
    }
    const other = new Event('click', { cancelable: true });
    page.dispatchEvent(other);
    expect(other.defaultPrevented).toBe(false);
  });
});
