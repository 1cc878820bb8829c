/**
 * The typed API between the renderer and the main process: each channel once, with its input schema
 * and its output schema. The preload, the IPC handlers, the web host and the renderer client all derive
 * from this map. Each module's channels live beside it in `shared/modules/<module>.api.ts`.
 */
import { z } from 'zod';
import type { Channel, EventName } from './channels';
import type { ChannelSpec } from './channel-spec';
import { AttachedMemberSchema, membershipApi } from './modules/membership.api';
import { ordersApi } from './modules/orders.api';
import { cashApi } from './modules/cash.api';
import { adminApi } from './modules/admin.api';
import { authApi, SessionStateSchema } from './modules/auth.api';
import { PinSchema } from './pin';
import {
  AppInfoSchema,
  LOCALES,
  CartSchema,
  CompletedSaleSchema,
  ConnectivityLogEntrySchema,
  ConnectivityStateSchema,
  DeadLetterSchema,
  DeclinedCardPaymentSchema,
  DiskSpaceSchema,
  HeldCartSchema,
  ProductSchema,
  ReceiptPrintSchema,
  SyncStatusSchema,
  TenderOptionsSchema,
  TenderStateSchema,
  UserSchema,
} from './schemas';


/** The receipt printer as the status bar shows it: an ESC/POS printer's state, with a sentence for the cashier. */
export const PrinterStatusSchema = z.object({
  kind: z.enum(['system', 'escpos']),
  name: z.string(),
  state: z.enum(['online', 'paperOut', 'coverOpen', 'error', 'offline', 'unknown']),
  paperLow: z.boolean(),
  message: z.string(),
  checkedAt: z.number().int(),
});
export type PrinterStatusView = z.infer<typeof PrinterStatusSchema>;

export * from './schemas';

const empty = z.object({}).strict();
/** What a scanner or the cashier typed: bounded so a stuck key cannot flood the main process. */
const scanText = z.string().min(1).max(64);
const lineId = z.string().min(1).max(64);
const managerPin = PinSchema;
const returnReason = z.string().trim().min(1, 'a reason is needed').max(200);
export const CartReturnRequestSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('receipt'),
      orderId: z.string().min(1).max(64),
      source: z.enum(['local', 'hq']).default('local'),
      lines: z
        .array(z.object({ index: z.number().int().min(0).max(499), quantity: z.number().int().min(1).max(9999) }).strict())
        .min(1)
        .max(200),
      reason: returnReason,
      managerPin: managerPin.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('noReceipt'), code: scanText, quantity: z.number().int().min(1).max(999).default(1), reason: returnReason, managerPin: managerPin.optional() }).strict(),
]);
export type CartReturnRequest = z.input<typeof CartReturnRequestSchema>;

/**
 * `cart.scan`'s answer: the cart (the caller's only copy: the other windows hear `cart.changed`). `member`: the
 * code was a member's loyalty card, not a product, and this member is now on the sale. A code that is neither
 * is an error (UNKNOWN_BARCODE, INVALID_BARCODE), as before.
 */
export const ScanResultSchema = CartSchema.extend({ member: AttachedMemberSchema.optional() });
export type ScanResult = z.infer<typeof ScanResultSchema>;

