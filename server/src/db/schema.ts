/**
 * HQ's tables, typed for Kysely. One schema for SQLite and PostgreSQL: text ids, integer minor units,
 * integer milliseconds for times, JSON as text, booleans as 0/1.
 */
import type { Generated } from 'kysely';

export interface StoresTable {
  id: string;
  code: string;
  name: string;
  currency: string;
  prices_include_tax: number;
  enrolment_code_hash: string | null;
  created_at: number;
}

export interface RegistersTable {
  id: string;
  store_id: string;
  code: string;
  name: string;
  token_hash: string;
  enrolled_at: number;
  last_seen_at: number | null;
  /** When an admin revoked the device token (DELETE /registers/:id); HQ refuses it from then on. */
  revoked_at: number | null;
}

export interface EnrolmentCodesTable {
  code_hash: string;
  store_id: string;
  /** Registers the code may enrol; null: any number (the demo store's code). */
  max_uses: number | null;
  /** Registers it enrolled. */
  uses: Generated<number>;
  expires_at: number | null;
  created_at: number;
}

export interface UsersTable {
  id: string;
  store_id: string | null;
  name: string;
  role: 'cashier' | 'manager';
  pin_hash: string;
  active: number;
  created_at: number;
}

export interface TaxClassesTable {
  code: string;
  name: string;
  rate_bp: number;
}

export interface ProductsTable {
  sku: string;
  name: string;
  price: number;
  tax_class: string;
  /** JSON array of barcodes, as served; product_barcodes keeps each barcode unique across products. */
  barcodes: string;
  /** 1: a scale label may price it (`priceByLabel`); 0: never (the default). */
  price_by_label: Generated<number>;
  updated_at: number;
}

export interface ProductBarcodesTable {
  barcode: string;
  sku: string;
}

export interface PromotionsTable {
  id: string;
  data: string;
  updated_at: number;
}

export interface MembersTable {
  id: string;
  name: string;
  phone: string;
  card: string | null;
  created_at: number;
}

/** Local ids a register gave a member offline, pointing at the member HQ merged them into. */
export interface MemberAliasesTable {
  alias_id: string;
  member_id: string;
}

export interface PointLedgerTable {
  id: string;
  member_id: string;
  delta: number;
  reason: string;
  order_id: string | null;
  register_id: string | null;
  created_at: number;
}

export interface OrdersTable {
  id: string;
  kind: 'sale' | 'refund';
  number: string;
  store_id: string;
  register_id: string;
  total: number;
  currency: string;
  created_at: number;
  lines: string;
  original_order_id: string | null;
  member_id: string | null;
  cashier_id: string;
  received_at: number;
}

export interface PaymentsTable {
  id: string;
  order_id: string;
  register_id: string;
  tender: string;
  amount: number;
  status: string;
  reference: string | null;
  created_at: number;
}

export interface CardAuthorizationsTable {
  payment_id: string;
  register_id: string;
  order_id: string | null;
  amount: number;
  currency: string;
  last4: string;
  /**
   * `pending`: recorded before the acquirer is asked; `voided`: an approval no sale uses, reversed at the
   * acquirer (or an attempt the register gave up before HQ saw it); `reserved`: a card refund whose amount
   * is held while the acquirer is asked (never an authorisation).
   */
  status: 'pending' | 'approved' | 'declined' | 'voided' | 'reserved';
  auth_code: string | null;
  reason: string | null;
  created_at: number;
  /** When HQ decided to void this approval; the voider reverses it at the acquirer. */
  void_requested_at: number | null;
  voided_at: number | null;
}

/** The card simulator's ledger: every movement of money at the acquirer, once per (reference, kind). */
export interface AcquirerLedgerTable {
  reference: string;
  kind: 'charge' | 'refund' | 'void';
  original_reference: string | null;
  amount: number;
  currency: string;
  last4: string;
  at: number;
}

