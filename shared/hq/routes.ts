/**
 * HQ's routes, one table: what HQ serves (server/src registers each route from here), what the register
 * calls (electron/hq/hq-client.ts builds each call from here and checks the answer against it), the API
 * description at /docs/json, and which business domain each route belongs to (QoS, fault injection and
 * the register's service-fault detection).
 */
import { z } from 'zod';
import { SERVICE_DOMAINS, UserSchema, type ServiceDomain } from '../api';
import { EnrolRequestSchema, EnrolResponseSchema, LoginRequestSchema, LoginResponseSchema, StoreSchema } from './auth';
import { CurrencySchema, IdSchema } from './common';
import { FaultSchema } from './faults';
import { ChangesQuerySchema, ChangesResponseSchema, EpochSchema, OptInKindsSchema, OrderWithPaymentsSchema, PromotionSchema, SnapshotSchema } from './feed';
import { CreateMemberSchema, MemberBalanceSchema, MemberCardSchema, MemberSchema, MemberWithBalanceSchema, PhoneSchema } from './members';
import { PushRequestSchema, PushResponseSchema } from './ops';
import { PinSchema } from '../pin';
import { TenderSchema } from '../tender';
import {
  AuthorizeRequestSchema,
  AuthorizeResponseSchema,
  CardKeyResponseSchema,
  CardRefundRequestSchema,
  CardRefundResponseSchema,
  ChargesQuerySchema,
  ChargesResponseSchema,
  PaymentOutcomeSchema,
} from './payments';
import { CashQuerySchema, CashResponseSchema } from './cash';
import * as C from './console';

/** The most orders one search answers. */
export const MAX_SEARCH_LIMIT = 10_000;

/** The groups HQ's API description lists its routes under. */
export const HQ_TAGS = {
  operations: 'Liveness and service quality, for registers and monitoring.',
  registers: 'Enrolling a register with its store.',
  auth: "Checking a cashier's PIN online.",
  sync: 'Uploading outbox operations and following the change feed.',
  catalog: 'Products and promotions.',
  membership: 'Members and their points.',
  orders: 'Orders across registers, and card refunds.',
  checkout: 'Card payments.',
  admin: 'Running HQ: stores, registers, users, faults, charges, cash (admin token).',
  console: "The back-office console's API: signed in with a console session cookie, changes with its CSRF token.",
} as const;
export type HqTag = keyof typeof HQ_TAGS;

export type HqMethod = 'GET' | 'POST' | 'DELETE';

const CONSOLE_ERRORS = [400, 401, 403, 404, 409] as const;

/** One route HQ serves. */
export interface HqRouteSpec {
  /** Stable name of the operation in the API description (a client generated from it uses this name). */
  operationId: string;
  method: HqMethod;
  /** The route as Fastify declares it: `/members/:id/balance`. */
  path: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  headers?: z.ZodType;
  /** The status of a successful answer. */
  status: 200 | 201 | 204;
  /** The successful answer. */
  response: z.ZodType;
  /** What the answer's body is when it is not JSON (the realtime stream). */
  produces?: string;
  /** The error statuses the route declares; each answers HQ's error body ({ error, message, details? }). */
  errors: readonly number[];
  /** The business domain whose QoS the route counts towards, or null. */
  domain: ServiceDomain | null;
  /** Whether a failure of this call (5xx, timeout, reset) tells the register its domain may be down. */
  whitelisted: boolean;
  summary: string;
  description: string;
  tag: HqTag;
  /** Left out of the API description. */
  hidden?: boolean;
}

const route = <const R extends HqRouteSpec>(spec: R): R => spec;

const storeCode = z.string().regex(/^[A-Za-z0-9]{1,12}$/, 'must be 1 to 12 letters or digits (no hyphen)');
/** How many registers a code may enrol (null: any number); one by default, so a code that leaks after use is worthless. */
const maxUses = z.number().int().min(1).max(10_000).nullable().default(1);
const ttlSeconds = z.number().int().min(60).max(366 * 86_400);

export const EnrolmentCodeRequestSchema = z
  .object({ maxUses, ttlSeconds: ttlSeconds.optional(), expiresAt: z.string().datetime({ offset: true }).optional() })
  .strict()
  .refine((b) => b.ttlSeconds === undefined || b.expiresAt === undefined, { message: 'give at most one of "ttlSeconds" or "expiresAt"' });
export const EnrolmentCodeResponseSchema = z.object({ code: z.string(), storeId: z.string(), maxUses: z.number().int().nullable(), expiresAt: z.string().nullable() });

export const StoreUpsertSchema = z
  .object({
    code: storeCode,
    name: z.string().min(1).max(80),
    currency: CurrencySchema,
    pricesIncludeTax: z.boolean().default(true),
    enrolmentCode: z.string().min(4).max(128),
    enrolmentCodeMaxUses: maxUses,
    enrolmentCodeTtlSeconds: ttlSeconds.optional(),
  })
  .strict();

export const NewUserSchema = z
  .object({ name: z.string().min(1).max(80), role: z.enum(['cashier', 'manager']), pin: PinSchema, storeId: z.string().nullable() })
  .strict();

