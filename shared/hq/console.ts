/**
 * The back-office console's API (`/console/api/...`), called by the console web app HQ serves at
 * `/console`. Signed in with an email and password; the session is an HttpOnly SameSite=Strict cookie and
 * every change carries the session's CSRF token in `X-CSRF-Token`. An owner sees every store; an area or
 * store manager only the stores they work for (HQ checks every referenced id against them, in one place).
 */
import { z } from 'zod';
import { PinSchema } from '../pin';
import { TENDERS } from '../tender';
import { CurrencySchema, IdSchema, MinorUnitsSchema } from './common';
import { PromotionSchema } from './feed';

export const CONSOLE_ROLES = ['owner', 'area-manager', 'store-manager'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];
/** Who may change the chain's catalog, promotions and stores: owners and area managers. */
export const CHAIN_ROLES = ['owner', 'area-manager'] as const satisfies readonly ConsoleRole[];
export const ALL_ROLES = CONSOLE_ROLES;

/** The cookie of a console session (HttpOnly, SameSite=Strict, Path=/console). */
export const CONSOLE_COOKIE = 'kassa_console';
/** The header every change sends with the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

const isoTime = z.iso.datetime({ message: 'must be an ISO 8601 UTC time', offset: true });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD');
export const EmailSchema = z.string().trim().toLowerCase().email('must be an email address').max(200);
/** At least 10 characters: the console reaches every store's money. */
export const PasswordSchema = z.string().min(10, 'must be at least 10 characters').max(200);

export const ConsoleUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(CONSOLE_ROLES),
  /** The stores an area or store manager works for (an owner: every store, listed as []). */
  storeIds: z.array(z.string()),
  active: z.boolean(),
});
export type ConsoleUser = z.infer<typeof ConsoleUserSchema>;

/** `GET /console/api/session`: who is signed in (null when nobody), and whether HQ still waits for its first owner. */
export const SessionResponseSchema = z.object({ user: ConsoleUserSchema.nullable(), csrf: z.string().nullable(), setupNeeded: z.boolean() });
export const SignInRequestSchema = z.object({ email: EmailSchema, password: z.string().min(1).max(200) }).strict();
export const SetupRequestSchema = z.object({ token: z.string().min(16).max(200), email: EmailSchema, name: z.string().trim().min(1).max(80), password: PasswordSchema }).strict();
export const SignedInSchema = z.object({ user: ConsoleUserSchema, csrf: z.string() });

export const NewConsoleUserSchema = z
  .object({ email: EmailSchema, name: z.string().trim().min(1).max(80), role: z.enum(CONSOLE_ROLES), storeIds: z.array(IdSchema).max(1000).default([]), password: PasswordSchema })
  .strict();
export const ConsoleUserChangeSchema = z
  .object({ name: z.string().trim().min(1).max(80).optional(), role: z.enum(CONSOLE_ROLES).optional(), storeIds: z.array(IdSchema).max(1000).optional(), active: z.boolean().optional(), password: PasswordSchema.optional() })
  .strict();

// --- Stores and registers -------------------------------------------------------------------------------

export const ConsoleStoreSchema = z.object({ id: z.string(), code: z.string(), name: z.string(), currency: z.string(), pricesIncludeTax: z.boolean(), registers: z.number().int(), createdAt: z.string() });
export type ConsoleStore = z.infer<typeof ConsoleStoreSchema>;
export const NewStoreSchema = z
  .object({ code: z.string().regex(/^[A-Za-z0-9]{1,12}$/, 'must be 1 to 12 letters or digits'), name: z.string().trim().min(1).max(80), currency: CurrencySchema, pricesIncludeTax: z.boolean().default(true) })
  .strict();
export const StoreChangeSchema = z.object({ name: z.string().trim().min(1).max(80).optional(), pricesIncludeTax: z.boolean().optional() }).strict();

/** An enrolment code: one-time by default; `ttlSeconds` makes it expire. Shown once. */
export const NewEnrolmentCodeSchema = z
  .object({ maxUses: z.number().int().min(1).max(10_000).nullable().default(1), ttlSeconds: z.number().int().min(60).max(366 * 86_400).optional() })
  .strict();
export const EnrolmentCodeIssuedSchema = z.object({ code: z.string(), storeId: z.string(), maxUses: z.number().int().nullable(), expiresAt: z.string().nullable() });

export const CONNECTIVITY_REASON = z.string().regex(/^(manual|network|service:[a-z-]+)$/);
export const ConsoleRegisterSchema = z.object({
  id: z.string(),
  storeId: z.string(),
  code: z.string(),
  name: z.string(),
  enrolledAt: z.string(),
  lastSeenAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** From the register's latest status report (null before its first). */
  version: z.string().nullable(),
  state: z.enum(['online', 'offline']).nullable(),
  reasons: z.array(z.string()),
  /** Who switched it offline, when the reason is manual. */
  switchedBy: z.string().nullable(),
  stateSince: z.string().nullable(),
  backlog: z.number().int().nullable(),
  oldestPendingAt: z.string().nullable(),
  deadLetters: z.number().int().nullable(),
  reportedAt: z.string().nullable(),
});
export type ConsoleRegister = z.infer<typeof ConsoleRegisterSchema>;
export const StoreScopeQuerySchema = z.object({ storeId: IdSchema.optional() }).strict();

