import type { Transaction } from 'kysely';
import {
  ENTITIES,
  type EntityType,
  type MemberPayload,
  type CardAttemptPayload,
  type CashClosePayload,
  type CashMovementPayload,
  type CashSessionPayload,
  type ConnectivityTransitionPayload,
  type OfflineCardPaymentPayload,
  type OpResult,
  type Operation,
  type PaymentPayload,
  type PointLedgerPayload,
  type RefundPayload,
  type SalePayload,
} from '../../../shared/hq/ops';
import type { Order } from '../../../shared/hq/feed';
import type { HqSchema, OrdersTable } from '../db/schema';
import type { NewChange, WriteTx, Writer } from '../db/writer';
import { refreshTakings } from '../console/takings-rollup';
import { enrolMember, resolveMemberId } from '../members/members.repository';
import { refundExceeds, returnsOfSale } from '../orders/refund-check';
import { cashSessionOwners, SCOPED_KINDS, sessionStandingOf, standingOf, type Standing } from '../http/scope';
import { abandonCardAttempts } from '../payments/card-attempts';
import type { AuthenticatedRegister } from '../registers/registers.repository';
import { DEFAULT_GROUP_LIMITS, GroupCommitter, type GroupLimits, type GroupStats } from './group-commit';
import { operationHash } from './payload-hash';

/** A request's operations to claim at the start of its group (see PushService.claimGroup). */
interface Claim {
  register: AuthenticatedRegister;
  candidates: ValidOp[];
}

/** What a group's requests claim at its start and leave to its end (see PushService.claimGroup and finish). */
interface PushWork {
  claims: Claim[];
  /** Operation id → the request (its Claim) that claimed it in this transaction. */
  claimedBy: Map<string, Claim>;
  changes: NewChange[];
  registers: Set<string>;
  paidOrders: string[];
  /** Card payments whose outcome changed (abandoned attempts): their orders' days too. */
  cardPayments: string[];
}

const ROWS_PER_STATEMENT = 500;

type ValidOp =
  | { index: number; op: Operation; hash: string; entity: 'sale'; payload: SalePayload }
  | { index: number; op: Operation; hash: string; entity: 'refund'; payload: RefundPayload }
  | { index: number; op: Operation; hash: string; entity: 'payment'; payload: PaymentPayload }
  | { index: number; op: Operation; hash: string; entity: 'member'; payload: MemberPayload }
  | { index: number; op: Operation; hash: string; entity: 'pointLedger'; payload: PointLedgerPayload }
  | { index: number; op: Operation; hash: string; entity: 'offlineCardPayment'; payload: OfflineCardPaymentPayload }
  | { index: number; op: Operation; hash: string; entity: 'cardAttempt'; payload: CardAttemptPayload }
  | { index: number; op: Operation; hash: string; entity: 'cashSession'; payload: CashSessionPayload }
  | { index: number; op: Operation; hash: string; entity: 'cashMovement'; payload: CashMovementPayload }
  | { index: number; op: Operation; hash: string; entity: 'cashClose'; payload: CashClosePayload }
  | { index: number; op: Operation; hash: string; entity: 'connectivityTransition'; payload: ConnectivityTransitionPayload };

type Rejection = Extract<OpResult, { status: 'rejected' }>;
type Deferral = Extract<OpResult, { status: 'deferred' }>;
const reject = (id: string, code: Rejection['code'], message: string): Rejection => ({ id, status: 'rejected', code, message });
const defer = (id: string, code: Deferral['code'], message: string): Deferral => ({ id, status: 'deferred', code, message });
/** An order of this batch HQ did not apply now, and the answer each operation that depends on it gets. */
type Held = { status: 'rejected'; code: Rejection['code']; dependent: string } | { status: 'deferred'; code: Deferral['code']; dependent: string };
const conflict = (id: string) =>
  reject(id, 'CONFLICT', 'HQ already applied an operation with this id and a different content; the first one is kept. Give a changed operation a new id.');

