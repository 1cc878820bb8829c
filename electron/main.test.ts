import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, EVENT_IPC_CHANNEL } from '../shared/channels';
import type { KassaCore } from './core/kassa-core';
import { DataFolderLockedError, lockDataFolder } from './core/data-lock';
import { makeTempDir } from './test/factories';
import { applySessionPolicy, applyShellMode, createMainWindow, DebuggingSwitchError, refuseDebuggingSwitches, failStart, forwardConnectivityHints, isTrustedSender, printReceiptSilently, registerIpc, wireAutoUpdates, type AppPage, type ShellMode } from './main';
import type { Logger } from './core/logger';
import type { RegisterActivity } from './updates/update-policy';
import { updateSignedMessage } from './updates/update-signature';

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };
type NavigationEvent = { preventDefault: () => void };
type KeyInput = { type?: string; key: string; code: string; control: boolean; meta: boolean; shift: boolean; alt: boolean };
type Listener = (event: NavigationEvent, detail: string & KeyInput) => void;
type HeadersListener = (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void;
type PermissionHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type IpcHandler = (event: IpcMainInvokeEvent, input: unknown) => unknown;

// A stand-in for the parts of Electron main.ts touches; Electron itself does not run under Vitest.
const electron = vi.hoisted(() => {
  class FakeWebContents {
    windowOpenHandler: WindowOpenHandler | undefined;
    readonly listeners = new Map<string, Listener>();
    mainFrame: { url: string } = { url: 'file:///opt/kassa/resources/app.asar/out/renderer/index.html' };
    readonly setWindowOpenHandler = vi.fn((handler: WindowOpenHandler) => {
      this.windowOpenHandler = handler;
    });
    readonly on = vi.fn((name: string, listener: Listener) => {
      this.listeners.set(name, listener);
      return this;
    });
    readonly send = vi.fn();
    readonly print = vi.fn((_options: Record<string, unknown>, callback: (success: boolean, failureReason: string) => void) => callback(true, ''));
  }

  class FakeBrowserWindow {
    static instances: FakeBrowserWindow[] = [];
    static readonly fromWebContents = vi.fn((contents: unknown) => FakeBrowserWindow.instances.find((w) => w.webContents === contents) ?? null);
    readonly webContents = new FakeWebContents();
    readonly once = vi.fn();
    readonly show = vi.fn();
    readonly loadURL = vi.fn(() => Promise.resolve());
    readonly loadFile = vi.fn(() => Promise.resolve());
    readonly isDestroyed = vi.fn(() => false);
    readonly destroy = vi.fn();
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      FakeBrowserWindow.instances.push(this);
    }
  }

  function fakeSession() {
    let headersListener: HeadersListener | undefined;
    let permissionHandler: PermissionHandler | undefined;
    return {
      webRequest: {
        onHeadersReceived: vi.fn((listener: HeadersListener) => {
          headersListener = listener;
        }),
      },
      setPermissionRequestHandler: vi.fn((handler: PermissionHandler) => {
        permissionHandler = handler;
      }),
      get headersListener() {
        return headersListener;
      },
      get permissionHandler() {
        return permissionHandler;
      },
    };
  }

  return {
    FakeBrowserWindow,
    fakeSession,
    module: {
      app: { requestSingleInstanceLock: vi.fn(() => true), whenReady: vi.fn(() => Promise.resolve()), on: vi.fn(), quit: vi.fn(), exit: vi.fn(), getPath: vi.fn(() => '/home/kassa/Documents') },
      BrowserWindow: FakeBrowserWindow,
      Menu: { setApplicationMenu: vi.fn() },
      safeStorage: { isEncryptionAvailable: vi.fn(() => false) },
      ipcMain: { handle: vi.fn() },
      session: { defaultSession: fakeSession() },
      shell: { openExternal: vi.fn(() => Promise.resolve()) },
      dialog: { showSaveDialog: vi.fn((_options: Record<string, unknown>) => Promise.resolve({ canceled: true, filePath: '' })), showErrorBox: vi.fn() },
      net: { isOnline: vi.fn(() => true) },
      powerMonitor: { on: vi.fn(), removeListener: vi.fn() },
    },
  };
});

