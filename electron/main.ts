/**
 * The Electron adapter: one locked-down window over the same register core the web host runs. Only this
 * file and preload.ts import electron.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, powerMonitor, safeStorage, session, type Input, type IpcMainInvokeEvent, type WebContents } from 'electron';
import electronUpdater from 'electron-updater';
import { CHANNELS, EVENT_IPC_CHANNEL } from '../shared/channels';
import { readRegisterConfig } from './core/config';
import { DataFolderLockedError } from './core/data-lock';
import { createKassaCore, type KassaCore } from './core/kassa-core';
import { createLogger, type Logger } from './core/logger';
import { CONTENT_SECURITY_POLICY } from './host/csp';
import { electronNativeBinding } from './host/native-binding';
import { keychainSecretStore } from './hq/secret-store';
import { startAutoUpdates, type Updater } from './updates/auto-update';
import { RELEASE_KEYS } from './updates/release-keys';
import { updateVerifier } from './updates/update-signature';

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webviewTag: false,
  spellcheck: false,
} as const;

/**
 * Where the renderer's own page lives: the packaged `index.html` (exactly that file) or, while developing,
 * the electron-vite dev server (its origin). Nothing else is the app.
 */
export type AppPage = { kind: 'file'; file: string } | { kind: 'dev'; url: string };

export function appPage(rendererUrl: string | undefined, rendererFile: string): AppPage {
  return rendererUrl ? { kind: 'dev', url: rendererUrl } : { kind: 'file', file: rendererFile };
}

/** Whether `url` is the app's own page; `null` (a receipt window) has no page of its own. */
export function isAppUrl(url: string, page: AppPage | null): boolean {
  if (!page) return false;
  try {
    const target = new URL(url);
    if (page.kind === 'dev') return target.origin === new URL(page.url).origin;
    // The hash is the renderer's own routing (#/checkout); the file must be exactly index.html, on this machine, without a query.
    if (target.protocol !== 'file:' || target.host !== '' || target.search !== '' || target.pathname.endsWith('/')) return false;
    return samePath(fileURLToPath(target), page.file);
  } catch {
    return false;
  }
}

/** Windows paths compare without regard to case or slash direction (pathToFileURL and Chromium may spell them differently). */
function samePath(a: string, b: string): boolean {
  if (process.platform !== 'win32') return path.resolve(a) === path.resolve(b);
  return path.win32.resolve(a).toLowerCase() === path.win32.resolve(b).toLowerCase();
}

/** How the shell runs: an installed register is locked down for the till unless support starts it with --debug. */
export interface ShellMode {
  /** app.isPackaged */
  packaged: boolean;
  /** the --debug command-line switch */
  debug: boolean;
}

export const isLockedShell = (mode: ShellMode): boolean => mode.packaged && !mode.debug;

/**
 * Reload and DevTools from the keyboard: F5, Ctrl/Cmd+R (Shift for a hard reload), F12, Ctrl+Shift+I/J/C,
 * Cmd+Alt+I/J/C. A reload drops the cashier's screen; DevTools would let anyone script the API.
 */
export function isDeveloperShortcut(input: Pick<Input, 'key' | 'code' | 'control' | 'meta' | 'shift' | 'alt'>): boolean {
  const key = (input.code || input.key).replace(/^Key/, '').toUpperCase();
  if (key === 'F5' || key === 'F12' || key === 'BROWSERREFRESH') return true;
  const command = input.control || input.meta;
  if (command && key === 'R') return true;
  if (command && (input.shift || (input.meta && input.alt)) && ['I', 'J', 'C'].includes(key)) return true;
  return false;
}

/**
 * An installed register (not started with --debug) has no menu (so no Reload or Toggle DevTools items);
 * --debug is said loudly in the log, since it opens the register to anyone at the keyboard.
 */
export function applyShellMode(mode: ShellMode, log: Pick<Logger, 'warn' | 'info'>): void {
  if (isLockedShell(mode)) {
    Menu.setApplicationMenu(null);
    return;
  }
  if (mode.packaged) log.warn({ debug: true }, 'STARTED WITH --debug: the menu, reload and DevTools are open to anyone at this register. Restart without --debug after support is done.');
}

/** Switches that open the running register to outside scripting (Chromium's remote debugging, Node's inspector). */
const DEBUGGING_SWITCHES = ['remote-debugging-port', 'remote-debugging-pipe', 'inspect', 'inspect-brk', 'inspect-port'];

/**
 * An installed register started with a debugging switch, and not with --debug, refuses to start: a remote
 * debugger would script the register (PIN guessing) as surely as DevTools would. The build's fuses already
 * ignore Node's --inspect; Chromium's remote debugging has no fuse.
 */
export class DebuggingSwitchError extends Error {
  constructor(readonly switches: string[]) {
    super(`This register was started with ${switches.map((s) => `--${s}`).join(', ')}, which lets another program control it. Start it without, or with --debug for support.`);
    this.name = 'DebuggingSwitchError';
  }
}