function chunks<T>(items: T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Checks an operation's entity, type and payload; a failure rejects that operation only. */
function validate(op: Operation, index: number): ValidOp | Rejection {
  if (!Object.hasOwn(ENTITIES, op.entity)) {
    return reject(op.id, 'UNKNOWN_ENTITY', `HQ does not know the entity type "${op.entity}"; it knows ${Object.keys(ENTITIES).join(', ')}.`);
  }
  const entity = op.entity as EntityType;
  const spec = ENTITIES[entity];
  if (!(spec.types as readonly string[]).includes(op.type)) {
    return reject(op.id, 'UNKNOWN_TYPE', `A ${entity} operation has type ${spec.types.map((t) => `"${t}"`).join(' or ')}, not "${op.type}".`);
  }
  const parsed = spec.payload.safeParse(op.payload);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || 'payload'}: ${i.message}`);
    return reject(op.id, 'INVALID_PAYLOAD', `The ${entity} payload is not valid: ${issues.join('; ')}.`);
  }
  if (parsed.data.id !== op.entityId) return reject(op.id, 'INVALID_PAYLOAD', `entityId ${op.entityId} must equal payload.id ${parsed.data.id}.`);
  return { index, op, hash: operationHash(op), entity, payload: parsed.data } as ValidOp;
}

export interface PushOutcome {
  results: OpResult[];
  /** Offline card payments stored by this push, waiting for settlement, plus approvals it marked for a void. */
  storedCardPayments: number;
  /** Connectivity transitions this push stored (the console's live view hears of them after the commit). */
  transitions: number;
}

/**
 * Applies a register's batch of outbox operations in one transaction, each at most once by its id: the
 * id is claimed in applied_ops (primary key) before its effects run, so a retry, a replay or a
 * concurrent push of the same operation finds the claim and answers `duplicate` (or `conflict` when the
 * content differs) without applying anything again.
 */
export class PushService {
  private readonly committer: GroupCommitter<PushWork>;
  readonly limits: GroupLimits;

  /**
   * SQLite runs one transaction at a time, so a second group in flight would only wait for the first
   * instead of collecting the requests that arrive meanwhile: there, one group at a time.
   */
  constructor(
    private readonly writer: Writer,
    limits: GroupLimits = writer.dialect === 'sqlite' ? { ...DEFAULT_GROUP_LIMITS, inFlight: 1 } : DEFAULT_GROUP_LIMITS,
  ) {
    this.limits = limits;
    this.committer = new GroupCommitter(writer, { begin: () => ({ claims: [], claimedBy: new Map(), changes: [], registers: new Set(), paidOrders: [], cardPayments: [] }), start: (tx, work) => this.claimGroup(tx, work), finish: (tx, work) => this.finish(tx, work) }, limits);
  }

  /** How pushes were grouped into transactions so far, and how many wait for the next group. */
  get groups(): GroupStats & { waiting: number } {
    return { ...this.committer.stats, waiting: this.committer.waiting };
  }

  /**
   * Claims every operation of the group's requests in one statement, in operation id order, so concurrent
   * groups (here or on another HQ instance) take these locks in one order. An id two requests of the group
   * both send goes to the first of them (in the group's order); the other finds it claimed, as it would
   * after the first one's commit.
   */
  private async claimGroup(tx: WriteTx, work: PushWork): Promise<void> {
    const owner = new Map<string, { claim: Claim; candidate: ValidOp }>();
    for (const claim of work.claims) for (const candidate of claim.candidates) if (!owner.has(candidate.op.id)) owner.set(candidate.op.id, { claim, candidate });
    const rows = [...owner.values()].sort((a, b) => (a.candidate.op.id < b.candidate.op.id ? -1 : 1));
    for (const part of chunks(rows, 1000)) {
      const inserted = await tx.trx
        .insertInto('applied_ops')
        .values(part.map(({ claim, candidate: c }) => ({ op_id: c.op.id, register_id: claim.register.id, entity: c.op.entity, entity_id: c.op.entityId, type: c.op.type, payload_hash: c.hash, result: null, applied_at: tx.now })))
        .onConflict((oc) => oc.column('op_id').doNothing())
        .returning('op_id')
        .execute();
      for (const row of inserted) work.claimedBy.set(row.op_id, owner.get(row.op_id)!.claim);
    }
  }

  /**
   * What every request of a group leaves to its end, written once for all of them: the console's takings of
   * the days their payments belong to (each register-day's lock taken in one sorted order), the registers'
   * last contact, and the feed's changes (appended once for the group).
   */
  private async finish(tx: WriteTx, work: PushWork): Promise<void> {
    const orderIds = [...work.paidOrders];
    for (const part of chunks([...new Set(work.cardPayments)])) {
      for (const row of await tx.trx.selectFrom('payments').select('order_id').where('id', 'in', part).execute()) orderIds.push(row.order_id);
    }
    await refreshTakings(tx.trx, this.writer.dialect, orderIds);
    if (work.registers.size > 0) await tx.trx.updateTable('registers').set({ last_seen_at: tx.now }).where('id', 'in', [...work.registers].sort()).execute();
    await tx.append(work.changes);
  }

  async push(register: AuthenticatedRegister, ops: Operation[]): Promise<PushOutcome> {
    const results: (OpResult | undefined)[] = new Array(ops.length);
    const firstIndex = new Map<string, number>();
    const candidates: ValidOp[] = [];
    const repeats: { index: number; first: number; hash: string | null }[] = [];
    ops.forEach((op, index) => {
      const checked = validate(op, index);
      const first = firstIndex.get(op.id);
      if (first !== undefined) {
        repeats.push({ index, first, hash: 'hash' in checked ? checked.hash : null });
        return;
      }
      firstIndex.set(op.id, index);
      if ('status' in checked) results[index] = checked;
      else candidates.push(checked);
    });

    let applied = { stored: 0, transitions: 0 };
    if (candidates.length > 0) {
      const request: Claim = { register, candidates };
      applied = await this.committer.submit({
        order: `${register.id} ${candidates[0]!.op.id}`,
        size: candidates.length,
        prepare: (work) => work.claims.push(request),
        run: async (tx, work) => {
          // The group may run again after a PostgreSQL deadlock, or alone after another request failed: start from no answers each time.
          candidates.forEach((c) => (results[c.index] = undefined));
          const claimed = new Set(candidates.filter((c) => work.claimedBy.get(c.op.id) === request).map((c) => c.op.id));
          let unclaimed = candidates.filter((c) => !claimed.has(c.op.id));
          if (unclaimed.length > 0) {
            const claimsOf = async (pending: ValidOp[]) => {
              const existing = new Map<string, { payload_hash: string; result: string | null }>();
              for (const part of chunks(pending.map((c) => c.op.id), 500)) {
                for (const row of await tx.trx.selectFrom('applied_ops').select(['op_id', 'payload_hash', 'result']).where('op_id', 'in', part).execute()) existing.set(row.op_id, row);
              }
              return existing;
            };
            let existing = await claimsOf(unclaimed);
            // An earlier request of this group claimed it, then gave it back (rejected or deferred it): this one claims it now.
            const released = unclaimed.filter((c) => !existing.has(c.op.id));
            if (released.length > 0) {
              for (const id of await this.claim(tx, register, released)) claimed.add(id);
              unclaimed = unclaimed.filter((c) => !claimed.has(c.op.id));
              existing = await claimsOf(unclaimed);
            }
            for (const c of unclaimed) {
              const row = existing.get(c.op.id);
              results[c.index] = row && row.payload_hash === c.hash ? { id: c.op.id, status: 'duplicate', ...(row.result ? (JSON.parse(row.result) as object) : {}) } : conflict(c.op.id);
            }
          }
          return this.apply(tx, work, register, candidates.filter((c) => claimed.has(c.op.id)), results);
        },
      });
    }
    for (const repeat of repeats) {
      const first = results[repeat.first]!;
      const firstHash = candidates.find((c) => c.index === repeat.first)?.hash ?? null;
      results[repeat.index] =
        (first.status === 'rejected' && first.code !== 'CONFLICT') || first.status === 'deferred'
          ? { ...first, id: ops[repeat.index]!.id }
          : repeat.hash !== null && repeat.hash === firstHash
            ? { id: ops[repeat.index]!.id, status: 'duplicate', ...('memberId' in first && first.memberId ? { memberId: first.memberId } : {}) }
            : conflict(ops[repeat.index]!.id);
    }
    return { results: results as OpResult[], storedCardPayments: applied.stored, transitions: applied.transitions };
  }

  /** Inserts the claims in id order (so concurrent pushes lock in one order); returns the ids this push claimed. */
  private async claim(tx: WriteTx, register: AuthenticatedRegister, candidates: ValidOp[]): Promise<Set<string>> {
    const sorted = [...candidates].sort((a, b) => (a.op.id < b.op.id ? -1 : 1));
    const claimed = new Set<string>();
    for (const part of chunks(sorted, 1000)) {
      const rows = await tx.trx
        .insertInto('applied_ops')
        .values(
          part.map((c) => ({
            op_id: c.op.id,
            register_id: register.id,
            entity: c.op.entity,
            entity_id: c.op.entityId,
            type: c.op.type,
            payload_hash: c.hash,
            result: null,
            applied_at: tx.now,
          })),
        )
        .onConflict((oc) => oc.column('op_id').doNothing())
        .returning('op_id')
        .execute();
      for (const row of rows) claimed.add(row.op_id);
    }
    return claimed;
  }

  /** Runs the effects of newly claimed operations; returns how many offline card payments and connectivity transitions it stored. */
  private async apply(tx: WriteTx, work: PushWork, register: AuthenticatedRegister, ops: ValidOp[], results: (OpResult | undefined)[]): Promise<{ stored: number; transitions: number }> {
    const { trx, now } = tx;
    const changes = work.changes;
    const unclaim: string[] = [];
    const byEntity = <E extends ValidOp['entity']>(entity: E) => ops.filter((o): o is Extract<ValidOp, { entity: E }> => o.entity === entity);

    // Members first: point ledger entries in the same batch may name them.
    for (const m of byEntity('member')) {
      const outcome = await enrolMember(trx, { id: m.payload.id, name: m.payload.name, phone: m.payload.phone, card: m.payload.card, createdAt: Date.parse(m.payload.createdAt) });
      if (outcome.kind === 'cardTaken') {
        results[m.index] = reject(m.op.id, 'DUPLICATE_CARD', `Card ${m.payload.card} already belongs to another member (${outcome.ownerId}); enrol with a new card.`);
        unclaim.push(m.op.id);
        continue;
      }
      results[m.index] = { id: m.op.id, status: 'applied', memberId: outcome.member.id };
      await trx.updateTable('applied_ops').set({ result: JSON.stringify({ memberId: outcome.member.id }) }).where('op_id', '=', m.op.id).execute();
      if (outcome.kind === 'created') changes.push({ kind: 'member', entityId: outcome.member.id, data: outcome.member, originRegisterId: register.id });
    }

    // Every order, card payment and sale the batch names is resolved to its store here, inside the transaction
    // that applies the batch: a register acts only on its own store's (http/scope.ts).
    const saleIds = new Set(byEntity('sale').map((o) => o.payload.id));
    const orderRefs = [
      ...byEntity('refund').map((o) => o.payload.originalOrderId),
      ...byEntity('sale').flatMap((o) => o.payload.lines.flatMap((l) => (l.returned?.orderId ? [l.returned.orderId] : []))),
      ...[...byEntity('payment'), ...byEntity('offlineCardPayment'), ...byEntity('cardAttempt')].map((o) => o.payload.orderId),
      ...byEntity('pointLedger').flatMap((o) => (o.payload.orderId ? [o.payload.orderId] : [])),
      ...byEntity('cashMovement').flatMap((o) => (o.payload.orderId ? [o.payload.orderId] : [])),
    ];
    const orderStores = await SCOPED_KINDS.order.storesOf(trx, orderRefs);
    const cardRefs = [...byEntity('payment').filter((p) => p.payload.tender === 'card'), ...byEntity('offlineCardPayment'), ...byEntity('cardAttempt')].map((o) => o.payload.id);
    const cardStores = await SCOPED_KINDS.cardPayment.storesOf(trx, cardRefs);
    const held = new Map<string, Held>();
    const acceptedRefunds = new Set<string>();
    /** Where an order a batch operation names stands: stored on HQ, or one of this batch's own sales and refunds. */
    const orderStanding = (orderId: string): Standing => {
      const found = standingOf(orderStores.get(orderId), register.storeId);
      return found === 'unknown' && (saleIds.has(orderId) || acceptedRefunds.has(orderId)) ? 'own' : found;
    };
    /** The answer for an operation that belongs to an order, or null when the order is the register's store's and applies. */
    const dependentAnswer = (op: ValidOp, orderId: string, what: string): Rejection | Deferral | null => {
      const hold = held.get(orderId);
      if (hold) return hold.status === 'rejected' ? reject(op.op.id, hold.code, hold.dependent) : defer(op.op.id, hold.code, hold.dependent);
      switch (orderStanding(orderId)) {
        case 'own':
          return null;
        case 'other':
          return reject(op.op.id, 'OTHER_STORE', `This ${what} names order ${orderId}, which is not an order of this register's store; a register acts only on its own store's orders. Nothing was applied.`);
        case 'unknown':
          return defer(op.op.id, 'ORDER_UNKNOWN', `This ${what} names order ${orderId}, which HQ has not received yet; the register keeps it and sends it again once the order is on HQ.`);
      }
    };
    const cardOfOtherStore = (op: ValidOp, what: string): Rejection | null =>
      standingOf(cardStores.get(op.payload.id), register.storeId) === 'other'
        ? reject(op.op.id, 'OTHER_STORE', `This ${what} uses card payment id ${op.payload.id}, which belongs to another store; use a new payment id. Nothing was applied.`)
        : null;
    const answer = (op: ValidOp, result: Rejection | Deferral) => {
      results[op.index] = result;
      unclaim.push(op.op.id);
    };

    // A sale that takes items of earlier orders back (an exchange) is checked like a refund of each: the
    // original must be this store's and still have them to give back. Its returns are recorded at once, so
    // the refunds and exchanges after it in this push count them.
    const sales: Extract<ValidOp, { entity: 'sale' }>[] = [];
    for (const s of byEntity('sale')) {
      const returns = returnsOfSale(s.payload);
      let refused: { result: Rejection | Deferral; held: Held } | null = null;
      for (const r of returns) {
        const origin = orderStanding(r.originalOrderId);
        if (origin === 'other') {
          refused = {
            result: reject(s.op.id, 'OTHER_STORE', `Sale ${s.payload.number} takes back items of order ${r.originalOrderId}, which is not an order of this register's store; a register takes back only its own store's orders. Nothing was applied; settle it with the customer and discard this operation.`),
            held: { status: 'rejected', code: 'OTHER_STORE', dependent: `This belongs to sale ${s.payload.number}, which HQ rejected: it takes back items of another store's order.` },
          };
          break;
        }
        if (origin === 'unknown') {
          refused = {
            result: defer(s.op.id, 'ORIGINAL_UNKNOWN', `Sale ${s.payload.number} takes back items of order ${r.originalOrderId}, which HQ has not received yet; the register keeps the sale and sends it again later.`),
            held: { status: 'deferred', code: 'ORIGINAL_UNKNOWN', dependent: `This belongs to sale ${s.payload.number}, which waits for order ${r.originalOrderId} to reach HQ.` },
          };
          break;
        }
        const exceeded = await refundExceeds(trx, r, { sales: byEntity('sale').map((o) => o.payload), refunds: [] }, 'Sale');
        if (exceeded) {
          refused = {
            result: reject(s.op.id, 'REFUND_EXCEEDS', exceeded),
            held: { status: 'rejected', code: 'REFUND_EXCEEDS', dependent: `This belongs to sale ${s.payload.number}, which HQ rejected because it takes back more than remains of an earlier order.` },
          };
          break;
        }
      }
      if (refused) {
        answer(s, refused.result);
        held.set(s.payload.id, refused.held);
        continue;
      }
      sales.push(s);
      const rows = s.payload.lines.flatMap((line, position) =>
        line.returned?.orderId && line.returned.originalLineIndex !== undefined
          ? [{ order_id: s.payload.id, position, original_order_id: line.returned.orderId, original_line_index: line.returned.originalLineIndex, quantity: -line.quantity, amount: -line.lineTotal }]
          : [],
      );
      if (rows.length > 0 && !(await trx.selectFrom('orders').select('id').where('id', '=', s.payload.id).executeTakeFirst())) {
        await trx.insertInto('order_returns').values(rows).onConflict((oc) => oc.columns(['order_id', 'position']).doNothing()).execute();
      }
    }

    // Refunds are checked one by one against what remains of their original (which they lock), after the batch's sales.
    const refunds: Extract<ValidOp, { entity: 'refund' }>[] = [];
    for (const r of byEntity('refund')) {
      const original = r.payload.originalOrderId;
      const origin = orderStanding(original);
      if (origin === 'other') {
        answer(r, reject(r.op.id, 'OTHER_STORE', `Refund ${r.payload.number} refunds order ${original}, which is not an order of this register's store; a register refunds only its own store's orders. Nothing was refunded on HQ; settle it with the customer and discard this operation.`));
        held.set(r.payload.id, { status: 'rejected', code: 'OTHER_STORE', dependent: `This belongs to refund ${r.payload.number}, which HQ rejected: it refunds an order of another store.` });
        continue;
      }
      if (origin === 'unknown') {
        answer(r, defer(r.op.id, 'ORIGINAL_UNKNOWN', `Refund ${r.payload.number} refunds order ${original}, which HQ has not received yet (another register may still be offline); the register keeps the refund and sends it again later.`));
        held.set(r.payload.id, { status: 'deferred', code: 'ORIGINAL_UNKNOWN', dependent: `This belongs to refund ${r.payload.number}, which waits for its original order ${original} to reach HQ.` });
        continue;
      }
      const exceeded = await refundExceeds(trx, r.payload, { sales: byEntity('sale').map((o) => o.payload), refunds: refunds.map((o) => o.payload) });
      if (exceeded) {
        answer(r, reject(r.op.id, 'REFUND_EXCEEDS', exceeded));
        held.set(r.payload.id, { status: 'rejected', code: 'REFUND_EXCEEDS', dependent: `This belongs to refund ${r.payload.id}, which HQ rejected because it refunds more than remains of the original order.` });
      } else {
        refunds.push(r);
        acceptedRefunds.add(r.payload.id);
      }
    }
    const orders = [...sales, ...refunds].sort((a, b) => a.index - b.index);
    const orderRows: OrdersTable[] = orders.map((o) => ({
      id: o.payload.id,
      kind: o.entity,
      number: o.payload.number,
      store_id: register.storeId,
      register_id: register.id,
      total: o.payload.total,
      currency: o.payload.currency,
      created_at: Date.parse(o.payload.createdAt),
      lines: JSON.stringify(o.payload.lines),
      original_order_id: o.entity === 'refund' ? o.payload.originalOrderId : null,
      member_id: o.payload.memberId ?? null,
      cashier_id: o.payload.cashierId,
      received_at: now,
    }));
    // The feed carries each order as /orders/search shows it, built from the payload (not re-read).
    const orderData = new Map<string, Order>(
      orders.map((o) => [
        o.payload.id,
        {
          id: o.payload.id,
          number: o.payload.number,
          registerId: register.id,
          storeId: register.storeId,
          kind: o.entity,
          total: o.payload.total,
          currency: o.payload.currency,
          createdAt: new Date(Date.parse(o.payload.createdAt)).toISOString(),
          lines: o.payload.lines,
          originalOrderId: o.entity === 'refund' ? o.payload.originalOrderId : null,
        },
      ]),
    );
    for (const part of chunks(orderRows)) {
      const inserted = new Set((await trx.insertInto('orders').values(part).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()).map((r) => r.id));
      for (const row of part) if (inserted.has(row.id)) changes.push({ kind: 'order', entityId: row.id, data: orderData.get(row.id), storeId: register.storeId, originRegisterId: register.id });
    }

    const payments = byEntity('payment').filter((p) => {
      const refused = dependentAnswer(p, p.payload.orderId, 'payment') ?? (p.payload.tender === 'card' ? cardOfOtherStore(p, 'payment') : null);
      if (refused) answer(p, refused);
      return !refused;
    });
    const paidOrders: string[] = [];
    for (const part of chunks(payments)) {
      const inserted = await trx
        .insertInto('payments')
        .values(
          part.map((p) => ({
            id: p.payload.id,
            order_id: p.payload.orderId,
            register_id: register.id,
            tender: p.payload.tender,
            amount: p.payload.amount,
            status: p.payload.status,
            reference: p.payload.reference ?? null,
            created_at: Date.parse(p.payload.createdAt),
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('order_id')
        .execute();
      for (const row of inserted) paidOrders.push(row.order_id);
    }

    for (const entry of byEntity('pointLedger')) {
      const refused = pointEntryRefused(entry) ?? dependentAnswer(entry, entry.payload.orderId!, `${entry.payload.reason} entry`);
      if (refused) {
        answer(entry, refused);
        continue;
      }
      const memberId = await resolveMemberId(trx, entry.payload.memberId);
      if (!memberId) {
        results[entry.index] = reject(entry.op.id, 'UNKNOWN_MEMBER', `HQ knows no member ${entry.payload.memberId}; upload the member's enrolment first, then this entry again.`);
        unclaim.push(entry.op.id);
        continue;
      }
      const row = {
        id: entry.payload.id,
        member_id: memberId,
        delta: entry.payload.delta,
        reason: entry.payload.reason,
        order_id: entry.payload.orderId ?? null,
        register_id: register.id,
        created_at: Date.parse(entry.payload.createdAt),
      };
      const inserted = await trx.insertInto('point_ledger').values(row).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
      if (inserted.length > 0) {
        const data = { id: row.id, memberId, delta: row.delta, reason: row.reason, orderId: row.order_id, createdAt: entry.payload.createdAt };
        changes.push({ kind: 'pointLedger', entityId: row.id, data, originRegisterId: register.id });
      }
    }

    const cards = byEntity('offlineCardPayment').filter((c) => {
      const refused = dependentAnswer(c, c.payload.orderId, 'offline card payment') ?? cardOfOtherStore(c, 'offline card payment');
      if (refused) answer(c, refused);
      return !refused;
    });
    let stored = 0;
    for (const part of chunks(cards)) {
      const rows = await trx
        .insertInto('offline_card_payments')
        .values(
          part.map((c) => ({
            id: c.payload.id,
            order_id: c.payload.orderId,
            register_id: register.id,
            store_id: register.storeId,
            amount: c.payload.amount,
            currency: c.payload.currency,
            card_token: c.payload.cardToken,
            last4: c.payload.last4,
            status: 'pending' as const,
            reason: null,
            attempts: 0,
            captured_at: Date.parse(c.payload.capturedAt),
            upload_deadline: c.payload.uploadDeadline ? Date.parse(c.payload.uploadDeadline) : null,
            claimed_at: null,
            updated_at: now,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute();
      stored += rows.length;
    }

    // Card attempts the register gave up are voided (a sale's payments may come in a later batch, so HQ does not guess).
    // The sale of an abandoned attempt may never reach HQ, so only another store's order or payment id is refused.
    const attempts = byEntity('cardAttempt').filter((a) => {
      const refused =
        orderStanding(a.payload.orderId) === 'other'
          ? reject(a.op.id, 'OTHER_STORE', `This card attempt names order ${a.payload.orderId}, which is not an order of this register's store. Nothing was applied.`)
          : cardOfOtherStore(a, 'card attempt');
      if (refused) answer(a, refused);
      return !refused;
    });
    stored += await abandonCardAttempts(trx, register, attempts.map((a) => a.payload), now);
    // The console's takings of the days these payments (and card outcomes) belong to, rewritten at the end of this transaction.
    work.paidOrders.push(...paidOrders);
    work.cardPayments.push(...attempts.map((a) => a.payload.id));

    await applyCashOps(tx, register, { sessions: byEntity('cashSession'), movements: byEntity('cashMovement'), closes: byEntity('cashClose') }, this.writer.dialect === 'postgres', dependentAnswer, answer);
    const transitions = await applyTransitions(tx, register, byEntity('connectivityTransition'), answer);

    for (const o of ops) results[o.index] ??= { id: o.op.id, status: 'applied' };
    work.registers.add(register.id);
    await unclaimOps(trx, unclaim);
    return { stored, transitions };
  }
}

type CashOps = {
  sessions: Extract<ValidOp, { entity: 'cashSession' }>[];
  movements: Extract<ValidOp, { entity: 'cashMovement' }>[];
  closes: Extract<ValidOp, { entity: 'cashClose' }>[];
};

/**
 * Cash management, inside the batch's transaction: drawer sessions, then their movements, then closes (a
 * register's outbox sends them in that order, and one batch may hold all three). A session belongs to the
 * store of the register that opened it, and is checked against the caller's store like every other id: a
 * movement or close from another register of the store is applied and recorded with the register that sent
 * it (the till enrolled again keeps its open drawer; HQ cannot tell it is the same till), one of another
 * store's session is refused, one of a session HQ does not hold yet is deferred.
 *
 * A close is checked against the movements HQ holds: float + Σ movements must equal the expected amount
 * the register closed with. HQ cannot know from the close alone whether a movement is still on its way,
 * so: a close whose session has a movement deferred in the same batch is deferred with it
 * (MOVEMENTS_PENDING); otherwise the close is stored, never lost, and flagged `reconciled` = 0 when the sum
 * differs. A movement of a closed session that arrives later (deferred for its order, say) checks the sum
 * again, so the flag clears once every movement is on HQ, and stays set for money that really is missing.
 */
async function applyCashOps(
  tx: WriteTx,
  register: AuthenticatedRegister,
  ops: CashOps,
  lockRows: boolean,
  dependentAnswer: (op: ValidOp, orderId: string, what: string) => Rejection | Deferral | null,
  answer: (op: ValidOp, result: Rejection | Deferral) => void,
): Promise<void> {
  const { trx, now } = tx;
  if (ops.sessions.length + ops.movements.length + ops.closes.length === 0) return;
  const sessionIds = [...new Set([...ops.sessions.map((o) => o.payload.id), ...ops.movements.map((o) => o.payload.sessionId), ...ops.closes.map((o) => o.payload.id)])];
  // On PostgreSQL the sessions' rows are locked first, so a close's sum and a movement of the same session
  // from a concurrent push never interleave (SQLite runs one writer at a time).
  if (lockRows) for (const part of chunks(sessionIds)) await trx.selectFrom('cash_sessions').select('id').where('id', 'in', part).orderBy('id').forUpdate().execute();
  const owners = await cashSessionOwners(trx, sessionIds);

  for (const s of ops.sessions) {
    const standing = sessionStandingOf(owners.get(s.payload.id), register);
    if (standing === 'other') {
      answer(s, reject(s.op.id, 'OTHER_STORE', `Drawer session ${s.payload.id} belongs to another store on HQ; a register opens its own sessions with new ids. Nothing was applied.`));
      continue;
    }
    if (standing === 'otherRegister') {
      answer(s, reject(s.op.id, 'CONFLICT', `Drawer session ${s.payload.id} was opened by another register of this store; a session belongs to the drawer that opened it, so open this one with a new id. Nothing was applied.`));
      continue;
    }
    // 'own': HQ holds it already (sent again under another operation id); the first one is kept.
    if (standing === 'own') continue;
    await trx
      .insertInto('cash_sessions')
      .values({
        id: s.payload.id,
        store_id: register.storeId,
        register_id: register.id,
        currency: s.payload.currency,
        opened_at: Date.parse(s.payload.openedAt),
        opened_by: s.payload.openedBy,
        float: s.payload.float,
        opened_at_first_sale: s.payload.openedAtFirstSale ? 1 : 0,
        counted_at: null,
        counted_by: null,
        counted: null,
        expected: null,
        closed_at: null,
        closed_by: null,
        note: null,
        approved_by: null,
        reconciled: null,
        received_at: now,
      })
      .execute();
    owners.set(s.payload.id, { storeId: register.storeId, registerId: register.id });
  }

  /**
   * The answer for a movement or close of a session, or null when it is this register's session on HQ (or
   * opened by this batch). A session HQ refused in this batch is another's on HQ, so its movements and close
   * are refused with the same reason.
   */
  const sessionAnswer = (op: ValidOp, sessionId: string, what: string): Rejection | Deferral | null => {
    switch (sessionStandingOf(owners.get(sessionId), register)) {
      case 'own':
        return null;
      case 'other':
        return reject(op.op.id, 'OTHER_STORE', `This ${what} names drawer session ${sessionId}, which belongs to another store; a register acts only on its own drawer's sessions. Nothing was applied.`);
      case 'otherRegister':
        // The store's: a register enrolled again (a new register on HQ) goes on with the drawer it had open.
        return null;
      case 'unknown':
        return defer(op.op.id, 'SESSION_UNKNOWN', `This ${what} names drawer session ${sessionId}, which HQ has not received yet; the register keeps it and sends it again once the session is on HQ.`);
    }
  };

  const movementIds = ops.movements.map((m) => m.payload.id);
  const storedMovements = new Map<string, string>();
  for (const part of chunks(movementIds)) for (const row of await trx.selectFrom('cash_movements').select(['id', 'register_id']).where('id', 'in', part).execute()) storedMovements.set(row.id, row.register_id);
  /** Sessions with a movement HQ deferred in this batch: their close waits for it. */
  const pending = new Set<string>();
  /** Sessions that received movements: a closed one checks its sum again. */
  const moved = new Set<string>();
  for (const m of ops.movements) {
    const { sessionId, orderId, id } = m.payload;
    let refused = sessionAnswer(m, sessionId, 'cash movement') ?? (orderId ? dependentAnswer(m, orderId, 'cash movement') : null);
    const storedBy = storedMovements.get(id);
    if (!refused && storedBy !== undefined && storedBy !== register.id) {
      refused = reject(m.op.id, 'CONFLICT', `Cash movement id ${id} is already another register's on HQ; record this movement with a new id. Nothing was applied.`);
    }
    if (refused) {
      answer(m, refused);
      if (refused.status === 'deferred') pending.add(sessionId);
      continue;
    }
    // Stored already (sent again under another operation id): the first one is kept.
    if (storedBy !== undefined) continue;
    await trx
      .insertInto('cash_movements')
      .values({
        id,
        session_id: sessionId,
        store_id: register.storeId,
        register_id: register.id,
        kind: m.payload.kind,
        amount: m.payload.amount,
        order_id: orderId ?? null,
        reason: m.payload.reason ?? null,
        note: m.payload.note ?? null,
        user_id: m.payload.userId,
        approved_by: m.payload.approvedBy ?? null,
        at: Date.parse(m.payload.at),
      })
      .execute();
    storedMovements.set(id, register.id);
    moved.add(sessionId);
  }

  const sumOf = async (sessionId: string) => {
    const session = await trx.selectFrom('cash_sessions').select(['float', 'expected', 'counted', 'counted_at', 'closed_at']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    const { total } = await trx.selectFrom('cash_movements').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total')).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    return { session, fromMovements: Number(session.float) + Number(total) };
  };
  for (const c of ops.closes) {
    const sessionId = c.payload.id;
    const refused =
      sessionAnswer(c, sessionId, 'drawer close') ??
      (pending.has(sessionId)
        ? defer(c.op.id, 'MOVEMENTS_PENDING', `Drawer session ${sessionId} has a cash movement HQ deferred in this batch; the register keeps the close and sends it again with that movement, so HQ checks the session's sum with all of them.`)
        : null);
    if (refused) {
      answer(c, refused);
      continue;
    }
    const { session, fromMovements } = await sumOf(sessionId);
    const close = {
      counted_at: Date.parse(c.payload.countedAt),
      counted_by: c.payload.countedBy,
      counted: c.payload.counted,
      expected: c.payload.expected,
      closed_at: Date.parse(c.payload.closedAt),
      closed_by: c.payload.closedBy,
      note: c.payload.note ?? null,
      approved_by: c.payload.approvedBy ?? null,
    };
    if (session.closed_at !== null) {
      // Closed already (sent again under another operation id): the same close is kept; another one is a conflict.
      if (Number(session.closed_at) === close.closed_at && Number(session.counted) === close.counted && Number(session.expected) === close.expected) continue;
      answer(c, reject(c.op.id, 'CONFLICT', `Drawer session ${sessionId} is closed on HQ already, with another count; a session closes once. Nothing was applied.`));
      continue;
    }
    await trx.updateTable('cash_sessions').set({ ...close, reconciled: fromMovements === c.payload.expected ? 1 : 0 }).where('id', '=', sessionId).execute();
    moved.delete(sessionId);
  }
  for (const sessionId of moved) {
    const { session, fromMovements } = await sumOf(sessionId);
    if (session.closed_at !== null) await trx.updateTable('cash_sessions').set({ reconciled: fromMovements === Number(session.expected) ? 1 : 0 }).where('id', '=', sessionId).execute();
  }
}

/**
 * The register's connectivity transitions (telemetry for the fleet's timeline), recorded with the store of
 * the register that sent them: a register speaks only of itself. Never refused for their age (a till offline
 * for a week uploads its week). Kept once by their id: one sent again under another operation id is the
 * first one kept; an id that is already another register's is a conflict. Returns how many it stored.
 */
async function applyTransitions(
  tx: WriteTx,
  register: AuthenticatedRegister,
  ops: Extract<ValidOp, { entity: 'connectivityTransition' }>[],
  answer: (op: ValidOp, result: Rejection | Deferral) => void,
): Promise<number> {
  if (ops.length === 0) return 0;
  const { trx, now } = tx;
  const owners = new Map<string, string>();
  for (const part of chunks(ops.map((o) => o.payload.id))) {
    for (const row of await trx.selectFrom('register_transitions').select(['id', 'register_id']).where('id', 'in', part).execute()) owners.set(row.id, row.register_id);
  }
  let stored = 0;
  for (const t of ops) {
    const owner = owners.get(t.payload.id);
    if (owner !== undefined) {
      if (owner !== register.id) answer(t, reject(t.op.id, 'CONFLICT', `Connectivity transition ${t.payload.id} is already another register's on HQ; a register records its transitions with ids of its own. Nothing was applied.`));
      continue;
    }
    await trx
      .insertInto('register_transitions')
      .values({
        id: t.payload.id,
        register_id: register.id,
        store_id: register.storeId,
        at: Date.parse(t.payload.at),
        from_state: t.payload.from,
        to_state: t.payload.to,
        reasons: JSON.stringify(t.payload.reasons),
        trigger: t.payload.trigger,
        user_name: t.payload.switchedBy,
        received_at: now,
      })
      .execute();
    owners.set(t.payload.id, register.id);
    stored++;
  }
  return stored;
}

/**
 * What a register may add to a member's points: earning on a sale (positive), redeeming on one (negative),
 * and giving back on a refund (negative), each naming its order. Adjustments are an admin's action at HQ.
 */
function pointEntryRefused(entry: Extract<ValidOp, { entity: 'pointLedger' }>): Rejection | null {
  const { reason, delta, orderId } = entry.payload;
  if (reason === 'adjust') {
    return reject(entry.op.id, 'NOT_ALLOWED', 'A register cannot adjust points; an admin adjusts a member\'s points at HQ (POST /admin/members/:id/points). Nothing was applied; discard this operation.');
  }
  if (!orderId) return reject(entry.op.id, 'INVALID_PAYLOAD', `A points ${reason} entry names the order it belongs to (orderId). Nothing was applied.`);
  if ((reason === 'earn') !== delta > 0) {
    return reject(entry.op.id, 'INVALID_PAYLOAD', `A points ${reason} entry ${reason === 'earn' ? 'adds' : 'takes away'} points: its delta must be ${reason === 'earn' ? 'positive' : 'negative'}, not ${delta}. Nothing was applied.`);
  }
  return null;
}

/** A rejected or deferred operation leaves no claim, so the register can fix the cause and send it again. */
async function unclaimOps(trx: Transaction<HqSchema>, ids: string[]): Promise<void> {
  for (const part of chunks(ids, 500)) await trx.deleteFrom('applied_ops').where('op_id', 'in', part).execute();
}
