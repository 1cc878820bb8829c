import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { AppInfo, Cart, ServiceDomain } from '../../shared/api';
import { KassaError } from '../../shared/errors';
import type { EnrolResponse } from '../../shared/hq/auth';
import { ConnectivityService } from '../connectivity/connectivity.service';
import { watchInterfaces } from '../connectivity/interface-watch';
import { ManualFlagStore } from '../connectivity/manual-flag';
import { TransitionLog } from '../connectivity/transition-log';
import { openDatabase, schemaVersion, type KassaDatabase } from '../db/open';
import { seedDemoData } from '../demo/seed';
import { HqClient, HqStatusError } from '../hq/hq-client';
import { IdentityStore } from '../hq/identity';
import { clearSecretStore, type SecretStore } from '../hq/secret-store';
import { ensurePrivateDir } from '../fs/private-files';
import { authHandlers, guardSession } from '../modules/auth/auth.handlers';
import { AutoLock } from '../modules/auth/auto-lock';
import { PinLockout } from '../modules/auth/lockout';
import { PinPepper } from '../modules/auth/pin-pepper';
import { Policy } from '../modules/auth/policy';
import { SessionService } from '../modules/auth/session.service';
import { UsersRepository } from '../modules/auth/users.repository';
import { CatalogRepository } from '../modules/catalog/catalog.repository';
import { catalogFeed } from '../modules/catalog';
import { checkoutFeed, PricingRulesRepository } from '../modules/checkout';
import { CartRepository } from '../modules/checkout/cart.repository';
import { CartPricing } from '../modules/checkout/cart-pricing';
import { CartService } from '../modules/checkout/cart.service';
import { CardProtection } from '../modules/checkout/card-protection';
import { HqCardTerminal, SimulatedTerminal } from '../modules/checkout/card-terminal';
import { LedgerRepository } from '../modules/checkout/ledger.repository';
import { ReceiptRepository } from '../modules/checkout/receipt/receipt.repository';
import { ReceiptService, type ReceiptPrinter } from '../modules/checkout/receipt/receipt.service';
import { SaleService } from '../modules/checkout/sale.service';
import { membershipHandlers } from '../modules/membership/membership.handlers';
import { MemberRepository } from '../modules/membership/member.repository';
import { MembershipService } from '../modules/membership/membership.service';
import { loadSettings, type Settings } from '../settings/settings';
import { LocaleChoiceStore, registerLocale } from '../settings/locale-choice';
import { Outbox } from '../sync/outbox';
import { SyncService } from '../sync/sync.service';
import { diagnosticsHandlers, type SaveFile } from '../modules/diagnostics/diagnostics.handlers';
import { DiagnosticsService } from '../modules/diagnostics/diagnostics.service';
import { ordersHandlers } from '../modules/orders/orders.handlers';
import { OrdersRepository } from '../modules/orders/orders.repository';
import { OrdersService } from '../modules/orders/orders.service';
import type { RegisterActivity } from '../updates/update-policy';
import type { RegisterConfig } from './config';
import { lockDataFolder } from './data-lock';
import { DiskSpaceMonitor, MIB } from './disk-space';
import { EventBus } from './events';
import { handle, type Dispatch, type Handlers } from './handle';
import type { Channel } from '../../shared/channels';
import { recentLog, type Logger } from './logger';

export const APP_VERSION = '0.1.0';
export const DATABASE_FILE = 'kassa.db';
const ENROL_RETRY_MS = 10_000;
/**
 * HQ checks a PIN with scrypt, slower than a health probe on a busy HQ: a sign-in waits at least this long
 * before the register falls back to its own copy (where a cashier new to this register is not known yet).
 */
const MIN_LOGIN_TIMEOUT_MS = 3_000;

