import path from 'node:path';
import { ConnectivityService } from '../connectivity/connectivity.service';
import { watchInterfaces } from '../connectivity/interface-watch';
import { ManualFlagStore } from '../connectivity/manual-flag';
import { TransitionLog } from '../connectivity/transition-log';
import { openDatabase, type KassaDatabase } from '../db/open';
import { ensurePrivateDir } from '../fs/private-files';
import { HqClient } from '../hq/hq-client';
import { IdentityStore } from '../hq/identity';
import { clearSecretStore, type SecretStore } from '../hq/secret-store';
import { loadSettings, type Settings } from '../settings/settings';
import { Outbox } from '../sync/outbox';
import type { RegisterConfig } from './config';
import { lockDataFolder } from './data-lock';
import { DiskSpaceMonitor, MIB } from './disk-space';
import { EventBus } from './events';
import { recentLog, type Logger } from './logger';
import { storeProfileOf } from './store-profile';

export const DATABASE_FILE = 'kassa.db';

/** What every module stands on: the data folder (locked, private), settings, the database, disk watch, HQ and connectivity. */
export interface Platform {
  config: RegisterConfig;
  log: Logger;
  settings: Settings;
  db: KassaDatabase;
  events: EventBus;
  disk: DiskSpaceMonitor;
  logDir: string;
  tokenStore: SecretStore;
  identity: IdentityStore;
  hq: HqClient | null;
  connectivity: ConnectivityService;
  transitions: TransitionLog;
  /** Operations waiting for HQ: the modules' writes, and the connectivity log's transitions. */
  outbox: Outbox;
  /** Run in reverse on close. */
  stops: (() => void)[];
  close(): void;
}

/** Opens the data folder and the services below the modules; on a failure, what was opened is closed again. */
export function openPlatform(config: RegisterConfig, log: Logger, nativeBinding: string | undefined, secretStore: SecretStore | undefined): Platform {
  // 0700, also for a folder an older version created wider: the database, settings and logs are this account's alone.
  if (!ensurePrivateDir(config.dataDir)) log.warn({ dataDir: config.dataDir }, 'the data folder belongs to another account and could not be made private (0700): other accounts on this computer may read it');
  // One register per data folder, taken before anything in it is read or written: a second start is refused, naming the first.
  const lock = lockDataFolder(config.dataDir, { nativeBinding });
  let settings: Settings;
  let db: KassaDatabase;
  try {
    settings = loadSettings(config.dataDir);
    db = openDatabase(path.join(config.dataDir, DATABASE_FILE), { nativeBinding });
  } catch (error) {
    lock.release();
    throw error;
  }
  const events = new EventBus();
  const stops: (() => void)[] = [];
  const close = () => {
    for (const stop of stops.splice(0).reverse()) stop();
    db.close();
    lock.release();
  };
  try {
    // The log also goes to <dataDir>/logs (bounded, rotated): a support bundle after a crash still has what led to it.
    const logDir = path.join(config.dataDir, 'logs');
    stops.push(recentLog.persistTo(logDir));
    // The data folder's free space: a warning on the status bar before it runs out, DISK_FULL when a write could not be saved.
    const disk = new DiskSpaceMonitor({
      dir: config.dataDir,
      lowBytes: () => settings.storage.lowSpaceMiB * MIB,
      intervalMs: settings.storage.checkIntervalMs,
      onChange: (space) => {
        if (space.full || space.low) log.warn({ dataDir: space.path, freeBytes: space.freeBytes, full: space.full }, space.full ? 'the disk is full' : 'disk space is low');
        events.emit({ name: 'storage.changed', payload: space });
      },
    });
    disk.start();
    stops.push(() => disk.stop());
    if (config.plainHttpHq) log.warn({ hqUrl: config.hqUrl }, 'KASSA_HQ_ALLOW_HTTP=1: PINs and the device token go to HQ over plain http, readable on the network. For a test network only.');
    const tokenStore = secretStore ?? clearSecretStore('this host gives no keychain');
    const identity = new IdentityStore(db, tokenStore);
    if (identity.sealStoredToken() === 'sealed') log.info({}, "the device token is now sealed with the operating system's keychain");
    if (tokenStore.storage.protection === 'clear') log.warn({ tokenStorage: 'clear', reason: tokenStore.storage.detail }, `the device token is kept in the clear in the register database: ${tokenStore.storage.detail}`);
    const outbox = new Outbox(db);
    // With an HQ, every logged transition also goes to HQ's fleet timeline, through the outbox (demo mode has no HQ to tell).
    const transitions = new TransitionLog(db, config.hqUrl ? outbox : null);
    const hq = config.hqUrl ? new HqClient({ baseUrl: config.hqUrl, deviceToken: () => identity.get()?.deviceToken ?? null }) : null;
    // The service reads the saved offline switch first; its probes start only after that.
    const connectivity = new ConnectivityService({ store: new ManualFlagStore(config.dataDir), log, transitions, timings: settings.connectivity, hq });
    stops.push(() => connectivity.stop());
    hq?.onServiceFault((domain, detail) => connectivity.reportServiceFault(domain, detail));
    // HQ answering (or not) a sync request or a whitelisted call is live evidence of the link; the realtime stream's is wired in the sync module.
    hq?.onTraffic((evidence) => connectivity.reportTraffic(evidence));
    // Interface changes are hints for an immediate probe (Electron adds its own: resume from sleep).
    if (hq) stops.push(watchInterfaces((usable) => connectivity.hint(usable ? 'a network interface came up' : 'the last network interface went down')));
    connectivity.subscribe((state) => events.emit({ name: 'connectivity.changed', payload: state }));
    return { config, log, settings, db, events, disk, logDir, tokenStore, identity, hq, connectivity, transitions, outbox, stops, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** The store and register codes in force: HQ's, once enrolled, else the settings'. */
export function registerCodes({ identity, settings }: Pick<Platform, 'identity' | 'settings'>): { storeCode: string; registerCode: string; prefix: string } {
  const { storeCode, registerCode } = storeProfileOf({ identity, settings });
  return { storeCode, registerCode, prefix: `${storeCode}-${registerCode}` };
}