export const PointsAdjustmentSchema = z
  .object({
    id: IdSchema,
    delta: z.number().int('must be a whole number of points').refine((n) => n !== 0 && Number.isSafeInteger(n), 'must be a non-zero whole number of points'),
    note: z.string().trim().min(1, 'say why the points are adjusted').max(200),
  })
  .strict();

export const OrderSearchQuerySchema = z
  .object({
    number: z.string().min(1).max(64).optional(),
    registerId: z.string().min(1).max(64).optional(),
    id: z.string().min(1).max(64).optional(),
    originalOrderId: z.string().min(1).max(64).optional(),
    kind: z.enum(['sale', 'refund']).optional(),
    memberId: z.string().min(1).max(64).optional(),
    from: z.iso.datetime({ message: 'must be an ISO 8601 UTC time' }).optional(),
    to: z.iso.datetime({ message: 'must be an ISO 8601 UTC time' }).optional(),
    amount: z.coerce.number().int('must be whole minor units').min(0, 'must not be negative').optional(),
    tender: TenderSchema.optional(),
    limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_SEARCH_LIMIT, `must be at most ${MAX_SEARCH_LIMIT}`).default(100),
  })
  .strict();
export type OrderSearchQuery = z.input<typeof OrderSearchQuerySchema>;

// database and version are absent from an older HQ; registers show what they get.
const HealthSchema = z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']).optional(), version: z.string().optional() });
const QosSchema = z.object({ domain: z.enum(SERVICE_DOMAINS), status: z.enum(['ok', 'degraded', 'down']) });
const ms = z.number().nullable();
/** One HQ instance's own figures (GET /metrics); sections other parts of HQ add (the realtime fan-out's) come after. */
export const InstanceMetricsSchema = z
  .object({
    instanceId: z.string(),
    startedAt: z.string(),
    uptimeSeconds: z.number().int(),
    requests: z.array(z.object({ method: z.string(), route: z.string(), status: z.number().int(), count: z.number().int() })),
    push: z.object({ requests: z.number().int(), ops: z.number().int(), p50Ms: ms, p99Ms: ms, sampled: z.number().int() }),
    streams: z.number().int(),
    inFlightWrites: z.number().int(),
    databasePool: z.object({ total: z.number().int(), idle: z.number().int(), waiting: z.number().int() }).nullable(),
    eventLoopDelayMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
    cpuSeconds: z.object({ user: z.number(), system: z.number() }),
    rssBytes: z.number().int(),
  })
  .passthrough();
const ImportReportSchema = z.object({ imported: z.number().int(), rejected: z.array(z.object({ row: z.number().int(), reason: z.string() })) });
const NoContent = z.null();