/** What a call that could not be saved was, and what stays as it was (the cashier reads it in the DISK_FULL error). */
const DISK_FULL_WORDS: Partial<Record<Channel, [string, string]>> = {
  'cart.scan': ['this scan', 'the cart is as it was'],
  'cart.setQuantity': ['this change', 'the cart is as it was'],
  'cart.voidLine': ['this change', 'the cart is as it was'],
  'cart.restoreLine': ['bringing the line back', 'the cart is as it was'],
  'cart.void': ['voiding the sale', 'the cart is as it was'],
  'cart.overridePrice': ['this price', 'the cart is as it was'],
  'cart.discount': ['this discount', 'the cart is as it was'],
  'cart.hold': ['holding the sale', 'the cart is as it was'],
  'cart.recall': ['recalling the sale', 'the cart is as it was'],
  'cart.addReturn': ['this return', 'the cart is as it was'],
  'checkout.addCash': ['this payment', 'the sale and its payments are as they were'],
  'checkout.complete': ['the sale', 'it is still open with its payments, as it was'],
};

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
 * The register itself, independent of its host: settings, database, connectivity, sync, modules and the
 * API handlers. The Electron adapter and the web host both run exactly this.
 */
export async function createKassaCore({ config, log, nativeBinding, printReceipt, saveFile, secrets, secretStore }: CoreOptions): Promise<KassaCore> {
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
    const transitions = new TransitionLog(db);
    let serviceFault = (_domain: ServiceDomain, _detail: string) => {};
    const hq = config.hqUrl
      ? new HqClient({ baseUrl: config.hqUrl, deviceToken: () => identity.get()?.deviceToken ?? null, onServiceFault: (domain, detail) => serviceFault(domain, detail) })
      : null;
    // The service reads the saved offline switch first; its probes start only after that.
    const connectivity = new ConnectivityService({ store: new ManualFlagStore(config.dataDir), log, transitions, timings: settings.connectivity, hq });
    stops.push(() => connectivity.stop());
    serviceFault = (domain, detail) => connectivity.reportServiceFault(domain, detail);
    // Interface changes are hints for an immediate probe (Electron adds its own: resume from sleep).
    if (hq) stops.push(watchInterfaces((usable) => connectivity.hint(usable ? 'a network interface came up' : 'the last network interface went down')));

    const catalog = new CatalogRepository(db);
    // Cached PIN hashes are kept wrapped with the device secret (<dataDir>/device-secret), never with the database alone.
    const pinPepper = PinPepper.open({ dataDir: config.dataDir, db, log });
    const users = new UsersRepository(db, pinPepper);
    if (!hq) await seedDemoData(catalog, users);
    const outbox = new Outbox(db);
    const saleRepository = new LedgerRepository(db);
    const feeds = [catalogFeed(catalog), checkoutFeed(new PricingRulesRepository(db), saleRepository)];
    // Membership is built after the sale flow; the feed and the drainer reach it through this.
    let membership: MembershipService | null = null;
    const sync = new SyncService({
      db,
      outbox,
      hq,
      identity,
      connectivity,
      log,
      nearestCardDeadline: () => saleRepository.nearestCardDeadline(),
      declinedCardPayments: () => saleRepository.declinedStoredCardCount(),
      feedAppliers: () => [...feeds, ...(membership ? [membership] : [])],
      onAcknowledged: (op, result) => membership?.acknowledged(op, result),
      ackRetentionDays: () => settings.sync.ackRetentionDays,
    });
    stops.push(() => sync.stop());
    const cards = new CardProtection({ db, identity, hq, log, cardTokens: { holders: [saleRepository, outbox, sync.deadLetters], state: sync.state } });

    const localeChoice = new LocaleChoiceStore(config.dataDir);
    let locale = registerLocale(localeChoice.read(), settings.ui.locale, config.locale);
    const info = (): AppInfo => {
      const enrolled = identity.get();
      return {
        version: APP_VERSION,
        storeCode: enrolled?.storeCode ?? settings.store.code,
        registerCode: enrolled?.registerCode ?? settings.register.code,
        currency: enrolled?.currency ?? settings.store.currency,
        locale,
        mode: hq ? 'hq' : 'demo',
        // A revoked register shows the enrolment screen again (its sales stay in the outbox).
        enrolled: enrolled !== null && sync.revoked() === null,
        till: { receipt: settings.checkout.receipt, sound: settings.checkout.sound, noReceiptManagerAbove: settings.orders.noReceiptManagerAbove },
      };
    };
    const enrol = async (code: string): Promise<AppInfo> => {
      if (!hq || !config.hqUrl) throw new KassaError('ENROLMENT_FAILED', 'This register runs in demo mode (no KASSA_HQ_URL), so there is no HQ to enrol with.');
      // A register HQ revoked enrols again with a new code; its outbox then uploads under the new token.
      if (identity.get() && !sync.revoked()) return info();
      let answer: EnrolResponse;
      try {
        answer = await hq.call<EnrolResponse>('POST', '/registers/enrol', { code });
      } catch (error) {
        if (error instanceof HqStatusError && error.status < 500) throw new KassaError('ENROLMENT_FAILED', 'HQ did not accept that enrolment code. Check it with HQ and try again.');
        throw new KassaError('HQ_UNAVAILABLE', 'HQ is not answering, so the register cannot enrol yet. Check the network; sales need an enrolled register.');
      }
      identity.save(config.hqUrl, answer);
      log.info({ register: answer.registerCode, store: answer.store.code }, 'register enrolled with HQ');
      events.emit({ name: 'app.changed', payload: info() });
      sync.kick();
      void cards.ensureKey();
      return info();
    };

    // Auth: wrong PINs lock sign-in and approvals (kept across restarts); idle time locks the screen.
    const lockout = new PinLockout(config.dataDir, () => settings.auth);
    const autoLock = new AutoLock({ autoLockMs: () => Math.round(settings.auth.autoLockMinutes * 60_000), onIdle: () => session.lock() });
    const session: SessionService = new SessionService({
      users,
      lockout,
      onChange: (state) => {
        if (state.user && !state.locked) autoLock.start();
        else autoLock.stop();
        events.emit({ name: 'session.changed', payload: { ...state, signInLockedUntil: lockout.lockedUntil('login') } });
      },
      online: hq
        ? { available: () => identity.get() !== null && connectivity.isAvailable('auth'), login: (pin) => hq.call('POST', '/auth/login', { pin }, { timeoutMs: Math.max(settings.connectivity.probeTimeoutMs * 2, MIN_LOGIN_TIMEOUT_MS) }) }
        : null,
      offlineLoginDays: () => settings.auth.offlineLoginDays,
      // Another cashier takes over a locked till: the open cart is held for the one who left, unless money was taken on it.
      onSwitchUser: (from, to) => {
        try {
          const handed = cart.handOver(`${from.name}'s sale`, to.id);
          if (handed) events.emit({ name: 'cart.changed', payload: handed });
        } catch {
          // Not written (a full disk): the sale stays open for the next cashier to finish.
        }
      },
      log: (message, detail) => log.info(detail, message),
    });
    stops.push(() => autoLock.stop());
    const policy = new Policy({ managerByPin: (pin) => session.managerByPin(pin), lockout, log });
    const currency = () => identity.get()?.currency ?? settings.store.currency;
    const cartPricing = new CartPricing(db, () => settings.store);
    const cartRepository = new CartRepository(db, cartPricing);
    const cart = new CartService(cartRepository, catalog, settings.store.currency, {
      newId: uuidv7,
      embeddedBarcode: () => settings.checkout.embeddedBarcode,
      managerByPin: (pin, action) => policy.requireManager(pin, action),
      noReceiptManagerAbove: () => settings.orders.noReceiptManagerAbove,
      returnAmount: (amount, taxClass) => cartPricing.grossOf(amount, taxClass),
    });
    // Every cart operation answers with the cart and tells every window showing it.
    const cartChanged = (updated: Cart): Cart => {
      events.emit({ name: 'cart.changed', payload: updated });
      return updated;
    };
    const sales = new SaleService({
      carts: cartRepository,
      sales: saleRepository,
      outbox,
      numberPrefix: () => `${info().storeCode}-${info().registerCode}`,
      currency,
      newId: uuidv7,
      terminal: hq ? new HqCardTerminal(hq) : new SimulatedTerminal(),
      // Asked of connectivity, never of the network: online card payments need the checkout service.
      cardOnline: () => {
        const state = connectivity.current();
        if (connectivity.isAvailable('checkout')) return { available: true, reason: null };
        if (state.reasons.includes('manual')) return { available: false, reason: 'The till is switched offline: card payments are stored and sent to HQ later.' };
        if (state.reasons.includes('network')) return { available: false, reason: 'HQ is not reachable: card payments are stored and sent to HQ later.' };
        return { available: false, reason: 'HQ reports the checkout service degraded: card payments are stored and sent to HQ later.' };
      },
      offlineLimits: () => settings.offlineCard,
      managerByPin: (pin, action) => policy.requireManager(pin, action),
      sealCard: (pan) => cards.seal(pan),
      cashRounding: () => settings.store.cashRoundingMinor,
      loyalty: { completing: (...args) => membership?.completing(...args) ?? { memberId: null, operations: [] } },
    });
    // Attempts left unanswered by a sale that was voided or completed before a restart go to HQ now.
    sales.reportAbandonedAttempts();
    membership = new MembershipService({
      members: new MemberRepository(db, saleRepository),
      outbox,
      hq,
      // Asked of connectivity, never of the network.
      online: () => identity.get() !== null && connectivity.isAvailable('membership'),
      rule: () => settings.membership,
      currency,
      sales: {
        openSaleId: () => cartRepository.openId(),
        openSale: (cashierId, within) => cart.open(cashierId, within),
        state: () => sales.state(),
        addPointsPayment: ({ id, saleId, amount, points }, now) =>
          saleRepository.addPayment({ id, saleId, tender: 'points', amount, tendered: null, status: 'approved', reference: String(points), cardLast4: null, cardToken: null, uploadDeadline: null }, now),
      },
      newId: uuidv7,
      log,
      timeoutMs: settings.connectivity.probeTimeoutMs * 2,
    });
    outbox.onWrite(() => events.emit({ name: 'cart.changed', payload: cart.get() }));
    const receipts = new ReceiptService({
      receipts: new ReceiptRepository(db),
      issuer: () => ({
        storeName: identity.get()?.storeName ?? settings.store.name,
        storeCode: info().storeCode,
        registerCode: info().registerCode,
        pricesIncludeTax: identity.get()?.pricesIncludeTax ?? settings.store.pricesIncludeTax,
      }),
      // Read at each render, so a receipt follows the language chosen on screen.
      get locale() {
        return locale;
      },
      printer: printReceipt ?? null,
      deviceName: () => settings.printer.deviceName,
    });

    const orders = new OrdersService({
      orders: new OrdersRepository(db),
      ledger: saleRepository,
      outbox,
      hq,
      // Asked of connectivity, never of the network.
      online: () => identity.get() !== null && connectivity.isAvailable('orders'),
      registerId: () => identity.get()?.registerId ?? null,
      numberPrefix: () => `${info().storeCode}-${info().registerCode}`,
      currency,
      storeName: () => identity.get()?.storeName ?? settings.store.name,
      newId: uuidv7,
      settings: () => settings.orders,
      offlineCard: () => settings.offlineCard,
      approve: (pin, action, detail) => policy.requireManager(pin, action, detail),
      pendingSync: () => outbox.pending().count,
      deadLetters: () => sync.deadLetters.count(),
      hqTimeoutMs: settings.connectivity.probeTimeoutMs * 2,
      refunding: (refund) => membership.refunding(refund),
      log,
    });
    // Card refunds stored offline go to HQ's acquirer once the orders service is available again (and after each upload, for those a failed call stored).
    const forwardCardRefunds = () => void orders.forwardCardRefunds().catch((error: unknown) => log.warn({ err: error }, 'forwarding stored card refunds failed'));
    connectivity.subscribe(forwardCardRefunds);
    sync.onChange(forwardCardRefunds);
    // HQ's card key for a register enrolled before HQ gave it (and sealing what it stored in the clear): now, and whenever HQ is back.
    void cards.ensureKey();
    connectivity.subscribe((state) => {
      if (state.state === 'online' && !identity.get()?.cardKey) void cards.ensureKey();
    });
    connectivity.subscribe((state) => events.emit({ name: 'connectivity.changed', payload: state }));
    sync.onChange((status) => events.emit({ name: 'sync.changed', payload: status }));
    let revoked = sync.revoked() !== null;
    sync.onChange(() => {
      if ((sync.revoked() !== null) === revoked) return;
      revoked = !revoked;
      events.emit({ name: 'app.changed', payload: info() });
    });
    sync.start();

    // KASSA_HQ_URL + KASSA_ENROLMENT_CODE: enrol on first start without a screen, retrying while HQ is away.
    if (hq && !identity.get() && config.enrolmentCode) {
      const code = config.enrolmentCode;
      const attempt = () =>
        void enrol(code).catch((error: unknown) => {
          log.warn({ err: error }, 'enrolment with HQ failed; retrying');
          if (error instanceof KassaError && error.code === 'HQ_UNAVAILABLE') {
            const retry = setTimeout(attempt, ENROL_RETRY_MS);
            retry.unref();
            stops.push(() => clearTimeout(retry));
          }
        });
      attempt();
    }

    const diagnostics = new DiagnosticsService({
      databaseVersion: () => schemaVersion(db),
      figures: {
        queue: () => outbox.figures(),
        deadLetters: sync.deadLetters,
        sales: () => saleRepository.saleCounts(),
        secrets: [() => users.storedPinHashes(), () => identity.storedTokens(), () => saleRepository.storedCardTokens(), () => outbox.cardTokens(), () => sync.deadLetters.cardTokens()],
      },
      dataDir: config.dataDir,
      appVersion: APP_VERSION,
      settings,
      transitions,
      connectivity,
      sync,
      hqHealth: hq ? () => hq.call('GET', '/health', undefined, { timeoutMs: settings.connectivity.probeTimeoutMs }) : null,
      hqUrl: config.hqUrl ?? null,
      logs: () => {
        const persisted = recentLog.persisted(logDir);
        return persisted.length ? persisted : recentLog.recent();
      },
      // The device token in the clear too: the database holds it sealed, so searching the database alone would miss it.
      extraSecrets: () => [...(secrets?.() ?? []), identity.get()?.deviceToken ?? '', ...pinPepper.redactions()],
      deviceTokenStorage: tokenStore.storage,
      storeCode: () => info().storeCode,
      registerCode: () => info().registerCode,
    });

    const handlers: Handlers = {
      ...diagnosticsHandlers({ diagnostics, session, log, saveFile }),
      'app.info': () => info(),
      'app.setLocale': ({ locale: chosen }) => {
        localeChoice.write(chosen, session.current()?.name ?? null);
        locale = chosen;
        const updated = info();
        events.emit({ name: 'app.changed', payload: updated });
        return updated;
      },
      ...ordersHandlers({ orders, session, locale: () => locale }),
      ...membershipHandlers(membership, () => session.require(), () => events.emit({ name: 'cart.changed', payload: cart.get() })),
      'register.enrol': ({ code }) => enrol(code),
      ...authHandlers({ session, lockout }),
      'catalog.lookup': ({ code }) => {
        session.require();
        return { product: cart.lookup(code) };
      },
      'catalog.priceCheck': ({ code }) => {
        session.require();
        const product = cart.lookup(code);
        const promotions = cartPricing.promotions().filter((promotion) => promotion.active && 'skus' in promotion && promotion.skus.includes(product.sku));
        return { product, promotions: promotions.map(({ id, name }) => ({ id, name })) };
      },
      'cart.get': () => {
        session.require();
        return cart.get();
      },
      'cart.scan': ({ code, quantity }) => {
        const user = session.require();
        const updated = cart.scan(code, user.id, quantity);
        events.emit({ name: 'cart.changed', payload: updated });
        return updated;
      },
      'cart.search': ({ query }) => {
        session.require();
        return { products: cart.search(query) };
      },
      'cart.setQuantity': ({ lineId, quantity }) => cartChanged(cart.setQuantity(lineId, quantity, session.require().id)),
      'cart.voidLine': ({ lineId }) => cartChanged(cart.voidLine(lineId, session.require().id)),
      'cart.restoreLine': ({ lineId }) => cartChanged(cart.restoreLine(lineId, session.require().id)),
      'cart.void': ({ reason }) => {
        const voided = cart.voidSale(reason, session.require().id);
        // A card attempt of the voided sale that got no answer is reported, so HQ voids it if it was approved.
        sales.reportAbandonedAttempts();
        return cartChanged(voided);
      },
      'cart.overridePrice': async ({ lineId, price, managerPin }) => cartChanged(await cart.overridePrice(lineId, price, managerPin, session.require().id)),
      'cart.discount': async ({ lineId, managerPin, ...off }) => cartChanged(await cart.discount(lineId, off, managerPin, session.require().id)),
      'cart.hold': ({ label }) => cartChanged(cart.hold(label, session.require().id)),
      'cart.held': () => {
        session.require();
        return { carts: cart.held() };
      },
      'cart.recall': ({ saleId }) => cartChanged(cart.recall(saleId, session.require().id)),
      'cart.addReturn': async (request) => {
        const user = session.require();
        if (request.kind === 'noReceipt') return cartChanged(await cart.addReturnWithoutReceipt(request, user.id));
        await orders.returnToCart(request, user, {
          noPaymentYet: () => cart.noPaymentYet(),
          add: (lines) => cartRepository.addReturns(lines, { sale: uuidv7, line: uuidv7 }, user.id, settings.store.currency),
        });
        return cartChanged(cart.get());
      },
      'connectivity.get': () => connectivity.current(),
      // The offline switch is a cashier's act: someone signed in (screen unlocked) presses it, and the log names them.
      'connectivity.goOffline': () => connectivity.goOffline(session.require().name),
      'connectivity.goOnline': () => connectivity.goOnline(session.require().name),
      'connectivity.log': ({ limit, beforeId }) => ({ entries: transitions.list(limit, beforeId) }),
      'checkout.state': () => {
        session.require();
        return sales.state();
      },
      'checkout.options': () => {
        session.require();
        return sales.options();
      },
      'checkout.addCash': ({ saleId, tendered }) => {
        session.require();
        return sales.addCash(saleId, tendered);
      },
      'checkout.addCard': async ({ saleId, ...request }) => {
        session.require();
        return sales.addCard(saleId, request);
      },
      // The sale's operations go through the outbox, which tells sync (the pending count, the drainer).
      'checkout.complete': ({ saleId }) => {
        session.require();
        return sales.complete(saleId);
      },
      'checkout.declinedCardPayments': () => {
        session.require();
        return { payments: saleRepository.declinedStoredCards() };
      },
      'sales.receipt': ({ saleId }) => {
        session.require();
        return { html: receipts.html(saleId) };
      },
      'sales.print': ({ saleId }) => {
        session.require();
        return receipts.print(saleId);
      },
      'sync.status': () => sync.status(),
      'storage.status': () => disk.current(),
      'sync.deadLetters': () => {
        session.require();
        return { deadLetters: sync.deadLetters.list() };
      },
      'sync.retry': async ({ id, managerPin }) => {
        const manager = await policy.requireManager(managerPin, 'sync.retry', { op: id });
        if (!sync.deadLetters.get(id)) throw new KassaError('NOT_FOUND', 'That operation is no longer in the list.');
        sync.deadLetters.retry(id, manager.name, Date.now());
        log.info({ op: id, manager: manager.name }, 'dead letter put back in the outbox');
        sync.changed();
        void sync.drain();
        return sync.status();
      },
      'sync.discard': async ({ id, managerPin }) => {
        const manager = await policy.requireManager(managerPin, 'sync.discard', { op: id });
        if (!sync.deadLetters.get(id)) throw new KassaError('NOT_FOUND', 'That operation is no longer in the list.');
        sync.deadLetters.discard(id, manager.name, Date.now());
        log.warn({ op: id, manager: manager.name }, 'dead letter discarded by a manager');
        sync.changed();
        return sync.status();
      },
    };
    log.info({ dataDir: config.dataDir, mode: info().mode, store: info().storeCode, register: info().registerCode }, 'register core started');
    const activity = (): RegisterActivity => ({
      cartLines: cart.get().lines.length,
      salePayments: sales.state().payments.length,
      // Demo mode has no HQ: nothing is ever on its way.
      online: hq !== null && connectivity.current().state === 'online',
      pendingUploads: sync.status().pending,
      signedIn: session.current() !== null,
      locked: session.isLocked(),
    });
    const diskFull = (error: unknown, channel: Channel) => {
      const [what, outcome] = DISK_FULL_WORDS[channel] ?? ['this', 'nothing was half-done, try again once there is space'];
      return disk.failed(error, what, outcome);
    };
    const dispatch = handle(handlers, log, { translate: diskFull, succeeded: () => disk.succeeded() });
    return { dispatch: guardSession(dispatch, session, autoLock), events, settings, connectivity, sync, sales, activity, close };
  } catch (error) {
    close();
    throw error;
  }
}
