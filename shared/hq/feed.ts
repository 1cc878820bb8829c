/**
 * The change feed (`GET /sync/changes`, `GET /sync/stream`) and the snapshot (`GET /sync/snapshot`).
 * Every server-authoritative change has a sequence number that only grows.
 */
import { z } from 'zod';
import { TenderSchema } from '../tender';
import { TAX_CLASSES } from '../api';
import { CatalogProductSchema } from '../catalog';
import { IdSchema } from './common';
import { MemberSchema } from './members';
import { OrderLineSchema, ReturnedSchema } from './ops';

export const CHANGE_KINDS = ['product', 'taxClass', 'promotion', 'member', 'order', 'pointLedger', 'cardSettlement', 'user'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const TaxClassSchema = z.object({ code: z.enum(TAX_CLASSES), name: z.string(), rateBasisPoints: z.number().int().min(0).max(10000) });
export type TaxClass = z.infer<typeof TaxClassSchema>;

/** The rates a register prices with before HQ has sent any (demo mode), and the demo store's rates on HQ. */
export const DEFAULT_TAX_CLASSES: readonly TaxClass[] = [
  { code: 'standard', name: 'Standard rate', rateBasisPoints: 2000 },
  { code: 'reduced', name: 'Reduced rate', rateBasisPoints: 700 },
  { code: 'zero', name: 'Zero rate', rateBasisPoints: 0 },
];

const isoTime = z.iso.datetime({ message: 'must be an ISO 8601 UTC time', offset: true });

/**
 * When a promotion applies: from `startsAt` (absent or null: already) until `endsAt` (absent or null: until
 * ended), and only while `active`. Optional, so a register older than schedules reads the promotion as before.
 */
const schedule = { startsAt: isoTime.nullable().optional(), endsAt: isoTime.nullable().optional() };

/** A promotion the register's pricing applies; HQ only stores and distributes it. */
export const PromotionSchema = z.discriminatedUnion('kind', [
  z.object({ id: IdSchema, name: z.string().min(1).max(120), kind: z.literal('percentOff'), percent: z.number().int().min(1).max(100), skus: z.array(z.string()).min(1), active: z.boolean(), ...schedule }),
  /** Buy `quantity` of the listed products (mixed freely), pay for the `payFor` dearest of each set; the rest of the set is free. */
  z.object({ id: IdSchema, name: z.string().min(1).max(120), kind: z.literal('multiBuy'), quantity: z.number().int().min(2).max(100), payFor: z.number().int().min(1).max(99), skus: z.array(z.string()).min(1), active: z.boolean(), ...schedule }),
  /** `amountOff` minor units off each unit of the listed products (never below zero). */
  z.object({ id: IdSchema, name: z.string().min(1).max(120), kind: z.literal('fixedOff'), amountOff: z.number().int().min(1), skus: z.array(z.string()).min(1), active: z.boolean(), ...schedule }),
  /** Spend at least `minSpend` (after the lines' own promotions) and `amountOff` comes off the whole sale. */
  z.object({ id: IdSchema, name: z.string().min(1).max(120), kind: z.literal('threshold'), minSpend: z.number().int().min(1), amountOff: z.number().int().min(1), active: z.boolean(), ...schedule }),
]);
export type Promotion = z.infer<typeof PromotionSchema>;

/** Whether a promotion applies at `now` (ms): active, and now within [startsAt, endsAt). */
export function promotionInEffect(promotion: Pick<Promotion, 'active' | 'startsAt' | 'endsAt'>, now: number): boolean {
  if (!promotion.active) return false;
  if (promotion.startsAt && now < Date.parse(promotion.startsAt)) return false;
  if (promotion.endsAt && now >= Date.parse(promotion.endsAt)) return false;
  return true;
}

/**
 * A cashier or manager as registers cache them for sign-in: the PIN's scrypt hash as HQ keeps it, and the
 * store they sign in at (null: every store). A change of kind `user` goes only to that store's registers.
 */
export const FeedUserSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(['cashier', 'manager']), active: z.boolean(), pinHash: z.string(), storeId: z.string().nullable() });
export type FeedUser = z.infer<typeof FeedUserSchema>;

export const OrderSchema = z.object({
  id: z.string(),
  number: z.string(),
  registerId: z.string(),
  storeId: z.string(),
  kind: z.enum(['sale', 'refund']),
  total: z.number().int(),
  currency: z.string(),
  createdAt: z.string(),
  /** A refund's lines name their original line (`originalLineIndex`); a sale's returned lines say what came back (`returned`). */
  lines: z.array(OrderLineSchema.extend({ originalLineIndex: z.number().int().optional(), returned: ReturnedSchema.optional() })),
  originalOrderId: z.string().nullable(),
});
export type Order = z.infer<typeof OrderSchema>;

