/**
 * The domain schemas the API speaks in (connectivity, sync, checkout, users, products, carts). Module APIs
 * (`shared/modules/*.api.ts`) build on these; `shared/api.ts` joins every channel into one map.
 */
import { z } from 'zod';
import { TenderSchema } from './tender';

export const SERVICE_DOMAINS = ['checkout', 'orders', 'membership', 'auth', 'catalog'] as const;
export type ServiceDomain = (typeof SERVICE_DOMAINS)[number];

export const TAX_CLASSES = ['standard', 'reduced', 'zero'] as const;
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export const ConnectivityReasonSchema = z.union([
  z.literal('manual'),
  z.literal('network'),
  z.templateLiteral(['service:', z.enum(SERVICE_DOMAINS)]),
]);
export type ConnectivityReason = z.infer<typeof ConnectivityReasonSchema>;

export const ConnectivityStateSchema = z.object({
  state: z.enum(['online', 'offline']),
  reasons: z.array(ConnectivityReasonSchema),
  /** When the till entered this state, ms since the epoch. */
  since: z.number().int(),
  /** Who pressed Go offline, when `manual` is a reason. */
  manualBy: z.string().nullable(),
  /** When each current reason began (ms since the epoch), so the status bar can say "since …" for each. */
  reasonSince: z.record(z.string(), z.number().int()).optional(),
  /** Set when the saved offline flag could not be read and the till started offline to be safe. */
  warning: z.string().nullable(),
  /** What the probes know of HQ, also while the cashier has switched the till offline. */
  hq: z.object({
    configured: z.boolean(),
    /** null until the first probe has answered, and in demo mode. */
    reachable: z.boolean().nullable(),
    lastProbeAt: z.number().int().nullable(),
    latencyMs: z.number().int().nullable(),
    /** Why HQ cannot be reached: no network at all, or a network that cannot reach HQ. */
    evidence: z.enum(['no-network', 'hq-unreachable']).nullable(),
    lastError: z.string().nullable(),
  }),
});
export type ConnectivityState = z.infer<typeof ConnectivityStateSchema>;

export const ConnectivityLogEntrySchema = z.object({
  id: z.number().int(),
  at: z.number().int(),
  from: z.enum(['online', 'offline', 'starting']),
  to: z.enum(['online', 'offline']),
  fromReasons: z.array(ConnectivityReasonSchema),
  reasons: z.array(ConnectivityReasonSchema),
  trigger: z.string(),
  user: z.string().nullable(),
  detail: z.string().nullable(),
});
export type ConnectivityLogEntry = z.infer<typeof ConnectivityLogEntrySchema>;

export const SyncStatusSchema = z.object({
  /** Operations waiting to upload. */
  pending: z.number().int(),
  oldestPendingAt: z.number().int().nullable(),
  lastSyncAt: z.number().int().nullable(),
  lastError: z.object({ at: z.number().int(), message: z.string() }).nullable(),
  deadLetters: z.number().int(),
  lastSeq: z.number().int(),
  realtime: z.boolean(),
  hq: z.boolean(),
  /** The earliest upload deadline of a card payment taken offline and not yet sent (ms UTC). */
  nearestCardDeadline: z.number().int().nullable(),
  /** Card payments taken offline that HQ declined afterwards (a manager follows them up). */
  declinedCardPayments: z.number().int(),
  /** When HQ revoked this register's device token (ms UTC): nothing syncs until it is enrolled again. */
  revokedAt: z.number().int().nullable().optional(),
});

/** Free space on the filesystem of the register's data folder (the status bar warns before it runs out). */
export const DiskSpaceSchema = z.object({
  /** The data folder. */
  path: z.string(),
  /** null where the filesystem cannot say. */
  freeBytes: z.number().nullable(),
  totalBytes: z.number().nullable(),
  /** The warning threshold (settings: `storage.lowSpaceMiB`). */
  lowBytes: z.number(),
  /** Less free than `lowBytes`. */
  low: z.boolean(),
  /** A write failed for want of space and no space has come back since. */
  full: z.boolean(),
});
export type DiskSpace = z.infer<typeof DiskSpaceSchema>;