vi.mock('electron', () => electron.module);
// electron-updater needs a packaged Electron app; the register only talks to its autoUpdater.
const updater = vi.hoisted(() => ({
  autoDownload: false,
  autoInstallOnAppQuit: true,
  setFeedURL: vi.fn(),
  checkForUpdates: vi.fn(() => Promise.resolve(null)),
  quitAndInstall: vi.fn(),
  on: vi.fn(),
}));
vi.mock('electron-updater', () => ({ default: { autoUpdater: updater } }));

type FakeWindow = InstanceType<typeof electron.FakeBrowserWindow>;

const APP_FILE = 'file:///opt/kassa/resources/app.asar/out/renderer/index.html';
const RENDERER_FILE = '/opt/kassa/resources/app.asar/out/renderer/index.html';
const PRELOAD = '/opt/kassa/resources/app.asar/out/preload/preload.cjs';
const PACKAGED: AppPage = { kind: 'file', file: RENDERER_FILE };
const INSTALLED: ShellMode = { packaged: true, debug: false };

function openWindow(rendererUrl?: string, mode: ShellMode = INSTALLED): FakeWindow {
  createMainWindow(PRELOAD, rendererUrl ? { kind: 'dev', url: rendererUrl } : PACKAGED, mode);
  const window = electron.FakeBrowserWindow.instances.at(-1);
  if (!window) throw new Error('createMainWindow did not create a BrowserWindow');
  return window;
}

const asWindow = (window: FakeWindow | null) => window as unknown as BrowserWindow | null;
const ipcEvent = (sender: FakeWindow['webContents'], senderFrame: { url: string } | null) => ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;

beforeEach(() => {
  vi.clearAllMocks();
  electron.FakeBrowserWindow.instances = [];
});

describe('createMainWindow', () => {
  it('creates a sandboxed, context-isolated window without Node, with our preload', () => {
    const window = openWindow();
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      preload: PRELOAD,
    });
  });

  it('loads the packaged page, or the dev server when one is given', () => {
    const packaged = openWindow();
    expect(packaged.loadFile).toHaveBeenCalledWith('/opt/kassa/resources/app.asar/out/renderer/index.html');
    expect(packaged.loadURL).not.toHaveBeenCalled();
    const dev = openWindow('http://localhost:5173/');
    expect(dev.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
  });
});