export const HQ_ROUTES = {
  health: route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    status: 200,
    response: HealthSchema,
    errors: [503],
    domain: null,
    whitelisted: false,
    tag: 'operations',
    summary: 'Liveness',
    description: 'Liveness for registers and load balancers: 200 while HQ serves (one database ping), 503 while shutting down or without its database.',
  }),
  qos: route({
    operationId: 'getServiceQuality',
    method: 'GET',
    path: '/qos',
    query: z.object({ domain: z.enum(SERVICE_DOMAINS) }),
    status: 200,
    response: QosSchema,
    errors: [],
    domain: null,
    whitelisted: false,
    tag: 'operations',
    summary: "A domain's service quality",
    description: "A domain's service quality from the recent error rate and latency of its handlers, plus any injected fault. No auth.",
  }),
  metrics: route({
    operationId: 'getInstanceMetrics',
    method: 'GET',
    path: '/metrics',
    status: 200,
    response: InstanceMetricsSchema,
    errors: [401],
    domain: null,
    whitelisted: false,
    tag: 'operations',
    summary: "This instance's metrics",
    description:
      "The answering HQ instance's own figures (admin): its id (also in every answer's X-Kassa-Instance header), uptime, requests by route and status, pushes with their operations and latency (p50, p99 of the last 2048), open realtime streams, in-flight writes, the database pool (PostgreSQL), event-loop delay, CPU seconds and resident memory.",
  }),
  apiDescription: route({
    operationId: 'getApiDescription',
    method: 'GET',
    path: '/docs/json',
    status: 200,
    response: z.unknown(),
    errors: [],
    domain: null,
    whitelisted: false,
    tag: 'operations',
    summary: 'This API description',
    description: 'This API description (OpenAPI 3).',
    hidden: true,
  }),
  injectFault: route({
    operationId: 'injectFault',
    method: 'POST',
    path: '/admin/faults',
    body: FaultSchema,
    status: 204,
    response: NoContent,
    errors: [],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: 'Inject a fault',
    description: 'Injects a fault (HQ_FAULTS=1, admin, loopback only): error (503), timeout (held, then 504), slow (delayed), drop (connection reset).',
  }),
  clearFaults: route({
    operationId: 'clearFaults',
    method: 'DELETE',
    path: '/admin/faults',
    status: 204,
    response: NoContent,
    errors: [],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: 'Clear the faults',
    description: 'Clears every injected fault.',
  }),
  listFaults: route({
    operationId: 'listFaults',
    method: 'GET',
    path: '/admin/faults',
    status: 200,
    response: z.object({ faults: z.array(z.unknown()) }),
    errors: [],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: 'The faults in force',
    description: 'The faults in force.',
  }),
  enrol: route({
    operationId: 'enrolRegister',
    method: 'POST',
    path: '/registers/enrol',
    body: EnrolRequestSchema,
    status: 201,
    response: EnrolResponseSchema,
    errors: [403, 409, 410, 429],
    domain: 'auth',
    whitelisted: false,
    tag: 'registers',
    summary: 'Enrol a register',
    description: "Enrols a register with its store's enrolment code; answers its device token (shown once, stored hashed).",
  }),
  login: route({
    operationId: 'logIn',
    method: 'POST',
    path: '/auth/login',
    body: LoginRequestSchema,
    status: 200,
    response: LoginResponseSchema,
    errors: [401, 429],
    domain: 'auth',
    whitelisted: true,
    tag: 'auth',
    summary: 'Check a PIN',
    description: "Checks a PIN online for the register's store; answers the user and the PIN hash the register caches for offline login.",
  }),
  listRegisters: route({
    operationId: 'listRegisters',
    method: 'GET',
    path: '/registers',
    status: 200,
    response: z.object({ registers: z.array(z.unknown()) }),
    errors: [],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: 'The enrolled registers',
    description: 'The enrolled registers (admin).',
  }),
  revokeRegister: route({
    operationId: 'revokeRegister',
    method: 'DELETE',
    path: '/registers/:registerId',
    params: z.object({ registerId: z.string().min(1).max(64) }),
    status: 204,
    response: NoContent,
    errors: [404],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: "Revoke a register's device token",
    description: "Revokes a register's device token (admin): HQ answers it 401 REGISTER_REVOKED from then on, and the register stops syncing until it is enrolled again.",
  }),
  issueEnrolmentCode: route({
    operationId: 'issueEnrolmentCode',
    method: 'POST',
    path: '/stores/:storeId/enrolment-codes',
    params: z.object({ storeId: z.string().min(1).max(64) }),
    body: EnrolmentCodeRequestSchema,
    status: 201,
    response: EnrolmentCodeResponseSchema,
    errors: [400, 404],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: 'Make an enrolment code',
    description:
      'Makes a new enrolment code for a store (admin): one register by default (maxUses, null for any number), valid until expiresAt or for ttlSeconds (default: no expiry). The code is shown once.',
  }),
  upsertStore: route({
    operationId: 'upsertStore',
    method: 'POST',
    path: '/stores',
    body: StoreUpsertSchema,
    status: 200,
    response: StoreSchema,
    errors: [409],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: 'Create or update a store',
    description:
      'Creates a store, or updates it by code (admin). Its registers enrol with enrolmentCode: one register by default (enrolmentCodeMaxUses, null for any number), for ever unless enrolmentCodeTtlSeconds is given.',
  }),
  addUser: route({
    operationId: 'addUser',
    method: 'POST',
    path: '/users',
    body: NewUserSchema,
    status: 201,
    response: UserSchema,
    errors: [400, 409],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: 'Add a cashier or manager',
    description: 'Adds a cashier or manager (admin); storeId null lets them sign in at every store. A PIN another active user of the same store has is refused (409 PIN_TAKEN).',
  }),
  push: route({
    operationId: 'pushOperations',
    method: 'POST',
    path: '/sync/push',
    query: z.object({ epoch: EpochSchema.optional() }),
    body: PushRequestSchema,
    status: 200,
    response: PushResponseSchema,
    errors: [400, 401, 403, 409, 413],
    domain: 'checkout',
    // The outbox retries with its own backoff; one failed upload says nothing about taking card payments.
    whitelisted: false,
    tag: 'sync',
    summary: 'Upload outbox operations',
    description:
      "Uploads outbox operations (at most 1000, 2 MiB). Each is applied at most once by its id; one result per operation: applied, duplicate, or rejected with a code. epoch (optional): the HQ epoch the register last saw; another one is refused with 409 EPOCH_CHANGED (details.epoch: HQ's), nothing applied.",
  }),
  changes: route({
    operationId: 'listChanges',
    method: 'GET',
    path: '/sync/changes',
    query: ChangesQuerySchema,
    status: 200,
    response: ChangesResponseSchema,
    errors: [400, 401],
    domain: 'catalog',
    whitelisted: true,
    tag: 'sync',
    summary: 'Changes since a sequence',
    description:
      "Changes after `since` in sequence order (catalog, prices, promotions, members, other registers' orders, points). snapshotRequired: since is outside the kept history; load /sync/snapshot.",
  }),
  snapshot: route({
    operationId: 'getSnapshot',
    method: 'GET',
    path: '/sync/snapshot',
    status: 200,
    response: SnapshotSchema,
    errors: [],
    domain: 'catalog',
    whitelisted: true,
    tag: 'sync',
    summary: 'The full current state',
    description: 'The full current state, streamed as one JSON document { seq, epoch, taxClasses, promotions, members, products }; continue the feed from seq.',
  }),
  stream: route({
    operationId: 'streamChanges',
    method: 'GET',
    path: '/sync/stream',
    query: z.object({ since: z.coerce.number().int().min(0).optional(), kinds: OptInKindsSchema }),
    headers: z.object({ 'last-event-id': z.string().regex(/^\d+$/, 'must be a sequence number').optional() }).passthrough(),
    status: 200,
    response: z.string(),
    produces: 'text/event-stream',
    errors: [401],
    domain: 'catalog',
    // The stream only hurries the feed along; /sync/changes is what the register relies on.
    whitelisted: false,
    tag: 'sync',
    summary: 'Changes as Server-Sent Events',
    description:
      'Server-Sent Events: one `change` event per change, its sequence as the event id; resume with Last-Event-ID (or since=). Heartbeat comment every 15 s; at open, a `: heartbeat-ms N` comment announces the interval. A `snapshot-required` event ends the stream when since is too old.',
  }),
  importCatalog: route({
    operationId: 'importCatalog',
    method: 'POST',
    path: '/catalog/import',
    body: z.union([z.object({ products: z.array(z.unknown()) }).strict(), z.string()]),
    status: 200,
    response: ImportReportSchema,
    errors: [400, 401],
    domain: 'catalog',
    whitelisted: false,
    tag: 'catalog',
    summary: 'Import products',
    description:
      'Upserts products by sku (admin): JSON { products: [{ sku, barcodes, name, price, taxClass }] } or CSV (text/csv) with the header sku,barcodes,name,price,taxClass (barcodes separated by |). Each row is checked; rejected rows are reported with their 0-based index.',
  }),
  savePromotions: route({
    operationId: 'savePromotions',
    method: 'POST',
    path: '/catalog/promotions',
    body: z.object({ promotions: z.array(PromotionSchema).min(1).max(1000) }).strict(),
    status: 200,
    response: z.object({ saved: z.number().int() }),
    errors: [400],
    domain: null,
    whitelisted: false,
    tag: 'catalog',
    summary: 'Create or replace promotions',
    description: 'Creates or replaces promotions by id (admin); set active: false to end one.',
  }),
  lookUpMember: route({
    operationId: 'lookUpMember',
    method: 'GET',
    path: '/members/lookup',
    query: z
      .object({ phone: PhoneSchema.optional(), card: MemberCardSchema.optional() })
      .refine((q) => (q.phone === undefined) !== (q.card === undefined), { message: 'give exactly one of phone or card' }),
    status: 200,
    response: MemberWithBalanceSchema,
    errors: [400, 404],
    domain: 'membership',
    whitelisted: true,
    tag: 'membership',
    summary: 'Find a member',
    description: 'Finds a member by phone or loyalty card (exactly one), with their points balance.',
  }),
  enrolMember: route({
    operationId: 'enrolMember',
    method: 'POST',
    path: '/members',
    body: CreateMemberSchema,
    status: 201,
    response: MemberSchema,
    errors: [400, 409],
    domain: 'membership',
    whitelisted: true,
    tag: 'membership',
    summary: 'Enrol a member',
    description: 'Enrols a member; 409 DUPLICATE_PHONE (with the existing memberId) when the phone is known.',
  }),
  memberBalance: route({
    operationId: 'getMemberBalance',
    method: 'GET',
    path: '/members/:id/balance',
    params: z.object({ id: z.string().min(1).max(64) }),
    status: 200,
    response: MemberBalanceSchema,
    errors: [404],
    domain: 'membership',
    whitelisted: true,
    tag: 'membership',
    summary: "A member's points balance",
    description: "A member's points balance: the sum of their append-only ledger. Accepts a register's local member id after a merge.",
  }),
  adjustPoints: route({
    operationId: 'adjustMemberPoints',
    method: 'POST',
    path: '/admin/members/:id/points',
    params: z.object({ id: z.string().min(1).max(64) }),
    body: PointsAdjustmentSchema,
    status: 200,
    response: MemberBalanceSchema,
    errors: [400, 401, 404, 409],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: "Adjust a member's points",
    description:
      "Adjusts a member's points (admin): delta (a non-zero whole number) is appended to their ledger with reason adjust, once per entry id; note says why and goes to HQ's log. Registers only earn and redeem on their sales. Answers the balance after it.",
  }),
  searchOrders: route({
    operationId: 'searchOrders',
    method: 'GET',
    path: '/orders/search',
    query: OrderSearchQuerySchema,
    status: 200,
    response: z.object({ orders: z.array(OrderWithPaymentsSchema) }),
    errors: [400, 401],
    domain: 'orders',
    whitelisted: true,
    tag: 'orders',
    summary: 'Search orders',
    description:
      'Orders across registers and stores, newest createdAt first: an admin sees every store, a register its own store only. number matches the sale number exactly; id, originalOrderId (refunds of an order, and sales that took items of it back), kind, memberId, from/to (createdAt, ISO 8601), amount (the total, sign ignored) and tender narrow it; limit 1..10000, default 100. Each order lists its payments in the order taken: tender, amount (minor units, adding up to the total), last4 of a card, and status (for a card, that of its authorisation or offline settlement).',
  }),
  authorizeCard: route({
    operationId: 'authorizeCardPayment',
    method: 'POST',
    path: '/payments/authorize',
    body: AuthorizeRequestSchema,
    status: 200,
    response: AuthorizeResponseSchema,
    errors: [400, 401, 409, 504],
    domain: 'checkout',
    whitelisted: true,
    tag: 'checkout',
    summary: 'Authorise a card payment',
    description:
      'Authorises a card payment through the card gateway (the simulator by default: see the README for its test cards). Idempotent by paymentId; 504 when the acquirer does not answer in time.',
  }),
  // Declared before /payments/:paymentId so that the register's matching of paths finds it first, as Fastify does.
  cardKey: route({
    operationId: 'getCardKey',
    method: 'GET',
    path: '/payments/card-key',
    status: 200,
    response: CardKeyResponseSchema,
    errors: [401],
    domain: 'checkout',
    // Sealing keys are fetched in the background; without one the register still takes live card payments.
    whitelisted: false,
    tag: 'checkout',
    summary: "HQ's card-sealing key",
    description:
      "HQ's public key (X25519, base64 of its SPKI DER) to which a register seals card numbers it keeps for later (store-and-forward); registers enrolled before it existed fetch it here.",
  }),
  cardPayment: route({
    operationId: 'getCardPayment',
    method: 'GET',
    path: '/payments/:paymentId',
    params: z.object({ paymentId: IdSchema }).strict(),
    status: 200,
    response: PaymentOutcomeSchema,
    errors: [400, 401],
    domain: 'checkout',
    whitelisted: true,
    tag: 'checkout',
    summary: 'What HQ knows of a card attempt',
    description:
      "What HQ knows of a card attempt of the caller's store, for a register whose authorisation got no answer: approved, declined, pending (the acquirer is being asked), voided, or unknown (HQ never received it).",
  }),
  refundCard: route({
    operationId: 'refundCardPayment',
    method: 'POST',
    path: '/payments/refund',
    body: CardRefundRequestSchema,
    status: 200,
    response: CardRefundResponseSchema,
    errors: [400, 401, 404, 409, 504],
    domain: 'orders',
    whitelisted: true,
    tag: 'orders',
    summary: 'Refund to a card',
    description:
      'Gives money back to the card of an earlier approved card payment (live or taken offline), at most what it charged in all. Idempotent by refundId; 404 for an unknown payment, 409 when it would refund more, 504 when the acquirer does not answer in time.',
  }),
  charges: route({
    operationId: 'listCharges',
    method: 'GET',
    path: '/admin/charges',
    query: ChargesQuerySchema,
    status: 200,
    response: ChargesResponseSchema,
    errors: [400, 401],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: 'Movements of money at the card acquirer',
    description:
      'Every movement of money at the card acquirer (admin), oldest first: kind charge, refund or void, amount positive in minor units, last4, at (ISO 8601 UTC), and orderNumber, the HQ order one of whose payments it is (null while no uploaded order references it). Declined attempts move nothing and are not listed. last4 (exactly 4 digits) and orderNumber narrow it. For any card, charges − refunds − voids is what its holder paid.',
  }),
  cash: route({
    operationId: 'listCashSessions',
    method: 'GET',
    path: '/admin/cash',
    query: CashQuerySchema,
    status: 200,
    response: CashResponseSchema,
    errors: [400, 401],
    domain: null,
    whitelisted: false,
    tag: 'admin',
    summary: "Registers' cash drawer sessions",
    description:
      "The registers' drawer sessions as uploaded (admin), oldest opening first: register, opened and closed (ISO 8601 UTC), float, movement totals by kind (sale, change, refund, paid-in, paid-out, drop, no-sale; signed minor units, into the drawer positive), expected, counted, variance (counted − expected, null before the count), and reconciled: at the close, whether the float plus the movements HQ holds (fromMovements) equals the expected amount the register closed with (null while open). storeId, registerId and from/to (opening time, ISO 8601, from inclusive, to exclusive) narrow it; movements=true lists each session's movements.",
  }),
  // --- The back-office console (shared/hq/console.ts) ---
  consoleSession: route({ operationId: 'consoleSession', method: 'GET', path: '/console/api/session', status: 200, response: C.SessionResponseSchema, errors: [], domain: null, whitelisted: false, tag: 'console', summary: 'Who is signed in to the console', description: 'The signed-in console user and the CSRF token every change must send in X-CSRF-Token, or user null; setupNeeded is true while HQ has no owner yet (the one-time setup link printed at start-up creates one).' }),
  consoleSetup: route({ operationId: 'consoleSetup', method: 'POST', path: '/console/api/setup', body: C.SetupRequestSchema, status: 201, response: C.SignedInSchema, errors: [400, 403, 409, 429], domain: null, whitelisted: false, tag: 'console', summary: 'Create the first owner from the setup link', description: "Creates HQ's first console owner with the one-time token of the setup link HQ printed at its first start, and signs them in. Refused once an owner exists." }),
  consoleSignIn: route({ operationId: 'consoleSignIn', method: 'POST', path: '/console/api/sign-in', body: C.SignInRequestSchema, status: 200, response: C.SignedInSchema, errors: [400, 401, 429], domain: null, whitelisted: false, tag: 'console', summary: 'Sign in to the console', description: 'Checks the email and password (scrypt) and sets the session cookie (HttpOnly, SameSite=Strict). Wrong passwords are limited per address and per email (429 with Retry-After).' }),
  consoleSignOut: route({ operationId: 'consoleSignOut', method: 'POST', path: '/console/api/sign-out', status: 204, response: NoContent, errors: [401, 403], domain: null, whitelisted: false, tag: 'console', summary: 'Sign out of the console', description: 'Ends the session and clears its cookie.' }),
  consoleUsers: route({ operationId: 'consoleListUsers', method: 'GET', path: '/console/api/users', status: 200, response: z.object({ users: z.array(C.ConsoleUserSchema) }), errors: [401, 403], domain: null, whitelisted: false, tag: 'console', summary: 'Console users', description: 'Every console user (owners only).' }),
  consoleAddUser: route({ operationId: 'consoleAddUser', method: 'POST', path: '/console/api/users', body: C.NewConsoleUserSchema, status: 201, response: C.ConsoleUserSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'Add a console user', description: 'Adds an owner, area manager or store manager (owners only); a manager names the stores they work for.' }),
  consoleChangeUser: route({ operationId: 'consoleChangeUser', method: 'POST', path: '/console/api/users/:userId', params: z.object({ userId: IdSchema }), body: C.ConsoleUserChangeSchema, status: 200, response: C.ConsoleUserSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'Change a console user', description: 'Renames, changes the role or stores of, deactivates or sets the password of a console user (owners only). The last active owner cannot be removed.' }),
  consoleStores: route({ operationId: 'consoleListStores', method: 'GET', path: '/console/api/stores', status: 200, response: z.object({ stores: z.array(C.ConsoleStoreSchema) }), errors: [401, 403], domain: null, whitelisted: false, tag: 'console', summary: 'Stores', description: "The stores the signed-in user works for (an owner: every store), with their number of registers." }),
  consoleAddStore: route({ operationId: 'consoleAddStore', method: 'POST', path: '/console/api/stores', body: C.NewStoreSchema, status: 201, response: C.ConsoleStoreSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'Create a store', description: 'Creates a store (owners and area managers; an area manager gets the new store in their area). Its code is unique.' }),
  consoleChangeStore: route({ operationId: 'consoleChangeStore', method: 'POST', path: '/console/api/stores/:storeId', params: z.object({ storeId: IdSchema }), body: C.StoreChangeSchema, status: 200, response: C.ConsoleStoreSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'Edit a store', description: "Changes a store's name or whether its prices include tax." }),
  consoleEnrolmentCode: route({ operationId: 'consoleIssueEnrolmentCode', method: 'POST', path: '/console/api/stores/:storeId/enrolment-codes', params: z.object({ storeId: IdSchema }), body: C.NewEnrolmentCodeSchema, status: 201, response: C.EnrolmentCodeIssuedSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'Issue an enrolment code', description: 'A new enrolment code for the store: one-time by default, or for maxUses registers, optionally expiring after ttlSeconds. It is shown once; HQ keeps only its hash.' }),
  consoleRegisters: route({ operationId: 'consoleListRegisters', method: 'GET', path: '/console/api/registers', query: C.StoreScopeQuerySchema, status: 200, response: z.object({ registers: z.array(C.ConsoleRegisterSchema) }), errors: [400, 401, 403, 404], domain: null, whitelisted: false, tag: 'console', summary: 'Registers', description: "The registers of the user's stores (storeId narrows to one): last seen, version, connectivity state with its reasons, upload backlog and the age of its oldest item, dead letters." }),
  consoleRevokeRegister: route({ operationId: 'consoleRevokeRegister', method: 'POST', path: '/console/api/registers/:registerId/revoke', params: z.object({ registerId: IdSchema }), status: 200, response: C.ConsoleRegisterSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'Revoke a register', description: 'Revokes the register: its device token stops working at once and its realtime stream ends. It must be enrolled again to sync.' }),
  consolePeople: route({ operationId: 'consoleListPeople', method: 'GET', path: '/console/api/people', query: C.StoreScopeQuerySchema, status: 200, response: z.object({ people: z.array(C.PersonSchema) }), errors: [400, 401, 403, 404], domain: null, whitelisted: false, tag: 'console', summary: 'Cashiers and managers', description: "The registers' cashiers and managers of the user's stores. PINs are never shown." }),
  consoleAddPerson: route({ operationId: 'consoleAddPerson', method: 'POST', path: '/console/api/people', body: C.NewPersonSchema, status: 201, response: C.PersonSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'Add a cashier or manager', description: 'Adds a cashier or manager to a store with a PIN unique within the store (409 PIN_TAKEN otherwise). The registers get them through the change feed.' }),
  consoleChangePerson: route({ operationId: 'consoleChangePerson', method: 'POST', path: '/console/api/people/:userId', params: z.object({ userId: IdSchema }), body: C.PersonChangeSchema, status: 200, response: C.PersonSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'Change a cashier or manager', description: 'Renames, changes the role of, deactivates or sets a new PIN for a person. The registers get the change through the change feed; a deactivated person can no longer sign in.' }),
  consoleProducts: route({ operationId: 'consoleSearchProducts', method: 'GET', path: '/console/api/products', query: C.ProductSearchQuerySchema, status: 200, response: C.ProductPageSchema, errors: [400, 401, 403], domain: null, whitelisted: false, tag: 'console', summary: 'Search the catalog', description: 'Products whose SKU starts with q, whose name contains q (both ignoring case) or with the barcode q, by SKU, a page at a time (after: the last SKU of the previous page). total counts the matches up to 10 000 (10 000 means at least that many).' }),
  consoleChangeProduct: route({ operationId: 'consoleChangeProduct', method: 'POST', path: '/console/api/products/:sku', params: z.object({ sku: z.string().min(1).max(64) }), body: C.ProductChangeSchema, status: 200, response: C.ConsoleProductSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: "Change a product's price or tax class", description: "Changes a product's price (minor units) or tax class (owners and area managers). Registers get it through the feed and the realtime stream within seconds." }),
  consoleTaxClasses: route({ operationId: 'consoleTaxClasses', method: 'GET', path: '/console/api/tax-classes', status: 200, response: C.TaxClassListSchema, errors: [401, 403], domain: null, whitelisted: false, tag: 'console', summary: 'Tax classes', description: 'The tax classes a product can have.' }),
  consoleImportCatalog: route({ operationId: 'consoleImportCatalog', method: 'POST', path: '/console/api/catalog/import', status: 200, response: C.ImportReportSchema, errors: [400, 401, 403, 413, 415], domain: null, whitelisted: false, tag: 'console', summary: 'Import products (CSV or JSON)', description: 'The same import as POST /catalog/import (text/csv or application/json), answered with the row report.' }),
  consolePromotions: route({ operationId: 'consoleListPromotions', method: 'GET', path: '/console/api/promotions', status: 200, response: z.object({ promotions: z.array(C.ScheduledPromotionSchema) }), errors: [401, 403], domain: null, whitelisted: false, tag: 'console', summary: 'Promotions', description: 'Every promotion with its schedule.' }),
  consoleSavePromotion: route({ operationId: 'consoleSavePromotion', method: 'POST', path: '/console/api/promotions', body: C.PromotionUpsertSchema, status: 200, response: C.ScheduledPromotionSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'Create or change a promotion', description: 'Creates or replaces a promotion with its schedule (startsAt, endsAt; null: now, until ended). Registers apply it only inside its schedule.' }),
  consoleEndPromotion: route({ operationId: 'consoleEndPromotion', method: 'POST', path: '/console/api/promotions/:promotionId/end', params: z.object({ promotionId: IdSchema }), status: 200, response: C.ScheduledPromotionSchema, errors: CONSOLE_ERRORS, domain: null, whitelisted: false, tag: 'console', summary: 'End a promotion now', description: 'Ends a promotion at once: registers stop applying it.' }),
  consoleTakings: route({ operationId: 'consoleTakings', method: 'GET', path: '/console/api/money/takings', query: C.TakingsQuerySchema, status: 200, response: C.TakingsSchema, errors: [400, 401, 403, 404], domain: null, whitelisted: false, tag: 'console', summary: 'Takings by store, register, day and tender', description: 'Sales and refunds per store, register, day (UTC) and tender, in minor units; by=store sums the registers of each store (registerId null).' }),
  consoleRefunds: route({ operationId: 'consoleRefunds', method: 'GET', path: '/console/api/money/refunds', query: C.MoneyQuerySchema, status: 200, response: C.RefundsSchema, errors: [400, 401, 403, 404], domain: null, whitelisted: false, tag: 'console', summary: 'Refunds', description: 'Refunds in the days, newest first.' }),
  consoleOfflineCards: route({ operationId: 'consoleOfflineCards', method: 'GET', path: '/console/api/money/offline-cards', query: C.OfflineCardsQuerySchema, status: 200, response: C.OfflineCardsSchema, errors: [400, 401, 403, 404], domain: null, whitelisted: false, tag: 'console', summary: 'Card payments taken offline', description: 'Card payments taken offline and their settlement; status=declined lists those HQ later declined, with the sale, register, cashier and amount.' }),
  consoleCashSessions: route({ operationId: 'consoleCashSessions', method: 'GET', path: '/console/api/money/cash-sessions', query: C.MoneyQuerySchema, status: 200, response: C.CashSessionsSchema, errors: [400, 401, 403, 404], domain: null, whitelisted: false, tag: 'console', summary: 'Cash drawer sessions', description: 'Drawer sessions opened in the days, with float, expected, counted, variance and whether they reconcile.' }),
  consoleExport: route({ operationId: 'consoleExport', method: 'GET', path: '/console/api/export/:report', params: C.ExportParamsSchema, query: C.ExportQuerySchema, status: 200, response: z.string(), produces: 'text/csv', errors: [400, 401, 403, 404], domain: null, whitelisted: false, tag: 'console', summary: 'Export a report as CSV', description: 'takings, refunds, offline-cards, cash-sessions, fleet or audit as CSV (UTF-8, header row).' }),
  consoleFleet: route({ operationId: 'consoleFleet', method: 'GET', path: '/console/api/fleet', status: 200, response: C.FleetSummarySchema, errors: [401, 403], domain: null, whitelisted: false, tag: 'console', summary: 'Fleet connectivity per store', description: "Per store of the user's: registers online, offline and not reporting now, and minutes offline and sales taken offline over 7 days." }),
  consoleFleetTimeline: route({ operationId: 'consoleFleetTimeline', method: 'GET', path: '/console/api/fleet/timeline', query: C.FleetQuerySchema, status: 200, response: C.FleetTimelineSchema, errors: [400, 401, 403, 404], domain: null, whitelisted: false, tag: 'console', summary: "Registers' connectivity timelines", description: 'Per register: its online and offline stretches (with reasons: switched by whom, network, which service) over the last days (at most 7), and per day the minutes offline and the sales taken offline.' }),
  consoleFleetStream: route({ operationId: 'consoleFleetStream', method: 'GET', path: '/console/api/fleet/stream', status: 200, response: z.string(), produces: 'text/event-stream', errors: [401, 403], domain: null, whitelisted: false, tag: 'console', summary: "Live state of the user's registers", description: "Server-Sent Events: `event: register` with a register's state (ConsoleRegister) whenever it reports or transitions." }),
  consoleAudit: route({ operationId: 'consoleAudit', method: 'GET', path: '/console/api/audit', query: C.AuditQuerySchema, status: 200, response: C.AuditLogSchema, errors: [400, 401, 403, 404], domain: null, whitelisted: false, tag: 'console', summary: 'Audit log', description: 'Every change made in the console, newest first: who, what, when, from where.' }),
  consoleApp: route({ operationId: 'consoleApp', method: 'GET', path: '/console/*', status: 200, response: z.string(), produces: 'text/html', errors: [404], domain: null, whitelisted: false, tag: 'console', hidden: true, summary: 'The console web app', description: 'The console single-page app and its assets.' }),
  consoleRoot: route({ operationId: 'consoleRoot', method: 'GET', path: '/console', status: 200, response: z.string(), produces: 'text/html', errors: [], domain: null, whitelisted: false, tag: 'console', hidden: true, summary: 'The console web app', description: 'The console single-page app.' }),
  registerStatus: route({ operationId: 'reportRegisterStatus', method: 'POST', path: '/registers/status', body: C.RegisterStatusReportSchema, status: 204, response: NoContent, errors: [400, 401], domain: null, whitelisted: false, tag: 'registers', summary: "A register's status report", description: "The register's connectivity state now with its reasons (and who switched it offline), its version, upload backlog, the time of its oldest waiting item and its dead letters. Sent every minute while online, at each transition, and as a parting notice when switched offline." }),
} as const;