export const api = {
  'app.info': { input: empty, output: AppInfoSchema, access: 'anyone', whileLocked: true, passive: true },
  'app.setLocale': { input: z.object({ locale: z.enum(LOCALES) }).strict(), output: AppInfoSchema, access: 'anyone' },
  'session.get': { input: empty, output: SessionStateSchema, access: 'anyone', whileLocked: true, passive: true },
  'session.login': { input: z.object({ pin: PinSchema }).strict(), output: z.object({ user: UserSchema }), access: 'anyone', whileLocked: true },
  'session.logout': { input: empty, output: z.object({ user: z.null() }), access: 'anyone', whileLocked: true },
  'catalog.lookup': { input: z.object({ code: scanText }).strict(), output: z.object({ product: ProductSchema }), access: 'signedIn' },
  /** Price check (F5): the product, its price and the promotions on it, without adding it to the cart. */
  'catalog.priceCheck': { input: z.object({ code: scanText }).strict(), output: z.object({ product: ProductSchema, promotions: z.array(z.object({ id: z.string(), name: z.string() })) }), access: 'signedIn' },
  'cart.get': { input: empty, output: CartSchema, access: 'signedIn', passive: true },
  /**
   * `quantity`: "n *" typed before the scan makes it n of the item (default 1). A code no product has but a
   * member's loyalty card does attaches that member to the sale in the same call.
   */
  'cart.scan': { input: z.object({ code: scanText, quantity: z.number().int().min(1).max(9999).optional() }).strict(), output: ScanResultSchema, access: 'signedIn' },
  'cart.search': { input: z.object({ query: z.string().trim().min(1).max(64) }).strict(), output: z.object({ products: z.array(ProductSchema) }), access: 'signedIn' },
  'cart.setQuantity': { input: z.object({ lineId: lineId, quantity: z.number().int() }).strict(), output: CartSchema, access: 'signedIn' },
  'cart.voidLine': { input: z.object({ lineId: lineId }).strict(), output: CartSchema, access: 'signedIn' },
  /** Undo of a line void: brings the line back as it was, while the sale is still open and unpaid. */
  'cart.restoreLine': { input: z.object({ lineId: lineId }).strict(), output: CartSchema, access: 'signedIn' },
  'cart.void': { input: z.object({ reason: z.string().trim().min(1, 'a reason is needed').max(200) }).strict(), output: CartSchema, access: 'signedIn' },
  'cart.overridePrice': { input: z.object({ lineId: lineId, price: z.number().int(), managerPin: managerPin }).strict(), output: CartSchema, access: 'signedIn' },
  'cart.discount': {
    input: z.object({ lineId: lineId, percent: z.number().int().optional(), amount: z.number().int().optional(), managerPin: managerPin }).strict(),
    output: CartSchema,
    access: 'signedIn',
  },
  'cart.hold': { input: z.object({ label: z.string().trim().max(40).optional() }).strict(), output: CartSchema, access: 'signedIn' },
  'cart.held': { input: empty, output: z.object({ carts: z.array(HeldCartSchema) }), access: 'signedIn' },
  'cart.recall': { input: z.object({ saleId: z.string().max(64) }).strict(), output: CartSchema, access: 'signedIn' },
  /**
   * Return lines in the cart (an exchange, or a return without a receipt): they enter as negative lines beside
   * new ones and are settled by the one sale. `receipt`: lines of an earlier order (by index, as `orders.refund` names them), at the price paid, up to what
   * it still has to give back. `noReceipt`: a product at today's price, with a manager's PIN above
   * `orders.noReceiptManagerAbove`.
   */
  'cart.addReturn': { input: CartReturnRequestSchema, output: CartSchema, access: 'signedIn' },
  'connectivity.get': { input: empty, output: ConnectivityStateSchema, access: 'anyone', whileLocked: true, passive: true },
  'connectivity.goOffline': { input: empty, output: ConnectivityStateSchema, access: 'signedIn' },
  'connectivity.goOnline': { input: empty, output: ConnectivityStateSchema, access: 'signedIn' },
  'checkout.state': { input: empty, output: TenderStateSchema, access: 'signedIn', passive: true },
  'checkout.options': { input: empty, output: TenderOptionsSchema, access: 'signedIn', passive: true },
  'checkout.addCash': { input: z.object({ saleId: z.string().max(64), tendered: z.number().int() }).strict(), output: TenderStateSchema, access: 'signedIn' },
  'checkout.addCard': {
    input: z
      .object({
        saleId: z.string().max(64),
        amount: z.number().int().optional(),
        cardNumber: z.string().max(23).optional(),
        storeAndForward: z.boolean().optional(),
        managerPin: managerPin.optional(),
      })
      .strict(),
    output: TenderStateSchema,
    access: 'signedIn',
  },
  'checkout.complete': { input: z.object({ saleId: z.string().max(64) }).strict(), output: CompletedSaleSchema, access: 'signedIn' },
  'checkout.declinedCardPayments': { input: empty, output: z.object({ payments: z.array(DeclinedCardPaymentSchema) }), access: 'signedIn', passive: true },
  'sales.receipt': { input: z.object({ saleId: z.string().min(1).max(64) }).strict(), output: z.object({ html: z.string() }), access: 'signedIn', passive: true },
  'sales.print': { input: z.object({ saleId: z.string().min(1).max(64) }).strict(), output: ReceiptPrintSchema, access: 'signedIn' },
  'sync.status': { input: empty, output: SyncStatusSchema, access: 'anyone', whileLocked: true, passive: true },
  'sync.deadLetters': { input: empty, output: z.object({ deadLetters: z.array(DeadLetterSchema) }), access: 'signedIn' },
  'sync.retry': { input: z.object({ id: z.string().max(64), managerPin: managerPin }).strict(), output: SyncStatusSchema, access: 'anyone' },
  'sync.discard': { input: z.object({ id: z.string().max(64), managerPin: managerPin }).strict(), output: SyncStatusSchema, access: 'anyone' },
  'storage.status': { input: empty, output: DiskSpaceSchema, access: 'anyone', whileLocked: true, passive: true },
  // the receipt printer's state (the status bar's printer warning); null where the printer cannot say
  'printer.status': { input: empty, output: PrinterStatusSchema.nullable(), access: 'anyone', whileLocked: true, passive: true },
  'register.enrol': { input: z.object({ code: z.string().trim().min(1).max(128) }).strict(), output: AppInfoSchema, access: 'anyone', whileLocked: true },
  'connectivity.log': {
    input: z.object({ limit: z.number().int().min(1).max(1000).default(200), beforeId: z.number().int().positive().optional() }).strict(),
    output: z.object({ entries: z.array(ConnectivityLogEntrySchema) }),
    access: 'anyone', whileLocked: true, passive: true,
  },
  ...ordersApi,
  ...cashApi,
  ...membershipApi,
  ...adminApi,
  ...authApi,
} as const satisfies Record<Channel, ChannelSpec>;

export type Api = typeof api;
export type ChannelInput<C extends Channel> = z.input<Api[C]['input']>;
export type ChannelOutput<C extends Channel> = z.infer<Api[C]['output']>;

export const eventSchemas = {
  'connectivity.changed': ConnectivityStateSchema,
  'session.changed': SessionStateSchema,
  'cart.changed': CartSchema,
  'sync.changed': SyncStatusSchema,
  'app.changed': AppInfoSchema,
  'storage.changed': DiskSpaceSchema,
  'printer.changed': PrinterStatusSchema,
} as const satisfies Record<EventName, z.ZodType>;

export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
export type KassaEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** Messages on the web host's WebSocket (`/api`). */
export const WsRequestSchema = z.object({ id: z.number().int().nonnegative(), channel: z.string().max(64), input: z.unknown() }).strict();
export type WsRequest = z.infer<typeof WsRequestSchema>;