export interface OfflineCardPaymentsTable {
  id: string;
  order_id: string;
  register_id: string;
  store_id: string;
  amount: number;
  currency: string;
  /** Cleared once the payment is settled or declined. */
  card_token: string | null;
  last4: string;
  status: 'pending' | 'settling' | 'settled' | 'declined';
  reason: string | null;
  attempts: number;
  captured_at: number;
  upload_deadline: number | null;
  claimed_at: number | null;
  updated_at: number;
}

/** HQ's X25519 key pair for sealed card numbers (one row, id = 1), each half base64 of its DER. */
export interface CardKeysTable {
  id: number;
  /** SPKI DER: what registers seal to. */
  public_key: string;
  /** PKCS#8 DER: opens sealed card numbers when settling. */
  private_key: string;
  created_at: number;
}

/** An item a sale took back from an earlier order (an exchange): `quantity` and `amount` are positive. */
export interface OrderReturnsTable {
  order_id: string;
  position: number;
  original_order_id: string;
  original_line_index: number;
  quantity: number;
  amount: number;
}

/** A register's drawer session, from its float to its close (the count and close fields null until then). */
export interface CashSessionsTable {
  id: string;
  store_id: string;
  register_id: string;
  currency: string;
  opened_at: number;
  opened_by: string;
  float: number;
  /** 1: opened by the first cash sale with a float of 0 (no counted float). */
  opened_at_first_sale: number;
  counted_at: number | null;
  counted_by: string | null;
  counted: number | null;
  /** What the register expected at the count: the float plus its movements. */
  expected: number | null;
  closed_at: number | null;
  closed_by: string | null;
  note: string | null;
  approved_by: string | null;
  /** Set at the close: 1 when the float plus the movements HQ holds equals `expected`, 0 when not; null while open. */
  reconciled: number | null;
  received_at: number;
}

/** One movement of cash in or out of a session's drawer, signed (into the drawer positive). */
export interface CashMovementsTable {
  id: string;
  session_id: string;
  store_id: string;
  register_id: string;
  kind: 'sale' | 'change' | 'refund' | 'paid-in' | 'paid-out' | 'drop' | 'no-sale';
  amount: number;
  order_id: string | null;
  reason: string | null;
  note: string | null;
  user_id: string;
  approved_by: string | null;
  at: number;
}

/** One row per operation HQ applied: the unique op id is what makes a push idempotent. */
export interface AppliedOpsTable {
  op_id: string;
  register_id: string;
  entity: string;
  entity_id: string;
  type: string;
  payload_hash: string;
  /** JSON of extra result fields (e.g. the member id after a merge), or null. */
  result: string | null;
  applied_at: number;
}

export interface ChangesTable {
  seq: number;
  kind: string;
  action: 'upsert' | 'delete';
  entity_id: string;
  data: string;
  /** Only registers of this store see the change (null: every register). */
  store_id: string | null;
  /** The register the change came from, which does not need it back. */
  origin_register_id: string | null;
  committed_at: number;
}

/** PostgreSQL: a committed write's feed changes waiting for their sequence numbers (db/feed-sequencer.ts). */
export interface StagedChangesTable extends Omit<ChangesTable, 'seq'> {
  id: Generated<number>;
}

/** A single row (id = 1): the last sequence handed out and how far the history has been pruned. */
export interface FeedStateTable {
  id: number;
  head_seq: number;
  pruned_through: number;
}

/** A single row (id = 1): HQ's epoch, replaced after a restore from a backup (db/epoch.ts). */
export interface HqMetaTable {
  id: number;
  epoch: string;
  epoch_since: number;
}

export type ConsoleRole = 'owner' | 'area-manager' | 'store-manager';

export interface ConsoleUsersTable {
  id: string;
  email: string;
  name: string;
  role: ConsoleRole;
  /** JSON array of the store ids an area or store manager works for ('[]' for an owner: every store). */
  store_ids: string;
  password_hash: string;
  active: number;
  created_at: number;
  updated_at: number;
}

