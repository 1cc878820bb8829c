import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAutoUpdates, type Updater } from './auto-update';
import type { RegisterActivity } from './update-policy';

class FakeUpdater implements Updater {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  readonly setFeedURL = vi.fn();
  readonly checkForUpdates = vi.fn(() => Promise.resolve(null));
  readonly quitAndInstall = vi.fn();
  private readonly listeners = new Map<string, (arg: never) => void>();
  on(event: string, listener: (arg: never) => void) {
    this.listeners.set(event, listener);
    return this;
  }
  /** Downloaded: the updater's event, then the time its signature check takes. */
  async emit(event: 'update-downloaded', info: { version: string }) {
    (this.listeners.get(event) as (info: { version: string; downloadedFile: string }) => void)({ ...info, downloadedFile: `/cache/pending/Kassa-${info.version}.AppImage` });
    await vi.advanceTimersByTimeAsync(0);
  }
}

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
let verify: (file: string) => Promise<void>;
let till: RegisterActivity;
let changed: () => void;
const start = (updater: FakeUpdater) =>
  startAutoUpdates({
    updater,
    url: 'https://updates.example.com/kassa/',
    activity: () => till,
    subscribe: (listener) => {
      changed = listener;
      return () => undefined;
    },
    log,
    verify: (file) => verify(file),
    checkEveryMs: 60_000,
    recheckEveryMs: 1_000,
  });

beforeEach(() => {
  vi.useFakeTimers();
  till = { cartLines: 2, salePayments: 0, online: true, pendingUploads: 0, signedIn: true, locked: false };
  verify = () => Promise.resolve();
});
afterEach(() => vi.useRealTimers());

describe('automatic updates', () => {
  it('uses the configured generic feed, downloads in the background and never installs on quit', () => {
    const updater = new FakeUpdater();
    const updates = start(updater);
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example.com/kassa/' });
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    updates.stop();
  });

  it('holds a downloaded update through the sale and its upload, and restarts into it once the cashier signs out', async () => {
    const updater = new FakeUpdater();
    const updates = start(updater);
    await updater.emit('update-downloaded', { version: '0.2.0' });
    expect(updater.quitAndInstall).not.toHaveBeenCalled();

    till = { ...till, cartLines: 0, pendingUploads: 1 }; // sale completed, its upload on its way
    changed();
    vi.advanceTimersByTime(5_000);
    expect(updater.quitAndInstall).not.toHaveBeenCalled();

    till = { ...till, pendingUploads: 0 }; // uploaded; Ana is still at the till
    changed();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();

    till = { ...till, signedIn: false };
    changed();
    expect(updater.quitAndInstall).toHaveBeenCalledExactlyOnceWith(true, true);
    changed();
    vi.advanceTimersByTime(5_000);
    expect(updater.quitAndInstall).toHaveBeenCalledTimes(1);
    updates.stop();
  });

  it('notices an idle auto-lock on its timer, without an event', async () => {
    const updater = new FakeUpdater();
    const updates = start(updater);
    till = { ...till, cartLines: 0 };
    await updater.emit('update-downloaded', { version: '0.2.0' });
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    till = { ...till, locked: true };
    vi.advanceTimersByTime(1_000);
    expect(updater.quitAndInstall).toHaveBeenCalledTimes(1);
    updates.stop();
  });

  it('does nothing on a quiet till until an update has been downloaded', () => {
    const updater = new FakeUpdater();
    till = { ...till, cartLines: 0, signedIn: false };
    const updates = start(updater);
    changed();
    vi.advanceTimersByTime(10_000);
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    updates.stop();
  });

  it('a failed check is logged and retried on the next interval, never thrown', async () => {
    const updater = new FakeUpdater();
    updater.checkForUpdates.mockRejectedValueOnce(new Error('feed unreachable'));
    const updates = start(updater);
    await vi.advanceTimersByTimeAsync(0);
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), expect.stringContaining('looking for an update failed'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    updates.stop();
  });

  it('never installs a download whose signature check fails, however quiet the till, and says so', async () => {
    const updater = new FakeUpdater();
    const checked: string[] = [];
    verify = (file) => {
      checked.push(file);
      return Promise.reject(new Error('Kassa-0.2.0.AppImage is not installed: it is not signed by Kassa\'s release key'));
    };
    till = { ...till, cartLines: 0, signedIn: false };
    const updates = start(updater);
    await updater.emit('update-downloaded', { version: '0.2.0' });
    expect(checked).toEqual(['/cache/pending/Kassa-0.2.0.AppImage']);
    changed();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ version: '0.2.0' }), expect.stringContaining('refused'));
    updates.stop();
  });
});
