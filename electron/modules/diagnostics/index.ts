import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { KassaModule } from '../../core/module';
import type { Platform } from '../../core/platform';
import { recentLog } from '../../core/logger';
import type { SyncService } from '../../sync/sync.service';
import { diagnosticsHandlers, type SaveFile } from './diagnostics.handlers';
import { DiagnosticsService } from './diagnostics.service';

export interface DiagnosticsDeps {
  platform: Platform;
  sync: SyncService;
  appVersion: string;
  codes: () => { storeCode: string; registerCode: string };
  /** Every secret the host and the modules name: never in a support bundle. */
  secrets: () => string[];
  saveFile?: SaveFile;
}

/** The manager's diagnostics page and the support bundle. */
export function createDiagnosticsModule({ platform, sync, appVersion, codes, secrets, saveFile }: DiagnosticsDeps): KassaModule<'diagnostics.overview' | 'diagnostics.bundle'> {
  const { db, config, settings, transitions, connectivity, hq, logDir, identity, tokenStore, log } = platform;
  const diagnostics = new DiagnosticsService({
    db,
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
