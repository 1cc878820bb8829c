import { v7 as uuidv7 } from 'uuid';
import type { Cart } from '../../../shared/api';
import type { Handlers } from '../../core/handle';
import type { KassaModule } from '../../core/module';
import { registerCodes, type Platform } from '../../core/platform';
import { storeProfileOf } from '../../core/store-profile';
import { DeadLetters } from '../../sync/dead-letters';
import type { Outbox } from '../../sync/outbox';
import { SyncState } from '../../sync/sync-state';
import type { AuthModule } from '../auth';
import { catalogHandlers, type CatalogModule } from '../catalog';
import { cardOnline } from './card-online';
import { checkoutFeed } from './checkout.feed';
import { CardProtection } from './card-protection';
import { HqCardTerminal, SimulatedTerminal } from './card-terminal';
import { CartPricing } from './cart-pricing';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import { LedgerRepository } from './ledger.repository';
import { PricingRulesRepository } from './pricing/pricing-rules.repository';
import { ReceiptRepository } from './receipt/receipt.repository';
import { createPrinter, type Printer } from '../../hardware/printer';
import { ReceiptService, type ReceiptPrinter } from './receipt/receipt.service';
import { SaleService } from './sale.service';
import { scanHandler, type MemberCardPort } from './scan.handler';

export { LedgerRepository, type NewRefund, type PaymentRow, type SaleLineRow } from './ledger.repository';
export type { NewReturnLine } from './cart.repository';
export { checkoutFeed } from './checkout.feed';
export { PricingRulesRepository } from './pricing/pricing-rules.repository';
export { escapeHtml, printedDocument, RECEIPT_STYLE_SOURCE } from './receipt/receipt-style';

/** What orders write through the ledger: refunds under the register's next number, and card refunds' settlements. */
export type RefundLedger = Pick<LedgerRepository, 'insertRefund' | 'settleCardRefund'>;

/** What membership writes through the ledger: the member a sale belongs to. */
export type MemberSales = Pick<LedgerRepository, 'attachMember' | 'moveMemberSales'>;

type CheckoutChannels = Exclude<Extract<keyof Handlers, `cart.${string}` | `checkout.${string}` | `sales.${string}` | `catalog.${string}` | `printer.${string}`>, 'cart.addReturn'>;

/** How often an ESC/POS printer is asked for its state (DLE EOT: a few bytes on the printer's own connection). */
const PRINTER_POLL_MS = 30_000;

export type CheckoutModule = KassaModule<CheckoutChannels> & {
  cart: CartService;
  carts: CartRepository;
  sales: SaleService;
  /** The ledger: the only writer of the sequence, sales, refunds and payments. */
  saleRecords: LedgerRepository;
  cards: CardProtection;
  /** Every cart operation answers with the cart and tells every window showing it. */
  cartChanged(updated?: Cart): Cart;
  /** Prices the cart with HQ's tax classes and promotions, kept in memory until the change feed changes them. */
  pricing: CartPricing;
  /** The membership module plugs in here: a code no product has is tried as a loyalty card in the same scan. */
  acceptMemberCards(port: MemberCardPort): void;
  /**
   * The receipt printer settings.json chose, with the cash drawer behind it (`kickDrawer()`, ESC/POS only)
   * and its status (`status()`, `checkStatus()`, `onStatus()`); null in the web host, where the browser prints.
   */
  printer: Printer | null;
};

export interface CheckoutDeps {
  platform: Platform;
  auth: AuthModule;
  catalog: CatalogModule;
  outbox: Outbox;
  /** The register's language now (receipts follow the language chosen on screen). */
  locale: { readonly current: string };
  printReceipt?: ReceiptPrinter;
}