// --- People (the registers' cashiers and managers) -------------------------------------------------------

export const PersonSchema = z.object({ id: z.string(), storeId: z.string().nullable(), name: z.string(), role: z.enum(['cashier', 'manager']), active: z.boolean(), createdAt: z.string() });
export type Person = z.infer<typeof PersonSchema>;
export const NewPersonSchema = z.object({ storeId: IdSchema, name: z.string().trim().min(1).max(80), role: z.enum(['cashier', 'manager']), pin: PinSchema }).strict();
/** A PIN is set or reset here and never shown again. */
export const PersonChangeSchema = z
  .object({ name: z.string().trim().min(1).max(80).optional(), role: z.enum(['cashier', 'manager']).optional(), active: z.boolean().optional(), pin: PinSchema.optional() })
  .strict();

// --- Catalog and promotions -----------------------------------------------------------------------------

export const ProductSearchQuerySchema = z
  .object({ q: z.string().max(100).default(''), limit: z.coerce.number().int().min(1).max(200).default(50), after: z.string().max(64).optional() })
  .strict();
export const ConsoleProductSchema = z.object({ sku: z.string(), name: z.string(), price: z.number().int(), taxClass: z.string(), barcodes: z.array(z.string()), priceByLabel: z.boolean(), updatedAt: z.string() });
/** A search counts its matches up to this many: `total` equal to it means at least that many (counting all of 100k costs a scan). */
export const PRODUCT_SEARCH_TOTAL_CAP = 10_000;
export const ProductPageSchema = z.object({ products: z.array(ConsoleProductSchema), total: z.number().int(), next: z.string().nullable() });
export const ProductChangeSchema = z
  .object({ price: MinorUnitsSchema.refine((n) => n >= 0, 'must be 0 or more').optional(), taxClass: z.string().min(1).max(32).optional() })
  .strict()
  .refine((c) => c.price !== undefined || c.taxClass !== undefined, 'change the price, the tax class or both');
export const TaxClassListSchema = z.object({ taxClasses: z.array(z.object({ code: z.string(), name: z.string(), rateBp: z.number().int() })) });
export const ImportReportSchema = z.object({ imported: z.number().int(), rejected: z.array(z.object({ row: z.number().int(), reason: z.string() })) });

/** A promotion with its schedule: it applies from `startsAt` (null: now) until `endsAt` (null: until ended). */
export const ScheduledPromotionSchema = z.object({ promotion: PromotionSchema, startsAt: z.string().nullable(), endsAt: z.string().nullable(), updatedAt: z.string() });
export const PromotionUpsertSchema = z.object({ promotion: PromotionSchema, startsAt: isoTime.nullable().default(null), endsAt: isoTime.nullable().default(null) }).strict();

// --- Money ----------------------------------------------------------------------------------------------

/** Days in [from, to] (inclusive, the store's calendar day in UTC); at most 366 days. */
export const MoneyQuerySchema = z
  .object({ from: day, to: day, storeId: IdSchema.optional(), registerId: IdSchema.optional() })
  .strict()
  .refine((q) => q.from <= q.to, { message: '"from" must not be after "to"' });
export type MoneyQuery = z.infer<typeof MoneyQuerySchema>;

/**
 * The takings' query: the days, store and register, and `by`: `register` (a row per register, the default)
 * or `store` (a row per store, registers summed: what a chain-wide view needs, a fifth of the rows).
 */
export const TakingsQuerySchema = z
  .object({ from: day, to: day, storeId: IdSchema.optional(), registerId: IdSchema.optional(), by: z.enum(['register', 'store']).default('register') })
  .strict()
  .refine((q) => q.from <= q.to, { message: '"from" must not be after "to"' })
  .refine((q) => !(q.by === 'store' && q.registerId !== undefined), { message: 'by=store sums every register of a store: leave registerId out, or ask by=register' });

/**
 * One row of takings: per store, register (null when summed per store: by=store), day and tender. `sales`
 * and `refunds` are positive; `net` = sales − refunds.
 */
export const TakingsRowSchema = z.object({
  day: z.string(),
  storeId: z.string(),
  registerId: z.string().nullable(),
  tender: z.enum(TENDERS),
  currency: z.string(),
  sales: z.number().int(),
  refunds: z.number().int(),
  net: z.number().int(),
  orders: z.number().int(),
});
export const TakingsSchema = z.object({ rows: z.array(TakingsRowSchema) });

export const RefundRowSchema = z.object({ id: z.string(), number: z.string(), storeId: z.string(), registerId: z.string(), cashierId: z.string(), originalOrderId: z.string().nullable(), total: z.number().int(), currency: z.string(), createdAt: z.string() });
export const RefundsSchema = z.object({ refunds: z.array(RefundRowSchema) });