describe('window lock-down', () => {
  it('denies every new window and opens nothing outside the app, not even an https link', () => {
    const handler = openWindow().webContents.windowOpenHandler;
    expect(handler).toBeDefined();
    for (const url of ['https://example.com/help', 'http://example.com/', APP_FILE, 'file:///etc/passwd', 'javascript:alert(1)', 'smb://server/share']) {
      expect(handler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(electron.module.shell.openExternal).not.toHaveBeenCalled();
  });

  it('prevents navigation away from the app but not within it', () => {
    const navigate = openWindow().webContents.listeners.get('will-navigate');
    expect(navigate).toBeDefined();

    const foreign = { preventDefault: vi.fn() };
    navigate?.(foreign, 'https://evil.example/login' as never);
    expect(foreign.preventDefault).toHaveBeenCalled();

    const own = { preventDefault: vi.fn() };
    navigate?.(own, `${APP_FILE}#/checkout` as never);
    expect(own.preventDefault).not.toHaveBeenCalled();
  });

  it("treats only the renderer's own index.html as the app, not any other file (a dropped file, a page beside it)", () => {
    const contents = openWindow().webContents;
    for (const name of ['will-navigate', 'will-redirect'] as const) {
      const listener = contents.listeners.get(name);
      expect(listener, name).toBeDefined();
      for (const url of [
        'file:///home/ana/Downloads/pin-guesser.html',
        'file:///opt/kassa/resources/app.asar/out/renderer/other.html',
        'file:///opt/kassa/resources/app.asar/out/renderer/index.html.evil.html',
        'file:///opt/kassa/resources/app.asar/out/renderer/../../../../../tmp/index.html',
        'file:///opt/kassa/resources/app.asar/out/renderer/index.html/',
        `${APP_FILE}?inject=1`,
        'file://fileserver/opt/kassa/resources/app.asar/out/renderer/index.html',
        'https://evil.example/',
      ]) {
        const event = { preventDefault: vi.fn() };
        listener?.(event, url as never);
        expect(event.preventDefault, `${name} ${url}`).toHaveBeenCalled();
      }
      for (const url of [`${APP_FILE}#/login`, 'file:///opt/kassa/resources/app.asar/out/renderer/./index.html#/checkout', 'file:///opt/kassa/resources/app.asar/out/renderer/%69ndex.html']) {
        const own = { preventDefault: vi.fn() };
        listener?.(own, url as never);
        expect(own.preventDefault, url).not.toHaveBeenCalled();
      }
    }
  });

  it("reads the target from the navigation's details when Electron gives them", () => {
    const navigate = openWindow().webContents.listeners.get('will-navigate');
    const event = { url: 'file:///tmp/dropped.html', preventDefault: vi.fn() };
    navigate?.(event, APP_FILE as never);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('while developing, treats only the dev server origin as the app', () => {
    const navigate = openWindow('http://localhost:5173/', { packaged: false, debug: false }).webContents.listeners.get('will-navigate');
    const own = { preventDefault: vi.fn() };
    navigate?.(own, 'http://localhost:5173/#/checkout' as never);
    expect(own.preventDefault).not.toHaveBeenCalled();

    for (const url of ['http://localhost:5174/', APP_FILE, 'https://evil.example/']) {
      const event = { preventDefault: vi.fn() };
      navigate?.(event, url as never);
      expect(event.preventDefault).toHaveBeenCalled();
    }
  });
});

describe('an installed register is locked down for the till', () => {
  const log = { info: vi.fn(), warn: vi.fn() } as unknown as Logger & { warn: ReturnType<typeof vi.fn> };
  const key = (code: string, mods: Partial<KeyInput> = {}): KeyInput => ({
    type: 'keyDown',
    key: code.replace(/^Key/, '').toLowerCase(),
    code,
    control: false,
    meta: false,
    shift: false,
    alt: false,
    ...mods,
  });
  const DEVELOPER_KEYS: KeyInput[] = [
    key('F5'),
    key('F12'),
    key('KeyR', { control: true }),
    key('KeyR', { control: true, shift: true }),
    key('KeyR', { meta: true }),
    key('KeyI', { control: true, shift: true }),
    key('KeyJ', { control: true, shift: true }),
    key('KeyC', { control: true, shift: true }),
    key('KeyI', { meta: true, alt: true }),
  ];
  const TILL_KEYS: KeyInput[] = [key('KeyR'), key('Digit1'), key('Enter'), key('KeyC', { control: true }), key('KeyV', { control: true }), key('KeyI', { shift: true })];
  const pressed = (window: FakeWindow, input: KeyInput) => {
    const event = { preventDefault: vi.fn() };
    window.webContents.listeners.get('before-input-event')?.(event, input as never);
    return event.preventDefault.mock.calls.length > 0;
  };

  it('packaged: no menu, DevTools off, and the reload and DevTools keys are swallowed (till keys are not)', () => {
    applyShellMode(INSTALLED, log);
    expect(electron.module.Menu.setApplicationMenu).toHaveBeenCalledWith(null);
    const window = openWindow(undefined, INSTALLED);
    expect(window.options.webPreferences).toMatchObject({ devTools: false, contextIsolation: true, sandbox: true, nodeIntegration: false });
    for (const input of DEVELOPER_KEYS) expect(pressed(window, input), JSON.stringify(input)).toBe(true);
    for (const input of TILL_KEYS) expect(pressed(window, input), JSON.stringify(input)).toBe(false);
  });

  it('packaged with --debug (for support): menu, DevTools and keys stay, and the log says so loudly', () => {
    const debug: ShellMode = { packaged: true, debug: true };
    applyShellMode(debug, log);
    expect(electron.module.Menu.setApplicationMenu).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ debug: true }), expect.stringMatching(/--debug.*DevTools/));
    const window = openWindow(undefined, debug);
    expect(window.options.webPreferences).toMatchObject({ devTools: true, contextIsolation: true, sandbox: true, nodeIntegration: false });
    for (const input of DEVELOPER_KEYS) expect(pressed(window, input)).toBe(false);
  });

  it('while developing (not packaged), with or without --debug, DevTools and the menu stay and nothing is logged as a warning', () => {
    for (const debug of [false, true]) {
      vi.clearAllMocks();
      const mode: ShellMode = { packaged: false, debug };
      applyShellMode(mode, log);
      expect(electron.module.Menu.setApplicationMenu).not.toHaveBeenCalled();
      expect(log.warn).not.toHaveBeenCalled();
      const window = openWindow('http://localhost:5173/', mode);
      expect(window.options.webPreferences).toMatchObject({ devTools: true });
      expect(pressed(window, key('F12'))).toBe(false);
    }
  });

  it('refuses to start an installed register with a remote debugger or inspector switch, unless --debug', () => {
    const given = (...names: string[]) => (name: string) => names.includes(name);
    for (const name of ['remote-debugging-port', 'remote-debugging-pipe', 'inspect', 'inspect-brk']) {
      expect(() => refuseDebuggingSwitches(INSTALLED, given(name)), name).toThrow(DebuggingSwitchError);
    }
    expect(() => refuseDebuggingSwitches(INSTALLED, given('remote-debugging-port'))).toThrow(/--remote-debugging-port, which lets another program control it/);
    expect(() => refuseDebuggingSwitches(INSTALLED, given('disable-gpu', 'lang'))).not.toThrow();
    expect(() => refuseDebuggingSwitches({ packaged: true, debug: true }, given('remote-debugging-port'))).not.toThrow();
    expect(() => refuseDebuggingSwitches({ packaged: false, debug: false }, given('inspect'))).not.toThrow();
  });

  it('a start refused for a debugging switch says why in a dialog and exits non-zero', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      failStart(new DebuggingSwitchError(['remote-debugging-port']), { fatal: vi.fn() } as unknown as Logger);
    } finally {
      stderr.mockRestore();
    }
    expect(electron.module.dialog.showErrorBox).toHaveBeenCalledWith('Kassa cannot start like this', expect.stringContaining('--remote-debugging-port'));
    expect(electron.module.app.exit).toHaveBeenCalledWith(1);
  });

  it('the receipt window has DevTools off in every mode', async () => {
    await printReceiptSilently('<p>receipt</p>', '');
    expect(electron.FakeBrowserWindow.instances.at(-1)?.options.webPreferences).toMatchObject({ devTools: false, javascript: false });
  });
});

