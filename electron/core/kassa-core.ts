import fs from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { AppInfo, ServiceDomain } from '../../shared/api';
import { ConnectivityService } from '../connectivity/connectivity.service';
import { watchInterfaces } from '../connectivity/interface-watch';
import { TransitionLog } from '../connectivity/transition-log';
import { HqClient } from '../hq/hq-client';
import { ManualFlagStore } from '../connectivity/manual-flag';
import { openDatabase, type KassaDatabase } from '../db/open';
import { seedDemoData } from '../demo/seed';
import { SessionService } from '../modules/auth/session.service';
import { UsersRepository } from '../modules/auth/users.repository';
import { CatalogRepository } from '../modules/catalog/catalog.repository';
import { CartService } from '../modules/checkout/cart.service';
import { CartRepository } from '../modules/checkout/cart.repository';
import { loadSettings, type Settings } from '../settings/settings';
import type { RegisterConfig } from './config';
import { EventBus } from './events';
import { handle, type Dispatch, type Handlers } from './handle';
import type { Logger } from './logger';

export const APP_VERSION = '0.1.0';
export const DATABASE_FILE = 'kassa.db';

export interface KassaCore {
  dispatch: Dispatch;
  events: EventBus;
  settings: Settings;
  connectivity: ConnectivityService;
  close(): void;
}

export interface CoreOptions {
  config: RegisterConfig;
  log: Logger;
  nativeBinding?: string;
}

/**
 * The register itself, independent of its host: settings, database, modules and the API handlers. The
 * Electron adapter and the web host both run exactly this.
 */
export async function createKassaCore({ config, log, nativeBinding }: CoreOptions): Promise<KassaCore> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const settings = loadSettings(config.dataDir);
  const db: KassaDatabase = openDatabase(path.join(config.dataDir, DATABASE_FILE), { nativeBinding });
  const events = new EventBus();
  let connectivity: ConnectivityService | undefined;
  try {
    const transitions = new TransitionLog(db);
    let serviceFault = (_domain: ServiceDomain, _detail: string) => {};
    const hq = config.hqUrl ? new HqClient({ baseUrl: config.hqUrl, onServiceFault: (domain, detail) => serviceFault(domain, detail) }) : null;
    // The service reads the saved offline switch first; its probes start only after that.
    connectivity = new ConnectivityService({
      store: new ManualFlagStore(config.dataDir),
      log,
      transitions,
      timings: settings.connectivity,
      hq,
    });
    const till = connectivity;
    serviceFault = (domain, detail) => till.reportServiceFault(domain, detail);
    // Interface changes are hints for an immediate probe (Electron adds its own: resume from sleep).
    const stopWatching = hq ? watchInterfaces((usable) => till.hint(usable ? 'a network interface came up' : 'the last network interface went down')) : () => {};
    const catalog = new CatalogRepository(db);
    const users = new UsersRepository(db);
    if (!config.hqUrl) await seedDemoData(catalog, users);
    const session = new SessionService(users, (user) => events.emit({ name: 'session.changed', payload: { user } }));
    const cart = new CartService(new CartRepository(db), catalog, settings.store.currency, { newId: uuidv7 });
    till.subscribe((state) => events.emit({ name: 'connectivity.changed', payload: state }));

    const info: AppInfo = {
      version: APP_VERSION,
      storeCode: settings.store.code,
      registerCode: settings.register.code,
      currency: settings.store.currency,
      locale: config.locale,
      mode: config.hqUrl ? 'hq' : 'demo',
    };

    const handlers: Handlers = {
      'app.info': () => info,
      'session.get': () => ({ user: session.current() }),
      'session.login': async ({ pin }) => ({ user: await session.login(pin) }),
      'session.logout': () => {
        session.logout();
        return { user: null };
      },
      'catalog.lookup': ({ code }) => {
        session.require();
        return { product: cart.lookup(code) };
      },
      'cart.get': () => {
        session.require();
        return cart.get();
      },
      'cart.scan': ({ code }) => {
        const user = session.require();
        const updated = cart.scan(code, user.id);
        events.emit({ name: 'cart.changed', payload: updated });
        return updated;
      },
      'connectivity.get': () => till.current(),
      'connectivity.goOffline': () => till.goOffline(session.current()?.name ?? null),
      'connectivity.goOnline': () => till.goOnline(session.current()?.name ?? null),
      'connectivity.log': ({ limit, beforeId }) => ({ entries: transitions.list(limit, beforeId) }),
    };
    log.info({ dataDir: config.dataDir, mode: info.mode, store: info.storeCode, register: info.registerCode }, 'register core started');
    return {
      dispatch: handle(handlers, log),
      events,
      settings,
      connectivity: till,
      close: () => {
        stopWatching();
        till.stop();
        db.close();
      },
    };
  } catch (error) {
    connectivity?.stop();
    db.close();
    throw error;
  }
}