export const DeclinedCardPaymentSchema = z.object({
  paymentId: z.string(),
  saleNumber: z.string().nullable(),
  amount: z.number().int(),
  last4: z.string().nullable(),
  reason: z.string().nullable(),
  capturedAt: z.number().int(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const DeadLetterSchema = z.object({
  id: z.string(),
  entity: z.string(),
  entityId: z.string(),
  type: z.string(),
  payload: z.unknown(),
  createdAt: z.number().int(),
  code: z.string(),
  message: z.string(),
  rejectedAt: z.number().int(),
});

export const TenderStateSchema = z.object({
  saleId: z.string().nullable(),
  due: z.number().int(),
  paid: z.number().int(),
  remaining: z.number().int(),
  /** What settles `remaining` in cash: rounded per the store's cash rounding (equal to it when none). */
  cashDue: z.number().int().optional(),
  /** Rounding the final cash payment settled (cash paid − amount it settled; negative when rounded down). */
  cashRounding: z.number().int().optional(),
  /**
   * A sale whose returned items are worth more than what is bought (a negative `due`): the cash the till
   * gives the customer at completion (rounded per the store's cash rounding). Absent otherwise.
   */
  payout: z.number().int().optional(),
  currency: z.string(),
  payments: z.array(
    z.object({
      id: z.string(),
      /** `points`: loyalty points of the attached member. */
      tender: TenderSchema,
      amount: z.number().int(),
      tendered: z.number().int().nullable(),
      /** `stored`: a card payment taken offline, to be sent to HQ later. */
      status: z.enum(['approved', 'stored']),
      last4: z.string().nullable(),
    }),
  ),
});
export type TenderState = z.infer<typeof TenderStateSchema>;

export const TenderOptionsSchema = z.object({
  cash: z.object({ available: z.literal(true) }),
  card: z.object({
    /** online: authorised now; store-and-forward: taken now, sent to HQ later within the limits. */
    mode: z.enum(['online', 'store-and-forward']),
    /** Why card payments cannot be authorised now, in words for the cashier. */
    reason: z.string().nullable(),
    perPaymentLimit: z.number().int(),
    totalLimit: z.number().int(),
    outstanding: z.number().int(),
    uploadDeadlineHours: z.number().int(),
  }),
});
export type TenderOptions = z.infer<typeof TenderOptionsSchema>;

export const CompletedSaleSchema = z.object({
  saleId: z.string(),
  number: z.string(),
  total: z.number().int(),
  change: z.number().int(),
  currency: z.string(),
});
export type CompletedSaleView = z.infer<typeof CompletedSaleSchema>;

/** Printing a receipt: Electron sends it to the configured printer; the browser preview prints it itself. */
export const ReceiptPrintSchema = z.discriminatedUnion('printed', [
  /** `printer`: the device it went to, empty for the system's default printer. */
  z.object({ printed: z.literal(true), printer: z.string() }),
  /** No printer on this host: the renderer shows the HTML and calls `window.print()` (Save as PDF). */
  z.object({ printed: z.literal(false), html: z.string() }),
]);
export type ReceiptPrint = z.infer<typeof ReceiptPrintSchema>;

export const UserSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['cashier', 'manager']),
});
export type User = z.infer<typeof UserSchema>;

export const ProductSchema = z.object({
  sku: z.string(),
  name: z.string(),
  price: z.number().int(),
  taxClass: z.enum(TAX_CLASSES),
  barcodes: z.array(z.string()),
  /** A scale label may price it (see `priceByLabel` in shared/catalog.ts). */
  priceByLabel: z.boolean().optional(),
});
export type Product = z.infer<typeof ProductSchema>;

export const CartLineSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  lineTotal: z.number().int(),
  /** The promotion on this line (set by the register's pricing) and what it saves; `lineTotal` is after it. */
  promotion: z.object({ id: z.string(), name: z.string(), saving: z.number().int() }).optional(),
  /** The catalog price, when a manager overrode this line's price. */
  originalPrice: z.number().int().optional(),
  /** Minor units a manager took off this line, and the percentage when given as one. */
  discount: z.number().int().optional(),
  discountPercent: z.number().int().optional(),
  /** Set on a line read from a weight label: `unitPrice` is then per kilogram. */
  weightGrams: z.number().int().optional(),
  /**
   * A returned item (an exchange or a return without a receipt): `quantity` is negative and so is `lineTotal`.
   * `orderId`/`orderLineIndex` name the line of the earlier sale it came back from (absent without a receipt).
   */
  returned: z.object({ reason: z.string(), orderId: z.string().optional(), orderNumber: z.string().optional(), orderLineIndex: z.number().int().optional() }).optional(),
});
export type CartLine = z.infer<typeof CartLineSchema>;

/** A cart put aside with Hold, to be recalled later. */
export const HeldCartSchema = z.object({
  id: z.string(),
  label: z.string(),
  heldAt: z.number().int(),
  total: z.number().int(),
  itemCount: z.number().int(),
  currency: z.string(),
});
export type HeldCart = z.infer<typeof HeldCartSchema>;

export const CartSchema = z.object({
  id: z.string().nullable(),
  lines: z.array(CartLineSchema),
  total: z.number().int(),
  currency: z.string(),
  itemCount: z.number().int(),
  /** Σ line totals before promotions (after any manager price or discount). The pricing fields are optional; `total` is the amount due. */
  subtotal: z.number().int().optional(),
  /** What promotions save on this cart: the lines' savings plus the sale-wide discount. */
  discountTotal: z.number().int().optional(),
  /** A spend-threshold promotion the cart reached. */
  saleDiscount: z.object({ id: z.string(), name: z.string(), amount: z.number().int() }).nullable().optional(),
  pricesIncludeTax: z.boolean().optional(),
  /** Tax per class present in the cart: included in the prices, or added on top of them. */
  tax: z.array(z.object({ taxClass: z.enum(TAX_CLASSES), rateBasisPoints: z.number().int(), net: z.number().int(), tax: z.number().int(), gross: z.number().int() })).optional(),
  /** The amount due when paid in cash, after the store's cash rounding. */
  cashDue: z.number().int().optional(),
});
export type Cart = z.infer<typeof CartSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  storeCode: z.string(),
  registerCode: z.string(),
  currency: z.string(),
  locale: z.enum(LOCALES),
  mode: z.enum(['demo', 'hq']),
  /** In HQ mode: whether this register is enrolled yet (a first-run screen takes the store's code). */
  enrolled: z.boolean(),
  /** The till's own choices from settings `checkout`: the receipt after a sale, and the scan sounds. */
  till: z
    .object({
      receipt: z.enum(['print', 'ask', 'none']),
      sound: z.object({ enabled: z.boolean(), volume: z.number().min(0).max(1) }),
      noReceiptManagerAbove: z.number().int(),
    })
    .optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;