describe('applySessionPolicy', () => {
  it("adds a Content-Security-Policy with default-src 'self' to every response", () => {
    const session = electron.fakeSession();
    applySessionPolicy(session as unknown as Electron.Session);
    const callback = vi.fn();
    session.headersListener?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledTimes(1);
    const headers = callback.mock.calls[0]?.[0]?.responseHeaders as Record<string, string[]>;
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(headers['Content-Security-Policy']).toHaveLength(1);
    expect(headers['Content-Security-Policy']?.[0]).toContain("default-src 'self'");
  });

  it('refuses every permission request', () => {
    const session = electron.fakeSession();
    applySessionPolicy(session as unknown as Electron.Session);
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      const callback = vi.fn();
      session.permissionHandler?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
  });

  it('uses the default session when none is given', () => {
    applySessionPolicy();
    expect(electron.module.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);
    expect(electron.module.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
  });
});

describe('isTrustedSender', () => {
  it("trusts the main frame of the main window showing the app's page", () => {
    const window = openWindow();
    expect(isTrustedSender(ipcEvent(window.webContents, window.webContents.mainFrame), asWindow(window), PACKAGED)).toBe(true);
  });

  it('does not trust another window', () => {
    const window = openWindow();
    const other = openWindow();
    expect(isTrustedSender(ipcEvent(other.webContents, other.webContents.mainFrame), asWindow(window), PACKAGED)).toBe(false);
  });

  it('does not trust a subframe of the main window', () => {
    const window = openWindow();
    const subframe = { url: APP_FILE };
    expect(isTrustedSender(ipcEvent(window.webContents, subframe), asWindow(window), PACKAGED)).toBe(false);
  });

  it('does not trust the main frame once it shows a foreign page', () => {
    const window = openWindow();
    window.webContents.mainFrame = { url: 'https://evil.example/' };
    expect(isTrustedSender(ipcEvent(window.webContents, window.webContents.mainFrame), asWindow(window), PACKAGED)).toBe(false);
  });

  it('does not trust anything when there is no window or no frame', () => {
    const window = openWindow();
    expect(isTrustedSender(ipcEvent(window.webContents, window.webContents.mainFrame), null, PACKAGED)).toBe(false);
    expect(isTrustedSender(ipcEvent(window.webContents, null), asWindow(window), PACKAGED)).toBe(false);
  });
});

describe('registerIpc', () => {
  function fakeCore() {
    return { dispatch: vi.fn(() => Promise.resolve({ ok: true, value: null })), events: { subscribe: vi.fn() } };
  }

  function handlers(): Map<string, IpcHandler> {
    const calls = electron.module.ipcMain.handle.mock.calls as unknown as [string, IpcHandler][];
    return new Map(calls);
  }

  it('registers exactly one handler per channel', () => {
    registerIpc(fakeCore() as unknown as KassaCore, () => null, PACKAGED);
    const channels = (electron.module.ipcMain.handle.mock.calls as unknown as [string][]).map(([channel]) => channel);
    expect(channels).toHaveLength(CHANNELS.length);
    expect([...channels].sort()).toEqual([...CHANNELS].sort());
  });

  it('passes the call to the core with whether the sender is trusted', async () => {
    const core = fakeCore();
    const window = openWindow();
    const other = openWindow();
    registerIpc(core as unknown as KassaCore, () => asWindow(window), PACKAGED);
    const scan = handlers().get('cart.scan');
    expect(scan).toBeDefined();

    await scan?.(ipcEvent(window.webContents, window.webContents.mainFrame), { code: '4006381333931' });
    expect(core.dispatch).toHaveBeenLastCalledWith('cart.scan', { code: '4006381333931' }, { host: 'electron', trustedSender: true, origin: window.webContents });

    await scan?.(ipcEvent(other.webContents, other.webContents.mainFrame), { code: '4006381333931' });
    expect(core.dispatch).toHaveBeenLastCalledWith('cart.scan', { code: '4006381333931' }, { host: 'electron', trustedSender: false, origin: other.webContents });
  });

  it("forwards the core's events to the window on the event channel", () => {
    const core = fakeCore();
    const window = openWindow();
    registerIpc(core as unknown as KassaCore, () => asWindow(window), PACKAGED);
    expect(core.events.subscribe).toHaveBeenCalledTimes(1);
    const forward = (core.events.subscribe.mock.calls as unknown as [(event: unknown) => void][])[0]?.[0];
    const event = { name: 'connectivity.changed', payload: { online: false } };
    forward?.(event);
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_IPC_CHANNEL, event);
  });

  it('does not send the window an event its own call caused: the answer carried it', () => {
    const core = fakeCore();
    const window = openWindow();
    const other = openWindow();
    registerIpc(core as unknown as KassaCore, () => asWindow(window), PACKAGED);
    const forward = (core.events.subscribe.mock.calls as unknown as [(event: unknown, answered?: object) => void][])[0]?.[0];
    const event = { name: 'cart.changed', payload: { id: 's1' } };
    forward?.(event, window.webContents);
    expect(window.webContents.send).not.toHaveBeenCalled();
    forward?.(event, other.webContents);
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_IPC_CHANNEL, event);
  });
});