/** A signed-in console session: the cookie carries the secret, HQ keeps its hash. */
export interface ConsoleSessionsTable {
  id_hash: string;
  user_id: string;
  csrf: string;
  address: string;
  created_at: number;
  expires_at: number;
}

/** A single row (id = 1) while no owner exists: the hash of the one-time setup link's token. */
export interface ConsoleSetupTable {
  id: number;
  token_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface AuditLogTable {
  id: string;
  at: number;
  user_id: string | null;
  user_email: string | null;
  /** What was done: 'store.create', 'person.pin', 'product.price', … */
  action: string;
  target: string | null;
  store_id: string | null;
  /** JSON of what changed (never a PIN or a password). */
  detail: string;
  address: string;
}

/** One connectivity transition a register logged and uploaded through its outbox. */
export interface RegisterTransitionsTable {
  id: string;
  register_id: string;
  store_id: string;
  at: number;
  from_state: string;
  to_state: 'online' | 'offline';
  /** JSON array: 'manual', 'network', 'service:<domain>'. */
  reasons: string;
  trigger: string;
  user_name: string | null;
  received_at: number;
}

/** A register's latest status report. */
export interface RegisterStatusTable {
  register_id: string;
  store_id: string;
  state: 'online' | 'offline';
  reasons: string;
  user_name: string | null;
  since: number;
  version: string;
  backlog: number;
  oldest_pending_at: number | null;
  dead_letters: number;
  reported_at: number;
}

/** The console's takings per store, UTC day (days since the epoch), register, tender and currency (console/takings-rollup.ts). */
export interface TakingsDailyTable {
  store_id: string;
  day: number;
  register_id: string;
  tender: string;
  currency: string;
  sales: number;
  refunds: number;
  orders: number;
}

/** A fault an operator injected, shared by every HQ instance (spec: the FaultSpec as JSON). */
export interface HqFaultsTable {
  fault_key: string;
  spec: string;
  until: number | null;
  created_at: number;
}

/** One HQ instance's recent outcomes of a domain, for /qos on every instance. */
export interface HqQosWindowsTable {
  instance_id: string;
  domain: string;
  samples: number;
  failures: number;
  p90_ms: number;
  at: number;
}

/** One guess of a secret against one key (`enrol:<address>`, `login:register:<id>`, …), counted until it expires. */
export interface HqAttemptsTable {
  attempt_id: string;
  key: string;
  expires_at: number;
}

export interface HqSchema {
  stores: StoresTable;
  registers: RegistersTable;
  enrolment_codes: EnrolmentCodesTable;
  users: UsersTable;
  tax_classes: TaxClassesTable;
  products: ProductsTable;
  product_barcodes: ProductBarcodesTable;
  promotions: PromotionsTable;
  members: MembersTable;
  member_aliases: MemberAliasesTable;
  point_ledger: PointLedgerTable;
  orders: OrdersTable;
  payments: PaymentsTable;
  card_authorizations: CardAuthorizationsTable;
  acquirer_ledger: AcquirerLedgerTable;
  offline_card_payments: OfflineCardPaymentsTable;
  card_keys: CardKeysTable;
  applied_ops: AppliedOpsTable;
  order_returns: OrderReturnsTable;
  cash_sessions: CashSessionsTable;
  cash_movements: CashMovementsTable;
  changes: ChangesTable;
  staged_changes: StagedChangesTable;
  feed_state: FeedStateTable;
  hq_meta: HqMetaTable;
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
  console_setup: ConsoleSetupTable;
  audit_log: AuditLogTable;
  register_transitions: RegisterTransitionsTable;
  register_status: RegisterStatusTable;
  takings_daily: TakingsDailyTable;
  hq_faults: HqFaultsTable;
  hq_qos_windows: HqQosWindowsTable;
  hq_attempts: HqAttemptsTable;
}

export type { Generated };