export function refuseDebuggingSwitches(mode: ShellMode, hasSwitch: (name: string) => boolean): void {
  if (!isLockedShell(mode)) return;
  const given = DEBUGGING_SWITCHES.filter((name) => hasSwitch(name));
  if (given.length) throw new DebuggingSwitchError(given);
}

export function createMainWindow(preloadPath: string, page: AppPage, mode: ShellMode): BrowserWindow {
  const locked = isLockedShell(mode);
  const window = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    backgroundColor: '#f4f5f7',
    title: 'Kassa',
    autoHideMenuBar: true,
    webPreferences: { ...SECURE_WEB_PREFERENCES, devTools: !locked, preload: preloadPath },
  });
  lockDown(window.webContents, page);
  if (locked) {
    window.webContents.on('before-input-event', (event, input) => {
      if (isDeveloperShortcut(input)) event.preventDefault();
    });
  }
  window.once('ready-to-show', () => window.show());
  if (page.kind === 'dev') void window.loadURL(page.url);
  else void window.loadFile(page.file);
  return window;
}

/**
 * Prints a receipt without a dialog: a hidden window with JavaScript off loads the receipt's HTML as a
 * data URL and sends it to the printer named in settings (empty: the system's default printer).
 */
export async function printReceiptSilently(html: string, deviceName: string): Promise<void> {
  const window = new BrowserWindow({ show: false, width: 320, height: 800, title: 'Receipt', webPreferences: { ...SECURE_WEB_PREFERENCES, javascript: false, devTools: false } });
  lockDown(window.webContents, null);
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

/**
 * No new windows and nothing opened outside (no system browser either), no navigation or redirect away
 * from the app's own page (a file dropped on the window is such a navigation), no webviews.
 */
export function lockDown(contents: WebContents, page: AppPage | null): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayOnApp = (event: { url?: string; preventDefault: () => void }, url: string) => {
    if (!isAppUrl(event.url ?? url, page)) event.preventDefault();
  };
  contents.on('will-navigate', stayOnApp);
  contents.on('will-redirect', stayOnApp);
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
export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null, page: AppPage): boolean {
  if (!window || BrowserWindow.fromWebContents(event.sender) !== window) return false;
  const frame = event.senderFrame;
  return !!frame && frame === event.sender.mainFrame && isAppUrl(frame.url, page);
}

export function registerIpc(core: KassaCore, getWindow: () => BrowserWindow | null, page: AppPage): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) =>
      core.dispatch(channel, input, { host: 'electron', trustedSender: isTrustedSender(event, getWindow(), page), origin: event.sender }),
    );
  }
  // The window whose own call changed something has it in the call's answer already.
  core.events.subscribe((event, answered) => {
    const window = getWindow();
    if (window && !window.isDestroyed() && answered !== window.webContents) window.webContents.send(EVENT_IPC_CHANNEL, event);
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
 * (and while developing). A download installs only when signed by a release key built into this version;
 * the update-policy decides when it may restart the register.
 */
export function wireAutoUpdates(
  core: Pick<KassaCore, 'settings' | 'activity' | 'events'>,
  packaged: boolean,
  log: Logger,
  updater: () => Updater = () => electronUpdater.autoUpdater,
  releaseKeys: readonly string[] = RELEASE_KEYS,
): () => void {
  const url = core.settings.updates.url;
  if (!packaged || !url) {
    log.info({ packaged, feed: url ?? null }, 'automatic updates are off (no updates.url in settings, or not an installed app)');
    return () => undefined;
  }
  if (releaseKeys.length === 0) log.warn({ feed: url }, 'this version has no release key: updates are downloaded but none will be installed');
  const updates = startAutoUpdates({
    updater: updater(),
    url,
    activity: () => core.activity(),
    subscribe: (changed) => core.events.subscribe(changed),
    log,
    verify: updateVerifier({ feedUrl: url, publicKeys: releaseKeys }),
  });
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
  if (error instanceof DebuggingSwitchError) dialog.showErrorBox('Kassa cannot start like this', message);
  app.exit(1);
}

async function start(log: Logger): Promise<void> {
  // One register, one window: a second launch focuses the first.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const mode: ShellMode = { packaged: app.isPackaged, debug: app.commandLine.hasSwitch('debug') };
  refuseDebuggingSwitches(mode, (name) => app.commandLine.hasSwitch(name));
  await app.whenReady();
  const config = readRegisterConfig(process.env, app.getPath('userData'));
  const core = await createKassaCore({
    config,
    log,
    nativeBinding: electronNativeBinding(app.isPackaged, process.resourcesPath, app.getAppPath()),
    printReceipt: printReceiptSilently,
    saveFile: saveWithDialog,
    // After app ready: safeStorage (and on Linux its password store) is known only then.
    secretStore: keychainSecretStore(safeStorage),
  });
  applySessionPolicy();
  applyShellMode(mode, log);
  const page = appPage(app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL, path.join(import.meta.dirname, '..', 'renderer', 'index.html'));
  const preload = path.join(import.meta.dirname, '..', 'preload', 'preload.cjs');
  let window: BrowserWindow | null = createMainWindow(preload, page, mode);
  registerIpc(core, () => window, page);
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
