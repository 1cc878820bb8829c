/**
 * `POST /sync/push`: the operations a register's outbox uploads, and HQ's answer for each. HQ applies an
 * operation once per id; the payload schemas below are checked per operation, so one bad operation is
 * rejected on its own and the rest of the batch still applies.
 */
import { z } from 'zod';
import { TAX_CLASSES } from '../api';
import { CurrencySchema, IdSchema, IsoTimeSchema, MinorUnitsSchema } from './common';
import { MemberCardSchema, PhoneSchema, PointEntrySchema } from './members';
import { TenderSchema } from '../tender';

export const MAX_PUSH_OPS = 1000;
export const MAX_PUSH_BYTES = 2 * 1024 * 1024;

/** `<store>-<register>-<sequence>`, as printed on the receipt. */
export const SaleNumberSchema = z.string().regex(/^[A-Za-z0-9]{1,12}-[A-Za-z0-9]{1,12}-[1-9]\d{0,11}$/, 'must look like S01-R01-42');

export const OrderLineSchema = z.object({
  sku: z.string().min(1).max(40),
  name: z.string().min(1).max(120),
  quantity: z.number().int().refine((n) => n !== 0, 'must not be 0'),
  unitPrice: MinorUnitsSchema,
  taxClass: z.enum(TAX_CLASSES),
  lineTotal: MinorUnitsSchema,
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

const orderFields = {
  id: IdSchema,
  number: SaleNumberSchema,
  cashierId: IdSchema,
  currency: CurrencySchema,
  lines: z.array(OrderLineSchema).min(1).max(500),
  total: MinorUnitsSchema,
  memberId: IdSchema.optional(),
  createdAt: IsoTimeSchema,
};

/**
 * A returned item in a sale (an exchange, or a return without a receipt): negative quantity and total.
 * `orderId`/`originalLineIndex` name the line of the earlier order it came back from (absent without a
 * receipt); HQ checks that order is the register's store's and counts the line against what it can still refund.
 */
export const ReturnedSchema = z
  .object({
    reason: z.string().min(1).max(200),
    orderId: IdSchema.optional(),
    orderNumber: z.string().max(64).optional(),
    originalLineIndex: z.number().int().min(0).max(499).optional(),
  })
  .refine((r) => (r.orderId === undefined) === (r.originalLineIndex === undefined), 'orderId and originalLineIndex come together');
export const SaleLineSchema = OrderLineSchema.extend({ returned: ReturnedSchema.optional() }).refine(
  (l) => l.returned === undefined || (l.quantity < 0 && l.lineTotal <= 0),
  'a returned line has a negative quantity and total',
);
export type SaleLine = z.infer<typeof SaleLineSchema>;

/**
 * `cashRounding`: when the sale was settled in cash under a cash-rounding rule, the payments' sum minus
 * `total` (e.g. -2 for 9.97 paid as 9.95), so HQ can reconcile; absent when none (older registers too).
 */
export const SalePayloadSchema = z.object({ ...orderFields, lines: z.array(SaleLineSchema).min(1).max(500), cashRounding: z.number().int().min(-50).max(50).optional() });
/**
 * A refund line: negative quantity and total. `originalLineIndex` (0-based index in the original order's
 * lines) lets HQ check that no line is refunded beyond what it sold; older registers leave it out.
 */
export const RefundLineSchema = OrderLineSchema.extend({ originalLineIndex: z.number().int().min(0).max(499).optional() });
export type RefundLine = z.infer<typeof RefundLineSchema>;

/** A refund is a new order that references the original; its total is negative. */
export const RefundPayloadSchema = z.object({
  ...orderFields,
  lines: z.array(RefundLineSchema).min(1).max(500),
  originalOrderId: IdSchema,
  reason: z.string().max(200).optional(),
});

export const PaymentPayloadSchema = z.object({
  id: IdSchema,
  orderId: IdSchema,
  tender: TenderSchema,
  amount: MinorUnitsSchema,
  status: z.enum(['approved', 'stored', 'declined']),
  reference: z.string().max(64).optional(),
  createdAt: IsoTimeSchema,
});

/** A member enrolled at the register (possibly offline, with a local id); HQ merges by phone. */
export const MemberPayloadSchema = z.object({
  id: IdSchema,
  name: z.string().trim().min(1).max(120),
  phone: PhoneSchema,
  card: MemberCardSchema.optional(),
  createdAt: IsoTimeSchema,
});

export const PointLedgerPayloadSchema = PointEntrySchema;

/** A card payment taken offline (store-and-forward); HQ settles it through the card gateway. */
export const OfflineCardPaymentPayloadSchema = z.object({
  id: IdSchema,
  orderId: IdSchema,
  amount: z.number().int().positive(),
  currency: CurrencySchema,
  /**
   * The card number sealed to HQ's card key (`v1.<key>.<iv>.<data>`, see server/src/payments/card-key.ts):
   * a plain card number is refused here, so it never reaches HQ's database.
   */
  cardToken: z.string().max(1024).regex(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be the card number sealed to HQ\'s card key (v1.<key>.<iv>.<data>), never the number itself'),
  last4: z.string().regex(/^\d{4}$/),
  capturedAt: IsoTimeSchema,
  uploadDeadline: IsoTimeSchema.optional(),
});

/**
 * A card attempt that no completed sale uses (the cashier took another tender, the sale was voided, the
 * register restarted): HQ voids it if it was approved, and refuses it if it arrives later.
 */
export const CardAttemptPayloadSchema = z.object({
  id: IdSchema,
  orderId: IdSchema,
  amount: z.number().int().positive(),
  currency: CurrencySchema,
  createdAt: IsoTimeSchema,
});

/** Each entity type, the operation types it has, and its payload. */
/** A register's drawer session opened: with a counted float, or by its first cash sale with a float of 0. */
export const CashSessionPayloadSchema = z.object({
  id: IdSchema,
  currency: z.string().regex(/^[A-Z]{3}$/),
  openedAt: IsoTimeSchema,
  openedBy: z.string().min(1).max(64),
  float: MinorUnitsSchema.refine((n) => n >= 0, 'must be 0 or more'),
  openedAtFirstSale: z.boolean(),
});

/** One movement of cash in or out of a session's drawer, signed (into the drawer positive). */
export const CashMovementPayloadSchema = z.object({
  id: IdSchema,
  sessionId: IdSchema,
  kind: z.enum(['sale', 'change', 'refund', 'paid-in', 'paid-out', 'drop', 'no-sale']),
  amount: MinorUnitsSchema,
  orderId: IdSchema.optional(),
  reason: z.string().max(40).optional(),
  note: z.string().max(500).optional(),
  userId: z.string().min(1).max(64),
  approvedBy: z.string().max(64).optional(),
  at: IsoTimeSchema,
});

/** A drawer session closed after its blind count: expected, counted, and the manager's note on a variance. */
export const CashClosePayloadSchema = z.object({
  id: IdSchema,
  countedAt: IsoTimeSchema,
  countedBy: z.string().min(1).max(64),
  counted: MinorUnitsSchema.refine((n) => n >= 0, 'must be 0 or more'),
  expected: MinorUnitsSchema,
  closedAt: IsoTimeSchema,
  closedBy: z.string().min(1).max(64),
  note: z.string().max(500).optional(),
  approvedBy: z.string().max(64).optional(),
});

/**
 * One change of a register's connectivity, as its local log recorded it: telemetry for HQ's fleet view
 * (the timeline of each register), uploaded through the outbox like every operation so HQ keeps each once.
 * `id` is the log row's own id (a UUID, unique per register); `switchedBy` the cashier's display name when
 * the switch was pressed.
 */
export const ConnectivityTransitionPayloadSchema = z.object({
  id: z.uuid({ message: 'must be a UUID' }),
  at: IsoTimeSchema,
  from: z.enum(['online', 'offline', 'starting']),
  to: z.enum(['online', 'offline']),
  reasons: z.array(z.string().regex(/^(manual|network|service:[a-z-]+)$/, "must be 'manual', 'network' or 'service:<domain>'")).max(10),
  trigger: z.string().min(1).max(64),
  switchedBy: z.string().max(80).nullable(),
});

/**
 * Entities whose operations are telemetry, not the register's business: they upload like every operation
 * but never count as work waiting (the cashier's "waiting to sync", the day close, the update policy).
 */
export const TELEMETRY_ENTITIES = ['connectivityTransition'] as const;

export const ENTITIES = {
  sale: { types: ['completed'], payload: SalePayloadSchema },
  refund: { types: ['completed'], payload: RefundPayloadSchema },
  payment: { types: ['recorded'], payload: PaymentPayloadSchema },
  member: { types: ['enrolled'], payload: MemberPayloadSchema },
  pointLedger: { types: ['appended'], payload: PointLedgerPayloadSchema },
  offlineCardPayment: { types: ['captured'], payload: OfflineCardPaymentPayloadSchema },
  cardAttempt: { types: ['abandoned'], payload: CardAttemptPayloadSchema },
  cashSession: { types: ['opened'], payload: CashSessionPayloadSchema },
  cashMovement: { types: ['recorded'], payload: CashMovementPayloadSchema },
  cashClose: { types: ['closed'], payload: CashClosePayloadSchema },
  connectivityTransition: { types: ['recorded'], payload: ConnectivityTransitionPayloadSchema },
} as const;
export type EntityType = keyof typeof ENTITIES;
export const ENTITY_TYPES = Object.keys(ENTITIES) as EntityType[];

export type SalePayload = z.infer<typeof SalePayloadSchema>;
export type RefundPayload = z.infer<typeof RefundPayloadSchema>;
export type PaymentPayload = z.infer<typeof PaymentPayloadSchema>;
export type MemberPayload = z.infer<typeof MemberPayloadSchema>;
export type PointLedgerPayload = z.infer<typeof PointLedgerPayloadSchema>;
export type OfflineCardPaymentPayload = z.infer<typeof OfflineCardPaymentPayloadSchema>;
export type CardAttemptPayload = z.infer<typeof CardAttemptPayloadSchema>;
export type CashSessionPayload = z.infer<typeof CashSessionPayloadSchema>;
export type CashMovementPayload = z.infer<typeof CashMovementPayloadSchema>;
export type CashClosePayload = z.infer<typeof CashClosePayloadSchema>;
export type ConnectivityTransitionPayload = z.infer<typeof ConnectivityTransitionPayloadSchema>;

/** The envelope every operation has; `payload` is checked against its entity's schema per operation. */
export const OperationSchema = z
  .object({
    id: z.uuid({ message: 'must be a UUID' }),
    entity: z.string().min(1).max(40),
    entityId: IdSchema,
    type: z.string().min(1).max(40),
    payload: z.record(z.string(), z.unknown()),
    createdAt: IsoTimeSchema,
  })
  .strict();
export type Operation = z.infer<typeof OperationSchema>;

/** A typed operation, for the register to build. */
export type TypedOperation = {
  [E in EntityType]: {
    id: string;
    entity: E;
    entityId: string;
    type: (typeof ENTITIES)[E]['types'][number];
    payload: z.input<(typeof ENTITIES)[E]['payload']>;
    createdAt: string;
  };
}[EntityType];

export const PushRequestSchema = z
  .object({
    registerId: IdSchema,
    ops: z.array(OperationSchema).max(MAX_PUSH_OPS, `a batch holds at most ${MAX_PUSH_OPS} operations; send the rest in the next batch`),
  })
  .strict();
export type PushRequest = z.infer<typeof PushRequestSchema>;

/**
 * `OTHER_STORE`: the operation names an order, card payment or drawer session of another store (a
 * register acts for its own store only); a drawer session of another register of the store is a `CONFLICT`. `NOT_ALLOWED`: a register may not push this (a points `adjust` is an admin's action).
 */
export const REJECTION_CODES = ['UNKNOWN_ENTITY', 'UNKNOWN_TYPE', 'INVALID_PAYLOAD', 'CONFLICT', 'UNKNOWN_MEMBER', 'DUPLICATE_CARD', 'REFUND_EXCEEDS', 'OTHER_STORE', 'NOT_ALLOWED'] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/**
 * A deferred operation is neither applied nor rejected: it names an order HQ has not received yet (a
 * refund of another register's sale still on its way, a payment of it). HQ keeps nothing of it; the
 * register keeps it and sends it again later. `ORIGINAL_UNKNOWN`: a refund's original order;
 * `ORDER_UNKNOWN`: the order of a payment, points entry or cash movement; `SESSION_UNKNOWN`: the drawer
 * session of a cash movement or close; `MOVEMENTS_PENDING`: a close whose session has a movement HQ
 * deferred in the same batch (the close waits for it, so HQ checks the session's sum with it).
 */
export const DEFERRAL_CODES = ['ORIGINAL_UNKNOWN', 'ORDER_UNKNOWN', 'SESSION_UNKNOWN', 'MOVEMENTS_PENDING'] as const;
export type DeferralCode = (typeof DEFERRAL_CODES)[number];

export const OpResultSchema = z.discriminatedUnion('status', [
  /** `memberId`: for a member enrolment, the member's id on HQ (another member's when merged by phone). */
  z.object({ id: z.string(), status: z.literal('applied'), memberId: z.string().optional() }),
  z.object({ id: z.string(), status: z.literal('duplicate'), memberId: z.string().optional() }),
  z.object({ id: z.string(), status: z.literal('rejected'), code: z.enum(REJECTION_CODES), message: z.string() }),
  z.object({ id: z.string(), status: z.literal('deferred'), code: z.enum(DEFERRAL_CODES), message: z.string() }),
]);
export type OpResult = z.infer<typeof OpResultSchema>;

/**
 * One result per operation, in the order they were sent. `epoch`: HQ's epoch (see EpochSchema in feed.ts;
 * absent from an older HQ).
 */
export const PushResponseSchema = z.object({ results: z.array(OpResultSchema), epoch: z.string().min(1).max(64).optional() });
export type PushResponse = z.infer<typeof PushResponseSchema>;