/** The cart, the tender step, completing a sale under the register's gap-free number, and its receipt. */
export function createCheckoutModule({ platform, auth, catalog, outbox, locale, printReceipt }: CheckoutDeps): CheckoutModule {
  const { db, settings, identity, hq, log, events, connectivity } = platform;
  const { policy } = auth;
  const saleRecords = new LedgerRepository(db);
  // Card tokens are kept in the ledger's payments and in the outbox's and dead letters' payloads.
  const cards = new CardProtection({ db, identity, hq, log, cardTokens: { holders: [saleRecords, outbox, new DeadLetters(db)], state: new SyncState(db) } });
  const profile = () => storeProfileOf(platform);
  const currency = () => profile().currency;
  const pricing = new CartPricing(db, profile);
  const carts = new CartRepository(db, pricing);
  const cart = new CartService(carts, catalog.repository, currency, {
    newId: uuidv7,
    embeddedBarcode: () => settings.checkout.embeddedBarcode,
    managerByPin: (pin, action) => policy.requireManager(pin, action),
    noReceiptManagerAbove: () => settings.orders.noReceiptManagerAbove,
    returnAmount: (amount, taxClass) => pricing.grossOf(amount, taxClass),
  });
  let memberCard: MemberCardPort | null = null;
  const cartChanged = (updated: Cart = cart.get()): Cart => {
    events.emit({ name: 'cart.changed', payload: updated });
    return updated;
  };
  // Another cashier takes over a locked till: the open cart is held for the one who left, unless money was taken on it.
  auth.onSwitchUser((from, to) => {
    try {
      const handed = cart.handOver(`${from.name}'s sale`, to.id);
      if (handed) cartChanged(handed);
    } catch {
      // Not written (a full disk): the sale stays open for the next cashier to finish.
    }
  });
  const sales = new SaleService({
    carts,
    sales: saleRecords,
    outbox,
    numberPrefix: () => registerCodes(platform).prefix,
    currency,
    newId: uuidv7,
    terminal: hq ? new HqCardTerminal(hq) : new SimulatedTerminal(),
    cardOnline: () => cardOnline(connectivity),
    offlineLimits: () => settings.offlineCard,
    managerByPin: (pin, action) => policy.requireManager(pin, action),
    sealCard: (pan) => cards.seal(pan),
    cashRounding: () => profile().cashRoundingMinor,
  });
  // Attempts left unanswered by a sale that was voided or completed before a restart go to HQ now.
  sales.reportAbandonedAttempts();
  outbox.onWrite(() => cartChanged());
  const printer = createPrinter(settings.printer, printReceipt ?? null);
  const printerView = (status = printer?.status()) => (printer && status ? { kind: printer.kind, name: printer.name, ...status } : null);
  // An ESC/POS printer is asked how it is now and then, so the status bar says "out of paper" before the next sale does.
  const unwatchPrinter = printer?.onStatus((status) => events.emit({ name: 'printer.changed', payload: printerView(status)! }));
  const printerPoll = printer?.kind === 'escpos' ? setInterval(() => void printer.checkStatus(), PRINTER_POLL_MS) : null;
  printerPoll?.unref();
  if (printer?.kind === 'escpos') void printer.checkStatus();
  const receipts = new ReceiptService({
    receipts: new ReceiptRepository(db),
    issuer: profile,
    // Read at each render, so a receipt follows the language chosen on screen.
    get locale() {
      return locale.current;
    },
    printer,
  });
  // HQ's card key for a register enrolled before HQ gave it (and sealing what it stored in the clear): now, and whenever HQ is back.
  void cards.ensureKey();
  connectivity.subscribe((state) => {
    if (state.state === 'online' && !identity.get()?.cardKey) void cards.ensureKey();
  });

  const handlers: Pick<Handlers, CheckoutChannels> = {
    ...catalogHandlers({ lookup: (code) => cart.lookup(code), promotions: () => pricing.promotions() }),
    'cart.get': () => cart.get(),
    'cart.scan': scanHandler({
      cart,
      memberCard: (code, cashierId) => memberCard?.(code, cashierId) ?? Promise.resolve(null),
      cartChanged: (updated, answered) => events.emit({ name: 'cart.changed', payload: updated }, answered),
    }),
    'cart.search': ({ query }) => ({ products: cart.search(query) }),
    'cart.setQuantity': ({ lineId, quantity }, { user }) => cartChanged(cart.setQuantity(lineId, quantity, user.id)),
    'cart.voidLine': ({ lineId }, { user }) => cartChanged(cart.voidLine(lineId, user.id)),
    'cart.restoreLine': ({ lineId }, { user }) => cartChanged(cart.restoreLine(lineId, user.id)),
    'cart.void': ({ reason }, { user }) => {
      const voided = cart.voidSale(reason, user.id);
      // A card attempt of the voided sale that got no answer is reported, so HQ voids it if it was approved.
      sales.reportAbandonedAttempts();
      return cartChanged(voided);
    },
    'cart.overridePrice': async ({ lineId, price, managerPin }, { user }) => cartChanged(await cart.overridePrice(lineId, price, managerPin, user.id)),
    'cart.discount': async ({ lineId, managerPin, ...off }, { user }) => cartChanged(await cart.discount(lineId, off, managerPin, user.id)),
    'cart.hold': ({ label }, { user }) => cartChanged(cart.hold(label, user.id)),
    'cart.held': () => ({ carts: cart.held() }),
    'cart.recall': ({ saleId }, { user }) => cartChanged(cart.recall(saleId, user.id)),
    'checkout.state': () => sales.state(),
    'checkout.options': () => sales.options(),
    'checkout.addCash': ({ saleId, tendered }) => sales.addCash(saleId, tendered),
    'checkout.addCard': async ({ saleId, ...request }) => sales.addCard(saleId, request),
    // The sale's operations go through the outbox, which tells sync (the pending count, the drainer).
    'checkout.complete': ({ saleId }) => sales.complete(saleId),
    'checkout.declinedCardPayments': () => ({ payments: saleRecords.declinedStoredCards() }),
    'sales.receipt': ({ saleId }) => ({ html: receipts.html(saleId) }),
    'sales.print': ({ saleId }) => receipts.print(saleId),
    'printer.status': () => printerView(),
  };
  const acceptMemberCards = (port: MemberCardPort) => {
    memberCard = port;
  };
  return {
    name: 'checkout',
    cart,
    carts,
    sales,
    saleRecords,
    cards,
    cartChanged,
    pricing,
    acceptMemberCards,
    printer,
    handlers,
    stop: () => {
      if (printerPoll) clearInterval(printerPoll);
      unwatchPrinter?.();
    },
    // HQ's tax classes and promotions, and its verdicts on card payments stored offline; card tokens never go in a support bundle.
    contributes: { feedAppliers: [checkoutFeed(new PricingRulesRepository(db), saleRecords)], secrets: () => saleRecords.storedCardTokens() },
  };
}
