import type { ConnectivityService } from '../connectivity/connectivity.service';
import { createConnectivityModule } from '../connectivity/connectivity.handlers';
import { StatusReporter } from '../connectivity/status-reporter';
import { seedDemoData } from '../demo/seed';
import { createRegistration } from '../hq/registration';
import type { SecretStore } from '../hq/secret-store';
import { createAuthModule } from '../modules/auth';
import { createCatalogModule } from '../modules/catalog';
import { createCheckoutModule } from '../modules/checkout';
import type { ReceiptPrinter } from '../modules/checkout/receipt/receipt.service';
import type { SaleService } from '../modules/checkout/sale.service';
import { createDiagnosticsModule } from '../modules/diagnostics';
import type { SaveFile } from '../modules/diagnostics/diagnostics.handlers';
import { createMembershipModule } from '../modules/membership';
import { createCashModule } from '../modules/cash';
import { createOrdersModule } from '../modules/orders';
import type { Settings } from '../settings/settings';
import { LocaleChoiceStore, RegisterLocaleHolder } from '../settings/locale-choice';
import { createSyncModule } from '../sync/sync.handlers';
import type { SyncService } from '../sync/sync.service';
import type { RegisterActivity } from '../updates/update-policy';
import { APP_VERSION, createAppModule } from './app.handlers';
import type { RegisterConfig } from './config';
import { diskFullError } from './disk-full-words';
import type { EventBus } from './events';
import { handle, type Dispatch, type Handlers } from './handle';
import type { Logger } from './logger';
import { moduleSecrets, plugIn, type AnyModule } from './module';
import { DATABASE_FILE, openPlatform, registerCodes } from './platform';

export { APP_VERSION, DATABASE_FILE };

export interface KassaCore {
  dispatch: Dispatch;
  events: EventBus;
  settings: Settings;
  connectivity: ConnectivityService;
  sync: SyncService;
  sales: SaleService;
  /** What the update policy needs to know: an open sale, uploads on their way, a cashier at the till. */
  activity(): RegisterActivity;
  close(): void;
}

export interface CoreOptions {
  config: RegisterConfig;
  log: Logger;
  nativeBinding?: string;
  /** Prints a receipt silently (Electron); without one, `sales.print` hands the HTML to the browser. */
  printReceipt?: ReceiptPrinter;
  /** Electron's save dialog (support bundle); without one the page downloads the file. */
  saveFile?: SaveFile;
  /** Secrets the host holds (the web host's token): never in a support bundle. */
  secrets?: () => string[];
  /** How the host keeps the device token at rest (Electron: the OS keychain); without one, in the clear. */
  secretStore?: SecretStore;
}

/**
 * The register itself, independent of its host: the platform (settings, database, connectivity), then its
 * modules, each plugged in with what it contributes. The Electron adapter and the web host both run exactly this.
 */
export async function createKassaCore({ config, log, nativeBinding, printReceipt, saveFile, secrets, secretStore }: CoreOptions): Promise<KassaCore> {
  const platform = openPlatform(config, log, nativeBinding, secretStore);
  const { settings, events, hq, connectivity, disk, identity, outbox, stops } = platform;
  try {
    const locale = new RegisterLocaleHolder(new LocaleChoiceStore(config.dataDir), settings.ui.locale, config.locale);
    const auth = createAuthModule(platform);
    const catalog = createCatalogModule(platform);
    if (!hq) await seedDemoData(catalog.repository, auth.users);
    const checkout = createCheckoutModule({ platform, auth, catalog, outbox, locale, printReceipt });
    const membership = createMembershipModule({ platform, checkout, outbox });
    const syncModule = createSyncModule({ platform, outbox, auth, checkout });
    const { sync } = syncModule;
    const cash = createCashModule({ platform, auth, checkout, outbox });
    const orders = createOrdersModule({ platform, auth, checkout, membership, outbox, sync, locale, cash: cash.cash });
    const app = createAppModule({ platform, sync, locale });
    // Declared before registration, so a register that enrols tells HQ its state at once rather than at the next minute.
    let reporter: StatusReporter | null = null;
    const registration = createRegistration({
      hq,
      hqUrl: config.hqUrl ?? null,
      identity,
      revoked: () => sync.revoked() !== null,
      info: app.info,
      log,
      enrolled: (info) => {
        events.emit({ name: 'app.changed', payload: info });
        sync.kick();
        void checkout.cards.ensureKey();
        reporter?.reportNow();
      },
    });
    const connectivityModule = createConnectivityModule(platform);
    const modules: AnyModule[] = [auth, catalog, checkout, membership, syncModule, orders, cash, app, registration, connectivityModule];
    const diagnostics = createDiagnosticsModule({ platform, sync, outbox, sales: () => checkout.saleRecords.saleCounts(), appVersion: APP_VERSION, codes: () => registerCodes(platform), secrets: () => [...(secrets?.() ?? []), ...moduleSecrets(modules)], saveFile });
    modules.push(diagnostics);
    plugIn(modules, { sales: checkout.sales, sync, orders: orders.orders });
    for (const { stop } of modules) if (stop) stops.push(stop);
    sync.start();
    registration.autoEnrol(config.enrolmentCode);
    // The console's fleet view: this register's state, reported to HQ (never through the outbox).
    if (hq) {
      reporter = new StatusReporter({
        hq,
        connectivity,
        enrolled: () => identity.get() !== null && sync.revoked() === null,
        figures: () => {
          const { count, oldestAt } = outbox.pending();
          return { backlog: count, oldestPendingAt: oldestAt, deadLetters: sync.deadLetters.count() };
        },
        version: APP_VERSION,
        log,
      });
      const started = reporter;
      started.start();
      stops.push(() => started.stop());
    }

    const handlers: Handlers = {
      ...auth.handlers,
      ...catalog.handlers,
      ...checkout.handlers,
      ...membership.handlers,
      ...syncModule.handlers,
      ...orders.handlers,
      ...cash.handlers,
      ...app.handlers,
      ...registration.handlers,
      ...connectivityModule.handlers,
      ...diagnostics.handlers,
    };
    log.info({ dataDir: config.dataDir, mode: app.info().mode, store: app.info().storeCode, register: app.info().registerCode }, 'register core started');
    const { session, autoLock } = auth;
    const activity = (): RegisterActivity => ({
      cartLines: checkout.cart.get().lines.length,
      salePayments: checkout.sales.state().payments.length,
      // Demo mode has no HQ: nothing is ever on its way.
      online: hq !== null && connectivity.current().state === 'online',
      pendingUploads: sync.status().pending,
      signedIn: session.current() !== null,
      locked: session.isLocked(),
    });
    const dispatch = handle(handlers, log, { translate: diskFullError(disk), succeeded: () => disk.succeeded(), session, cashierActive: () => autoLock.touch() });
    return { dispatch, events, settings, connectivity, sync, sales: checkout.sales, activity, close: platform.close };
  } catch (error) {
    platform.close();
    throw error;
  }
}
