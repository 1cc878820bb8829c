/**
 * The orders module's channels (order list and search, refunds and the end-of-day report): input and output schemas. Joined into `api` in
 * `shared/api.ts`; the channel names are listed in `shared/channels.ts`.
 */
import { z } from 'zod';
import type { ChannelSpec } from '../channel-spec';
import { PinSchema } from '../pin';
import { TenderSchema } from '../tender';

const id = z.string().min(1).max(64);
const pin = PinSchema;
const minor = z.number().int();

/** Where an order in a search result comes from: this register's database, or HQ (another register or store). */
export const OrderSourceSchema = z.enum(['local', 'hq']);
export type OrderSource = z.infer<typeof OrderSourceSchema>;

export const OrderSummarySchema = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.enum(['sale', 'refund']),
  total: minor,
  currency: z.string(),
  /** When the register completed it (ms UTC). */
  createdAt: z.number().int(),
  cashier: z.string().nullable(),
  tenders: z.array(TenderSchema),
  memberId: z.string().nullable(),
  originalOrderId: z.string().nullable(),
  source: OrderSourceSchema,
  /** `<store>-<register>` the order was taken at. */
  origin: z.string(),
  /** Taken at this register (`local` orders always are; an HQ result may be too, when it came back from HQ only). */
  thisRegister: z.boolean(),
});
export type OrderSummary = z.infer<typeof OrderSummarySchema>;

/** Why the search did not ask HQ: offline (what connectivity says) or HQ failed while asked. */
export const SearchNoticeSchema = z.enum(['offline', 'hq-failed', 'demo']).nullable();

export const OrderSearchSchema = z
  .object({
    /** `shift`: the signed-in cashier's orders of the current day; `day`: since the last day close; `all`: everything kept. */
    scope: z.enum(['shift', 'day', 'all']).default('day'),
    /** The sale number, whole (`S01-R01-42`) or its sequence alone (`42`). */
    number: z.string().trim().max(40).optional(),
    /** The total, exactly (minor units, sign ignored). */
    amount: z.number().int().min(0).optional(),
    from: z.number().int().optional(),
    to: z.number().int().optional(),
    tender: TenderSchema.optional(),
    memberId: z.string().trim().min(1).max(64).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type OrderSearch = z.input<typeof OrderSearchSchema>;

export const OrderLineDetailSchema = z.object({
  index: z.number().int(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unitPrice: minor,
  lineTotal: minor,
  /** Quantity already refunded against this line (this register's refunds and HQ's known ones). */
  refunded: z.number().int(),
  /** Of `refunded`, what came back as returned items in sales (exchanges, in a completed sale or still in a cart). */
  returned: z.number().int().optional(),
  refundable: z.number().int(),
});

export const OrderPaymentSchema = z.object({
  id: z.string(),
  tender: TenderSchema,
  amount: minor,
  status: z.enum(['approved', 'stored', 'declined']),
  last4: z.string().nullable(),
});

export const RefundPolicySchema = z.object({
  allowed: z.boolean(),
  /** Why refunds are not allowed right now (a sentence for the cashier), null when they are. */
  reason: z.string().nullable(),
  reasonCode: z.enum(['refund-of-refund', 'cross-register-offline', 'nothing-left', 'demo']).nullable(),
  /** Refunds above this many minor units need a manager's PIN. */
  managerAbove: minor,
  /** What this order has given back so far (written and in-flight refunds): the manager limit counts it. */
  refundedAmount: minor.optional(),
  /** Offline refunds of this register's orders are allowed up to this amount; null online. */
  offlineLimit: minor.nullable(),
  /** Tenders the refund can go back to. */
  tenders: z.array(z.enum(['original', 'cash'])),
  online: z.boolean(),
});

export const OrderDetailSchema = z.object({
  order: OrderSummarySchema,
  lines: z.array(OrderLineDetailSchema),
  payments: z.array(OrderPaymentSchema),
  refunds: z.array(OrderSummarySchema),
  policy: RefundPolicySchema,
});
export type OrderDetail = z.infer<typeof OrderDetailSchema>;

export const RefundRequestSchema = z
  .object({
    orderId: id,
    source: OrderSourceSchema.default('local'),
    lines: z
      .array(z.object({ index: z.number().int().min(0).max(499), quantity: z.number().int().min(1, 'refund at least one').max(100_000) }).strict())
      .min(1, 'choose at least one line to refund')
      .max(500),
    tender: z.enum(['original', 'cash']),
    reason: z.string().trim().min(1, 'a reason is needed').max(200),
    managerPin: pin.optional(),
  })
  .strict();
export type RefundRequest = z.input<typeof RefundRequestSchema>;

export const RefundResultSchema = z.object({
  refund: OrderSummarySchema,
  /** How the money goes back: cash now, card refunded by HQ, or card refund stored to send when online. */
  payments: z.array(OrderPaymentSchema),
});

export const ZReportSchema = z.object({
  /** The day runs from the previous close (or the first order) to now / to the close. */
  from: z.number().int().nullable(),
  to: z.number().int(),
  currency: z.string(),
  salesCount: z.number().int(),
  salesTotal: minor,
  refundsCount: z.number().int(),
  refundsTotal: minor,
  net: minor,
  /** Money in (sales) and out (refunds) per tender; `net` = in + out (out is negative). */
  tenders: z.array(z.object({ tender: TenderSchema, in: minor, out: minor, net: minor })),
  offlineCardOutstanding: minor,
  pendingSync: z.number().int(),
  deadLetters: z.number().int(),
  /** Set once the day is closed. */
  closed: z.object({ at: z.number().int(), by: z.string(), unsyncedOperations: z.number().int(), managerConfirmed: z.boolean() }).nullable(),
  /**
   * The day's drawer sessions (cash management): a closed one with expected, counted and over/short; the
   * open one with its float only (its count is blind until it is made).
   */
  drawers: z
    .array(
      z.object({
        id: z.string(),
        openedAt: z.number().int(),
        float: minor,
        openedAtFirstSale: z.boolean(),
        closedAt: z.number().int().nullable(),
        expected: minor.nullable(),
        counted: minor.nullable(),
        variance: minor.nullable(),
      }),
    )
    .optional(),
});
export type ZReport = z.infer<typeof ZReportSchema>;

export const ordersApi = {
  'orders.search': { input: OrderSearchSchema, output: z.object({ orders: z.array(OrderSummarySchema), notice: SearchNoticeSchema, hqSearched: z.boolean() }), access: 'signedIn' },
  'orders.detail': { input: z.object({ orderId: id, source: OrderSourceSchema.default('local') }).strict(), output: OrderDetailSchema, access: 'signedIn' },
  'orders.refund': { input: RefundRequestSchema, output: RefundResultSchema, access: 'signedIn' },
  'day.report': { input: z.object({}).strict(), output: ZReportSchema, access: 'signedIn' },
  'day.close': { input: z.object({ managerPin: pin.optional() }).strict(), output: ZReportSchema, access: 'signedIn' },
  'day.reportHtml': { input: z.object({}).strict(), output: z.object({ html: z.string() }), access: 'signedIn' },
} as const satisfies Record<string, ChannelSpec>;