describe('forwardConnectivityHints', () => {
  it('turns resume from sleep and a change of net.isOnline() into probe hints, and stops cleanly', () => {
    vi.useFakeTimers();
    try {
      const hint = vi.fn();
      const stop = forwardConnectivityHints({ connectivity: { hint } } as unknown as Pick<KassaCore, 'connectivity'>, 1000);
      const [, onResume] = electron.module.powerMonitor.on.mock.calls.find(([name]) => name === 'resume') as unknown as [string, () => void];
      onResume();
      expect(hint).toHaveBeenLastCalledWith('resumed from sleep');
      electron.module.net.isOnline.mockReturnValue(false);
      vi.advanceTimersByTime(1000);
      expect(hint).toHaveBeenLastCalledWith('the OS reports no network');
      vi.advanceTimersByTime(3000);
      expect(hint).toHaveBeenCalledTimes(2);
      stop();
      expect(electron.module.powerMonitor.removeListener).toHaveBeenCalledWith('resume', onResume);
      electron.module.net.isOnline.mockReturnValue(true);
      vi.advanceTimersByTime(3000);
      expect(hint).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('saveWithDialog', () => {
  it('writes the support bundle where the manager chose and says where', async () => {
    const { saveWithDialog } = await import('./main');
    electron.module.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/media/usb/kassa-support.zip' });
    const write = vi.fn(() => Promise.resolve());
    const bytes = new Uint8Array([80, 75, 5, 6]);
    await expect(saveWithDialog('kassa-support.zip', bytes, write)).resolves.toBe('/media/usb/kassa-support.zip');
    expect(electron.module.dialog.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: '/home/kassa/Documents/kassa-support.zip' }));
    expect(write).toHaveBeenCalledWith('/media/usb/kassa-support.zip', bytes);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    const { saveWithDialog } = await import('./main');
    electron.module.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    const write = vi.fn(() => Promise.resolve());
    await expect(saveWithDialog('kassa-support.zip', new Uint8Array(1), write)).resolves.toBeNull();
    expect(write).not.toHaveBeenCalled();
  });
});

describe('printReceiptSilently', () => {
  const html = '<!doctype html><html><body><main class="receipt">S01-R01-7</main></body></html>';
  const printWindow = () => {
    const window = electron.FakeBrowserWindow.instances.at(-1);
    if (!window) throw new Error('printReceiptSilently did not create a BrowserWindow');
    return window;
  };

  it('prints the receipt without a dialog to the configured printer from a hidden window with JavaScript off, then closes it', async () => {
    await printReceiptSilently(html, 'EPSON TM-T20III');
    const window = printWindow();
    expect(window.options).toMatchObject({ show: false, webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect(window.options.webPreferences).not.toHaveProperty('preload');
    expect(window.loadURL).toHaveBeenCalledWith(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    expect(window.webContents.print).toHaveBeenCalledWith(expect.objectContaining({ silent: true, deviceName: 'EPSON TM-T20III' }), expect.any(Function));
    expect(window.loadURL.mock.invocationCallOrder[0]).toBeLessThan(window.webContents.print.mock.invocationCallOrder[0]!);
    expect(window.destroy).toHaveBeenCalledTimes(1);
  });

  it("with no printer configured, leaves the choice to the system's default printer", async () => {
    await printReceiptSilently(html, '');
    const [options] = printWindow().webContents.print.mock.calls[0]!;
    expect(options).toMatchObject({ silent: true });
    expect(options).not.toHaveProperty('deviceName');
  });

  it("is locked down like the main window: no new windows, no navigation away", async () => {
    await printReceiptSilently(html, '');
    const contents = printWindow().webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const event = { preventDefault: vi.fn() };
    contents.listeners.get('will-navigate')?.(event, 'https://evil.example/' as never);
    expect(event.preventDefault).toHaveBeenCalled();
    const toFile = { preventDefault: vi.fn() };
    contents.listeners.get('will-navigate')?.(toFile, APP_FILE as never);
    expect(toFile.preventDefault).toHaveBeenCalled();
  });

  it("rejects with the printer's reason when the job fails, and still closes the window", async () => {
    const failing = printReceiptSilently(html, 'Missing printer');
    // The window exists synchronously; make its print fail before the load resolves.
    printWindow().webContents.print.mockImplementation((_options, callback) => callback(false, 'Invalid deviceName provided'));
    await expect(failing).rejects.toThrow('Invalid deviceName provided');
    expect(printWindow().destroy).toHaveBeenCalledTimes(1);
  });
});

describe('wireAutoUpdates', () => {
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as Logger;
  const core = (url: string | undefined, activity: RegisterActivity) => {
    let listener: (() => void) | undefined;
    return {
      settings: { updates: { url } },
      activity: () => activity,
      events: {
        subscribe: vi.fn((l: () => void) => {
          listener = l;
          return () => undefined;
        }),
      },
      fire: () => listener?.(),
    };
  };
  const saleOpen: RegisterActivity = { cartLines: 3, salePayments: 1, online: true, pendingUploads: 0, signedIn: true, locked: false };
  const release = generateKeyPairSync('ed25519');
  const releaseKey = release.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  /** An installer electron-updater downloaded, and the feed serving its signature (by `signer`). */
  function downloadedInstaller(signer = release.privateKey) {
    const { dir, cleanup } = makeTempDir('kassa-main-update-');
    const file = path.join(dir, 'Kassa-0.2.0.AppImage');
    const bytes = Buffer.from('Kassa 0.2.0');
    fs.writeFileSync(file, bytes);
    const sig = sign(null, updateSignedMessage('Kassa-0.2.0.AppImage', createHash('sha512').update(bytes).digest('base64')), signer).toString('base64');
    const fetch = vi.spyOn(globalThis, 'fetch').mockImplementation((url) =>
      Promise.resolve(String(url) === 'https://updates.example.com/kassa/Kassa-0.2.0.AppImage.sig' ? new Response(sig) : new Response('', { status: 404 })),
    );
    return {
      file,
      cleanup: () => {
        fetch.mockRestore();
        cleanup();
      },
    };
  }
  const downloaded = (file: string) =>
    (updater.on.mock.calls.find(([event]) => event === 'update-downloaded')?.[1] as (info: { version: string; downloadedFile: string }) => void)({ version: '0.2.0', downloadedFile: file });

  it('is off without updates.url, and off in a development run even with one', () => {
    for (const [url, packaged] of [[undefined, true], ['https://updates.example.com/kassa/', false]] as const) {
      const c = core(url, saleOpen);
      wireAutoUpdates(c as never, packaged, log)();
      expect(updater.setFeedURL).not.toHaveBeenCalled();
      expect(updater.checkForUpdates).not.toHaveBeenCalled();
      expect(c.events.subscribe).not.toHaveBeenCalled();
    }
  });

  it("with a feed, checks electron-updater's generic feed and holds a signed, downloaded update while a sale is open", async () => {
    const installer = downloadedInstaller();
    try {
      const activity = { ...saleOpen };
      const c = core('https://updates.example.com/kassa/', activity);
      const stop = wireAutoUpdates(c as never, true, log, undefined, [releaseKey]);
      expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example.com/kassa/' });
      expect(updater.checkForUpdates).toHaveBeenCalled();
      downloaded(installer.file);
      await vi.waitFor(() => expect(log.info).toHaveBeenCalledWith(expect.anything(), expect.stringContaining('signature checked')));
      c.fire();
      expect(updater.quitAndInstall).not.toHaveBeenCalled();
      Object.assign(activity, { cartLines: 0, salePayments: 0, signedIn: false });
      c.fire();
      expect(updater.quitAndInstall).toHaveBeenCalledWith(true, true);
      stop();
    } finally {
      installer.cleanup();
    }
  });

  it('never installs an update not signed by a release key, nor any update when this version has none', async () => {
    for (const [signer, keys] of [
      [generateKeyPairSync('ed25519').privateKey, [releaseKey]],
      [release.privateKey, undefined],
    ] as const) {
      vi.clearAllMocks();
      const installer = downloadedInstaller(signer);
      try {
        const c = core('https://updates.example.com/kassa/', { ...saleOpen, cartLines: 0, salePayments: 0, signedIn: false });
        const stop = wireAutoUpdates(c as never, true, log, undefined, keys);
        downloaded(installer.file);
        await vi.waitFor(() => expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ version: '0.2.0' }), expect.stringContaining('refused')));
        c.fire();
        expect(updater.quitAndInstall).not.toHaveBeenCalled();
        stop();
      } finally {
        installer.cleanup();
      }
    }
  });
});

describe('failStart', () => {
  const log = { fatal: vi.fn() } as unknown as Logger;

  it('names the register already running on the data folder in an error dialog and exits non-zero', () => {
    const { dir, cleanup } = makeTempDir('kassa-main-lock-');
    const held = lockDataFolder(dir);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      let refused: unknown;
      try {
        lockDataFolder(dir);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(DataFolderLockedError);
      failStart(refused, log);
      expect(electron.module.dialog.showErrorBox).toHaveBeenCalledWith('Kassa is already running', expect.stringContaining(`Kassa is already running on this data folder (${dir}): process ${process.pid}`));
      expect(electron.module.app.exit).toHaveBeenCalledWith(1);
      expect(stderr).toHaveBeenCalledWith(expect.stringContaining('Close it first'));
    } finally {
      stderr.mockRestore();
      held.release();
      cleanup();
    }
  });

  it('exits non-zero without a dialog for other failures (they are logged)', () => {
    electron.module.dialog.showErrorBox.mockClear();
    electron.module.app.exit.mockClear();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      failStart(new Error('settings.json: store.code must be 1 to 12 letters or digits'), log);
    } finally {
      stderr.mockRestore();
    }
    expect(electron.module.dialog.showErrorBox).not.toHaveBeenCalled();
    expect(electron.module.app.exit).toHaveBeenCalledWith(1);
  });
});