/** A card payment taken offline, and where its settlement stands. */
export const OfflineCardRowSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  orderNumber: z.string().nullable(),
  storeId: z.string(),
  registerId: z.string(),
  cashierId: z.string().nullable(),
  amount: z.number().int(),
  currency: z.string(),
  last4: z.string(),
  status: z.enum(['pending', 'settling', 'settled', 'declined']),
  reason: z.string().nullable(),
  capturedAt: z.string(),
});
export const OfflineCardsQuerySchema = z
  .object({ from: day, to: day, storeId: IdSchema.optional(), registerId: IdSchema.optional(), status: z.enum(['pending', 'settling', 'settled', 'declined']).optional() })
  .strict();
export const OfflineCardsSchema = z.object({ payments: z.array(OfflineCardRowSchema) });

export const CashSessionRowSchema = z.object({
  id: z.string(),
  storeId: z.string(),
  registerId: z.string(),
  currency: z.string(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  float: z.number().int(),
  expected: z.number().int().nullable(),
  counted: z.number().int().nullable(),
  variance: z.number().int().nullable(),
  note: z.string().nullable(),
  reconciled: z.boolean().nullable(),
});
export const CashSessionsSchema = z.object({ sessions: z.array(CashSessionRowSchema) });

export const EXPORTS = ['takings', 'refunds', 'offline-cards', 'cash-sessions', 'fleet', 'audit'] as const;
export const ExportParamsSchema = z.object({ report: z.enum(EXPORTS) }).strict();
/** The query of an export: the report's own query (days, store, register, status). */
export const ExportQuerySchema = z
  .object({ from: day, to: day, storeId: IdSchema.optional(), registerId: IdSchema.optional(), status: z.enum(['pending', 'settling', 'settled', 'declined']).optional() })
  .strict();

// --- Fleet connectivity ---------------------------------------------------------------------------------

/** At most 7 days back: what the registers' timelines cover. */
export const FleetQuerySchema = z.object({ storeId: IdSchema.optional(), registerId: IdSchema.optional(), days: z.coerce.number().int().min(1).max(7).default(7) }).strict();

/** One stretch of a register's timeline: online, or offline with its reasons (and who switched it off). */
export const FleetSegmentSchema = z.object({ from: z.string(), to: z.string(), state: z.enum(['online', 'offline', 'unknown']), reasons: z.array(z.string()), switchedBy: z.string().nullable() });
export const FleetDaySchema = z.object({ day: z.string(), offlineMinutes: z.number(), offlineSales: z.number().int(), sales: z.number().int() });
export const FleetRegisterTimelineSchema = z.object({
  registerId: z.string(),
  storeId: z.string(),
  code: z.string(),
  name: z.string(),
  segments: z.array(FleetSegmentSchema),
  days: z.array(FleetDaySchema),
});
export const FleetTimelineSchema = z.object({ from: z.string(), to: z.string(), registers: z.array(FleetRegisterTimelineSchema) });
export const FleetStoreSummarySchema = z.object({ storeId: z.string(), code: z.string(), name: z.string(), registers: z.number().int(), online: z.number().int(), offline: z.number().int(), unknown: z.number().int(), offlineMinutes7d: z.number(), offlineSales7d: z.number().int() });
export const FleetSummarySchema = z.object({ stores: z.array(FleetStoreSummarySchema) });

/** An event of the console's live stream (`GET /console/api/fleet/stream`, Server-Sent Events, `event: register`). */
export const FleetLiveEventSchema = ConsoleRegisterSchema;

// --- Audit ----------------------------------------------------------------------------------------------

export const AuditQuerySchema = z.object({ storeId: IdSchema.optional(), limit: z.coerce.number().int().min(1).max(1000).default(200), before: z.string().max(64).optional() }).strict();
export const AuditEntrySchema = z.object({ id: z.string(), at: z.string(), userEmail: z.string().nullable(), action: z.string(), target: z.string().nullable(), storeId: z.string().nullable(), detail: z.record(z.string(), z.unknown()), address: z.string() });
export const AuditLogSchema = z.object({ entries: z.array(AuditEntrySchema) });

// --- Register status report (registers → HQ) ------------------------------------------------------------

/**
 * `POST /registers/status`: a register's state now, sent every minute while online, at each transition,
 * and as a parting notice when a cashier switches it offline (the transition itself also goes through the
 * outbox, for the timeline).
 */
export const RegisterStatusReportSchema = z
  .object({
    state: z.enum(['online', 'offline']),
    reasons: z.array(CONNECTIVITY_REASON).max(10),
    switchedBy: z.string().max(80).nullable().default(null),
    since: isoTime,
    version: z.string().min(1).max(40),
    backlog: z.number().int().min(0),
    oldestPendingAt: isoTime.nullable(),
    deadLetters: z.number().int().min(0),
  })
  .strict();
export type RegisterStatusReport = z.infer<typeof RegisterStatusReportSchema>;

