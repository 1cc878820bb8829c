import type { Logger } from '../core/logger';
import { mayInstallUpdate, type RegisterActivity } from './update-policy';

/** The part of electron-updater's `autoUpdater` the register uses (kept narrow so tests can stand in for it). */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: { version: string; downloadedFile: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface AutoUpdateOptions {
  updater: Updater;
  /** settings `updates.url`: the generic feed (latest.yml, latest-linux.yml and the installers). */
  url: string;
  activity: () => RegisterActivity;
  /** Calls back whenever the register's activity may have changed (its events); returns an unsubscribe. */
  subscribe: (changed: () => void) => () => void;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Resolves when the downloaded installer is Kassa's own (signed by a release key); rejects saying why not. */
  verify: (downloadedFile: string) => Promise<void>;
  checkEveryMs?: number;
  /** A timer as well as the events, so an idle auto-lock (no event of its own) is noticed. */
  recheckEveryMs?: number;
}

/**
 * Looks for updates on the feed, downloads them in the background and restarts into the new version only
 * once `verify` has accepted the download and at a moment `mayInstallUpdate` allows; until then the download
 * waits. A download `verify` refuses is never installed. An update never installs on quit
 * either: the register restarts into it at the next safe moment instead.
 */
export function startAutoUpdates(o: AutoUpdateOptions): { stop(): void } {
  const { updater, log } = o;
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = false;
  updater.setFeedURL({ provider: 'generic', url: o.url });
  let downloaded: string | null = null;
  let installing = false;

  const tryInstall = () => {
    if (!downloaded || installing) return;
    const decision = mayInstallUpdate(o.activity());
    if (!decision.install) return;
    installing = true;
    log.info({ version: downloaded, moment: decision.reason }, 'installing the downloaded update and restarting');
    updater.quitAndInstall(true, true);
  };
  const check = () =>
    void updater.checkForUpdates().catch((error: unknown) => log.warn({ err: error }, 'looking for an update failed; trying again later'));

  updater.on('update-downloaded', (info) => {
    o.verify(info.downloadedFile).then(
      () => {
        downloaded = info.version;
        log.info({ version: info.version }, 'update downloaded and its signature checked; it installs when no sale is open and nothing is uploading');
        tryInstall();
      },
      (error: unknown) => log.error({ err: error, version: info.version }, 'the downloaded update is refused and will not be installed; the register stays on this version'),
    );
  });
  updater.on('error', (error) => log.warn({ err: error }, 'the updater reported an error'));

  const unsubscribe = o.subscribe(tryInstall);
  const checks = setInterval(check, o.checkEveryMs ?? 4 * 60 * 60_000);
  const rechecks = setInterval(tryInstall, o.recheckEveryMs ?? 30_000);
  checks.unref?.();
  rechecks.unref?.();
  check();
  return {
    stop: () => {
      unsubscribe();
      clearInterval(checks);
      clearInterval(rechecks);
    },
  };
}