export type HqRoutes = typeof HQ_ROUTES;
export type HqRouteName = keyof HqRoutes;
export type HqRoute = HqRoutes[HqRouteName];
export const HQ_ROUTE_LIST: readonly HqRouteSpec[] = Object.values(HQ_ROUTES);

type Part<R, K extends 'params' | 'query' | 'body', Name extends string> = R extends { [k in K]: infer S extends z.ZodType } ? { [n in Name]: z.input<S> } : { [n in Name]?: never };

/** What a call of a route sends: its path parameters, query and body, each only where the route takes one. */
export type RouteInput<R extends HqRouteSpec> = Part<R, 'params', 'params'> & Part<R, 'query', 'query'> & Part<R, 'body', 'body'>;
/** What a route answers when it succeeds, once checked. */
export type RouteOutput<R extends HqRouteSpec> = z.output<R['response']>;

/** `GET /members/:id/balance` → `GET /members/m1/balance?…`: the request a call of a route makes. */
export function requestOf(route: HqRouteSpec, input: { params?: unknown; query?: unknown; body?: unknown } = {}): { method: HqMethod; path: string; body: unknown } {
  const params = (input.params ?? {}) as Record<string, unknown>;
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null || value === '') throw new Error(`HQ route ${route.operationId} needs the path parameter ${name}.`);
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries((input.query ?? {}) as Record<string, unknown>)) if (value !== undefined && value !== null) query.append(name, String(value));
  const search = query.toString();
  return { method: route.method, path: search ? `${path}?${search}` : path, body: input.body };
}

const patterns = HQ_ROUTE_LIST.map((r) => ({ route: r, pattern: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`), dynamic: r.path.includes(':') }));

/** The route a request path belongs to (a static path wins over a parameter, as in Fastify), or null. */
export function routeOfPath(method: string, path: string): HqRouteSpec | null {
  const pathname = path.split('?')[0]!;
  const upper = method.toUpperCase();
  const matching = patterns.filter((p) => p.route.method === upper && p.pattern.test(pathname));
  return (matching.find((p) => !p.dynamic) ?? matching[0])?.route ?? null;
}

/** The route HQ declares as `METHOD /pattern`, or null. */
export function routeOfPattern(method: string, pattern: string): HqRouteSpec | null {
  const upper = method.toUpperCase();
  return HQ_ROUTE_LIST.find((r) => r.method === upper && r.path === pattern) ?? null;
}
