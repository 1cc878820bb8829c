/**
 * The names of every call and event that crosses the process boundary. Kept free of imports so the
 * sandboxed preload can bundle it without pulling in the schemas.
 */
export const CHANNELS = [
  'app.info',
  // languages: the cashier's or manager's choice, kept across restarts
  'app.setLocale',
  'session.get',
  'session.login',
  'session.logout',
  'catalog.lookup',
  'catalog.priceCheck',
  'cart.get',
  'cart.scan',
  'cart.search',
  'cart.setQuantity',
  'cart.voidLine',
  'cart.restoreLine',
  'cart.void',
  'cart.overridePrice',
  'cart.discount',
  'cart.hold',
  'cart.held',
  'cart.recall',
  'cart.addReturn',
  'connectivity.get',
  'connectivity.goOffline',
  'connectivity.goOnline',
  'connectivity.log',
  'checkout.state',
  'checkout.options',
  'checkout.addCash',
  'checkout.addCard',
  'checkout.complete',
  'checkout.declinedCardPayments',
  'sales.receipt',
  'sales.print',
  'sync.status',
  'sync.deadLetters',
  'sync.retry',
  'sync.discard',
  'register.enrol',
  // the data folder's free space (the status bar's disk warning)
  'storage.status',
  // the receipt printer's state (the status bar's printer warning)
  'printer.status',
  // auth: unlocking a screen that auto-locked
  'session.unlock',
  // orders: order list and search, refunds, end of day
  'orders.search',
  'orders.detail',
  'orders.refund',
  'day.report',
  'day.close',
  'day.reportHtml',
  // cash: the drawer session (float, paid in and out, drops, no-sale, X report, blind count, close)
  'cash.state',
  'cash.open',
  'cash.move',
  'cash.xReport',
  'cash.count',
  'cash.close',
  // diagnostics (manager): the page's data and the support bundle
  'diagnostics.overview',
  'diagnostics.bundle',
  // membership: member lookup and enrolment, the member on the sale, points as tender
  'membership.lookup',
  'membership.enrol',
  'membership.attached',
  'membership.attach',
  'membership.detach',
  'membership.redeem',
  'membership.scanCard',
] as const;

export type Channel = (typeof CHANNELS)[number];

export const EVENTS = ['connectivity.changed', 'session.changed', 'cart.changed', 'sync.changed', 'app.changed', 'storage.changed', 'printer.changed'] as const;

export type EventName = (typeof EVENTS)[number];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && (CHANNELS as readonly string[]).includes(name);
}

/** The Electron IPC channel that carries events from the main process to the renderer. */
export const EVENT_IPC_CHANNEL = 'kassa:event';
