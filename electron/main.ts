/**
 * The Electron adapter: one locked-down window over the same register core the web host runs. Only this
 * file and preload.ts import electron.
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, net, powerMonitor, session, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import electronUpdater from 'electron-updater';
import { CHANNELS, EVENT_IPC_CHANNEL } from '../shared/channels';
import { readRegisterConfig } from './core/config';
import { DataFolderLockedError } from './core/data-lock';
import { createKassaCore, type KassaCore } from './core/kassa-core';
import { createLogger, type Logger } from './core/logger';
import { CONTENT_SECURITY_POLICY } from './host/csp';
import { electronNativeBinding } from './host/native-binding';
import { startAutoUpdates, type Updater } from './updates/auto-update';

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webviewTag: false,
  spellcheck: false,
} as const;

/** The renderer's own pages: the packaged files, or the electron-vite dev server while developing. */
export function isAppUrl(url: string, rendererUrl: string | undefined): boolean {
  try {
    const target = new URL(url);
    if (rendererUrl) return target.origin === new URL(rendererUrl).origin;
    return target.protocol === 'file:';
  } catch {
    return false;
  }
}

export function createMainWindow(preloadPath: string, rendererUrl: string | undefined, rendererFile: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    backgroundColor: '#f4f5f7',
    title: 'Kassa',
    autoHideMenuBar: true,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: preloadPath },
  });
  lockDown(window.webContents, rendererUrl);
  window.once('ready-to-show', () => window.show());
  if (rendererUrl) void window.loadURL(rendererUrl);
  else void window.loadFile(rendererFile);
  return window;
}

/**
 * Prints a receipt without a dialog: a hidden window with JavaScript off loads the receipt's HTML as a
 * data URL and sends it to the printer named in settings (empty: the system's default printer).
 */
export async function printReceiptSilently(html: string, deviceName: string): Promise<void> {
  const window = new BrowserWindow({ show: false, width: 320, height: 800, title: 'Receipt', webPreferences: { ...SECURE_WEB_PREFERENCES, javascript: false } });
  lockDown(window.webContents, undefined);
  try {
    await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    await new Promise<void>((resolve, reject) => {
      window.webContents.print({ silent: true, printBackground: false, ...(deviceName ? { deviceName } : {}) }, (success, failureReason) =>
        success ? resolve() : reject(new Error(failureReason || 'the printer did not take the receipt')),
      );
    });
  } finally {
    if (!window.isDestroyed()) window.destroy();
  }
}

/**
 * The support bundle's save dialog: the manager chooses where the zip goes (a USB stick for IT, say).
 * Resolves to the path written, or null when the dialog was cancelled.
 */
export async function saveWithDialog(suggestedName: string, bytes: Uint8Array, write: (file: string, data: Uint8Array) => Promise<void> = fs.promises.writeFile): Promise<string | null> {
  const result = await dialog.showSaveDialog({
    title: 'Save support bundle',
    defaultPath: path.join(app.getPath('documents'), suggestedName),
    filters: [{ name: 'Zip', extensions: ['zip'] }],
  });
  if (result.canceled || !result.filePath) return null;
  await write(result.filePath, bytes);
  return result.filePath;
}

/** No new windows, no navigation away from the app, no permission prompts. */
export function lockDown(contents: WebContents, rendererUrl: string | undefined): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Sets the CSP on every response and refuses every permission request (camera, notifications, …). */
export function applySessionPolicy(target: Electron.Session = session.defaultSession): void {
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

/** A call is trusted only from our main window's own top frame showing our own page. */
export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null, rendererUrl: string | undefined): boolean {
  if (!window || BrowserWindow.fromWebContents(event.sender) !== window) return false;
  const frame = event.senderFrame;
  return !!frame && frame === event.sender.mainFrame && isAppUrl(frame.url, rendererUrl);
}

export function registerIpc(core: KassaCore, getWindow: () => BrowserWindow | null, rendererUrl: string | undefined): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) =>
      core.dispatch(channel, input, { host: 'electron', trustedSender: isTrustedSender(event, getWindow(), rendererUrl) }),
    );
  }
  core.events.subscribe((event) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(EVENT_IPC_CHANNEL, event);
  });
}

/**
 * Electron's view of the network becomes hints for the connectivity machine: waking from sleep and
 * `net.isOnline()` changing each trigger an immediate probe of HQ, never a verdict.
 */
export function forwardConnectivityHints(core: Pick<KassaCore, 'connectivity'>, intervalMs = 2000): () => void {
  const onResume = () => core.connectivity.hint('resumed from sleep');
  powerMonitor.on('resume', onResume);
  let online = net.isOnline();
  const timer = setInterval(() => {
    if (net.isOnline() !== online) {
      online = !online;
      core.connectivity.hint(online ? 'the OS reports the network is back' : 'the OS reports no network');
    }
  }, intervalMs);
  return () => {
    clearInterval(timer);
    powerMonitor.removeListener('resume', onResume);
  };
}

/**
 * Automatic updates for an installed register whose settings name a feed (`updates.url`); off otherwise
 * (and while developing). The update-policy decides when the downloaded update may restart the register.
 */
export function wireAutoUpdates(
  core: Pick<KassaCore, 'settings' | 'activity' | 'events'>,
  packaged: boolean,
  log: Logger,
  updater: () => Updater = () => electronUpdater.autoUpdater,
): () => void {
  const url = core.settings.updates.url;
  if (!packaged || !url) {
    log.info({ packaged, feed: url ?? null }, 'automatic updates are off (no updates.url in settings, or not an installed app)');
    return () => undefined;
  }
  const updates = startAutoUpdates({ updater: updater(), url, activity: () => core.activity(), subscribe: (changed) => core.events.subscribe(changed), log });
  return () => updates.stop();
}

/**
 * A start that failed: logged, said on stderr, and for a reason the person at the till can act on (another
 * Kassa already runs on this data folder) shown in a dialog; then the app exits non-zero.
 */
export function failStart(error: unknown, log: Logger): void {
  const message = error instanceof Error ? error.message : String(error);
  log.fatal({ err: error }, 'Kassa could not start');
  process.stderr.write(`Kassa could not start: ${message}\n`);
  if (error instanceof DataFolderLockedError) dialog.showErrorBox('Kassa is already running', message);
  app.exit(1);
}

async function start(log: Logger): Promise<void> {
  // One register, one window: a second launch focuses the first.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const config = readRegisterConfig(process.env, app.getPath('userData'));
  const core = await createKassaCore({
    config,
    log,
    nativeBinding: electronNativeBinding(app.isPackaged, process.resourcesPath, app.getAppPath()),
    printReceipt: printReceiptSilently,
    saveFile: saveWithDialog,
  });
  applySessionPolicy();
  const rendererUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const rendererFile = path.join(import.meta.dirname, '..', 'renderer', 'index.html');
  const preload = path.join(import.meta.dirname, '..', 'preload', 'preload.cjs');
  let window: BrowserWindow | null = createMainWindow(preload, rendererUrl, rendererFile);
  registerIpc(core, () => window, rendererUrl);
  const stopHints = forwardConnectivityHints(core);
  app.on('will-quit', stopHints);
  app.on('will-quit', wireAutoUpdates(core, app.isPackaged, log));
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  window.on('closed', () => {
    window = null;
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => core.close());
}

if (process.env.VITEST === undefined) {
  const log = createLogger();
  start(log).catch((error: unknown) => failStart(error, log));
}
