import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { KassaModule } from '../../core/module';
import { schemaVersion } from '../../db/open';
import type { Platform } from '../../core/platform';
import { recentLog } from '../../core/logger';
import type { Outbox } from '../../sync/outbox';
import type { SyncService } from '../../sync/sync.service';
import { diagnosticsHandlers, type SaveFile } from './diagnostics.handlers';
import { DiagnosticsService } from './diagnostics.service';

export interface DiagnosticsDeps {
  platform: Platform;
  sync: SyncService;
  outbox: Outbox;
  /** Checkout's count of sales by state. */
  sales: () => { completed: number; open: number; voided: number };
  appVersion: string;
  codes: () => { storeCode: string; registerCode: string };
  /** Every secret the host and the modules name: never in a support bundle. */
  secrets: () => string[];
  saveFile?: SaveFile;
}

/** The manager's diagnostics page and the support bundle. */
export function createDiagnosticsModule({ platform, sync, outbox, sales, appVersion, codes, secrets, saveFile }: DiagnosticsDeps): KassaModule<'diagnostics.overview' | 'diagnostics.bundle'> {
  const { db, config, settings, transitions, connectivity, hq, logDir, identity, tokenStore, log } = platform;
  const diagnostics = new DiagnosticsService({
    databaseVersion: () => schemaVersion(db),
    // Each module's own figures; the modules' secrets (PIN hashes, card tokens) come with `secrets`.
    figures: { queue: () => outbox.figures(), deadLetters: sync.deadLetters, sales, secrets: [() => identity.storedTokens()] },
    dataDir: config.dataDir,
    appVersion,
    settings,
    transitions,
    connectivity,
    sync,
    hqHealth: hq ? () => hq.call(HQ_ROUTES.health, {}, { timeoutMs: settings.connectivity.probeTimeoutMs }) : null,
    hqUrl: config.hqUrl ?? null,
    logs: () => {
      const persisted = recentLog.persisted(logDir);
      return persisted.length ? persisted : recentLog.recent();
    },
    // The device token in the clear too: the database holds it sealed, so searching the database alone would miss it.
    extraSecrets: () => [...secrets(), identity.get()?.deviceToken ?? ''],
    deviceTokenStorage: tokenStore.storage,
    storeCode: () => codes().storeCode,
    registerCode: () => codes().registerCode,
  });
  return { name: 'diagnostics', handlers: diagnosticsHandlers({ diagnostics, log, saveFile }) };
}