/**
 * A payment of an order as `GET /orders/search` shows it: `amount` in minor units (negative on a refund),
 * cash at what the sale kept. `status`: cash and points as recorded; a card paid online, its
 * authorisation's status (`approved`, or `voided`); a card taken offline, its settlement's.
 */
export const OrderPaymentSchema = z.object({
  tender: TenderSchema,
  amount: z.number().int(),
  last4: z.string().optional(),
  status: z.enum(['approved', 'declined', 'stored', 'pending', 'settling', 'settled', 'voided', 'reserved']),
});
export type OrderPayment = z.infer<typeof OrderPaymentSchema>;

/** An order found by `GET /orders/search`, with its payments in the order they were taken (the feed's orders have none). */
export const OrderWithPaymentsSchema = OrderSchema.extend({ payments: z.array(OrderPaymentSchema) });
export type OrderWithPayments = z.infer<typeof OrderWithPaymentsSchema>;

export const CardSettlementSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  registerId: z.string(),
  amount: z.number().int(),
  status: z.enum(['settled', 'declined']),
  reason: z.string().nullable(),
});

/** What `data` holds for each kind (`delete` changes carry `{ sku }` or `{ id }` only). */
export const ChangeDataSchemas = {
  product: CatalogProductSchema,
  taxClass: TaxClassSchema,
  promotion: PromotionSchema,
  member: MemberSchema,
  order: OrderSchema,
  pointLedger: z.object({ id: z.string(), memberId: z.string(), delta: z.number().int(), reason: z.string(), orderId: z.string().nullable(), createdAt: z.string() }),
  cardSettlement: CardSettlementSchema,
  user: FeedUserSchema,
} as const satisfies Record<ChangeKind, z.ZodType>;

export const ChangeSchema = z.object({
  seq: z.number().int().positive(),
  kind: z.enum(CHANGE_KINDS),
  action: z.enum(['upsert', 'delete']),
  entityId: z.string(),
  data: z.unknown(),
});
export type Change = z.infer<typeof ChangeSchema>;

/**
 * Kinds HQ sends a register only when it names them in `kinds`: a register older than a kind refuses a feed
 * page that holds one (its schema does not know the kind), so HQ keeps them from registers that did not ask.
 */
export const OPT_IN_KINDS = ['user'] as const satisfies readonly ChangeKind[];
export type OptInKind = (typeof OPT_IN_KINDS)[number];
/** `kinds`: the opt-in kinds a register understands, comma-separated (unknown names are ignored). */
export const OptInKindsSchema = z.string().regex(/^[A-Za-z,]*$/, 'must be change kinds separated by commas').max(200).optional();
/** The opt-in kinds a `kinds` query names. */
export function optInKindsOf(kinds: string | undefined): OptInKind[] {
  const named = new Set((kinds ?? '').split(','));
  return OPT_IN_KINDS.filter((kind) => named.has(kind));
}

export const ChangesQuerySchema = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  kinds: OptInKindsSchema,
});

/**
 * HQ's epoch: a random id of HQ's database, replaced when it is restored from a backup. A register that
 * sees a new one reloads a snapshot and uploads again what HQ acknowledged lately (docs/hq-restore.md).
 */
export const EpochSchema = z.string().min(1).max(64);

/**
 * `snapshotRequired`: `since` is older than the history HQ keeps (or newer than HQ knows): fetch
 * `GET /sync/snapshot` and continue from its `seq`. `nextSeq` is what to send as `since` next time.
 */
export const ChangesResponseSchema = z.object({
  changes: z.array(ChangeSchema),
  nextSeq: z.number().int(),
  hasMore: z.boolean(),
  snapshotRequired: z.boolean(),
  /** HQ's epoch (see EpochSchema); absent from an HQ older than it. */
  epoch: EpochSchema.optional(),
});
export type ChangesResponse = z.infer<typeof ChangesResponseSchema>;

/** The body of `GET /sync/snapshot` (streamed, products last). */
export const SnapshotSchema = z.object({
  seq: z.number().int(),
  /** HQ's epoch when the snapshot was taken (absent from an older HQ). */
  epoch: EpochSchema.optional(),
  taxClasses: z.array(TaxClassSchema),
  promotions: z.array(PromotionSchema),
  members: z.array(MemberSchema.extend({ balance: z.number().int() })),
  /** The cashiers and managers of the reader's store and of every store (absent from an older HQ). */
  users: z.array(FeedUserSchema).optional(),
  products: z.array(CatalogProductSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;
