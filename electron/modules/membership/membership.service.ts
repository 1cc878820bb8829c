import type { AttachedMember, MemberView } from '../../../shared/modules/membership.api';
import type { TenderState } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import type { Change, Snapshot } from '../../../shared/hq/feed';
import { ChangeDataSchemas } from '../../../shared/hq/feed';
import { MemberCardSchema, normalizePhone, type Member } from '../../../shared/hq/members';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { OpResult, TypedOperation } from '../../../shared/hq/ops';
import { KeyedLock } from '../../core/keyed-lock';
import type { Logger } from '../../core/logger';
import { HqStatusError, type HqCaller } from '../../hq/hq-client';
import type { Outbox, OperationDraft, OutboxOperation } from '../../sync/outbox';
import type { MemberRepository, MemberRow } from './member.repository';
import { pointsEarned, redeemablePoints, type PointsRule } from './points';

/** The HQ calls membership makes (the HqClient in the app, a stand-in in tests). */
/** What membership asks of HQ: typed calls of HQ's member routes, answers checked by the client. */
export type MemberHq = HqCaller;

export interface SaleAccess {
  /** The open sale's id, or null when the cart is empty. */
  openSaleId(): string | null;
  /** Opens the sale before its first item (an empty cart); `within` runs in the transaction that opens it. */
  openSale(cashierId: string, within: (saleId: string) => void): string;
  state(): TenderState;
  addPointsPayment(payment: { id: string; saleId: string; amount: number; points: number }, now: number): void;
}

export interface MembershipServiceOptions {
  members: MemberRepository;
  outbox: Outbox;
  /** Null in demo mode (no HQ): the register works from its own cache. */
  hq: MemberHq | null;
  /** Asked of connectivity, never of the network. */
  online: () => boolean;
  rule: () => PointsRule;
  currency: () => string;
  sales: SaleAccess;
  newId: () => string;
  log: Logger;
  now?: () => number;
  timeoutMs?: number;
}

type PointEntryDraft = Extract<TypedOperation, { entity: 'pointLedger' }>['payload'];

/**
 * Members and points. Online, lookups and balances come live from HQ and refresh the cache; offline the
 * cache answers "as of" when HQ last gave a balance. Every points movement is an entry in an append-only
 * ledger written with its outbox operation in one transaction; a balance is always a sum.
 */
export class MembershipService {
  private readonly now: () => number;
  private readonly refreshAfterSync = new Set<string>();
  private readonly redemptionsOfMember = new KeyedLock();

  constructor(private readonly o: MembershipServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  private live(): boolean {
    return this.o.hq !== null && this.o.online();
  }

  /** A phone number or a card number: the phone first when the text reads as one, then the card. */
  async lookup(query: string): Promise<MemberView> {
    const text = query.trim();
    const phone = normalizePhone(text);
    const card = MemberCardSchema.safeParse(text).success ? text : null;
    if (!phone && !card) {
      throw new KassaError('INVALID_INPUT', `"${text.slice(0, 32)}" is neither a phone number (6 to 15 digits, optionally starting with +) nor a member card number. Check it and try again.`);
    }
    if (this.live()) {
      try {
        const found = (phone ? await this.fetch({ phone }) : null) ?? (card ? await this.fetch({ card }) : null);
        if (found) return found;
      } catch (error) {
        // HQ did not answer usefully: the cache answers, marked "as of".
        this.o.log.warn({ err: error }, 'member lookup on HQ failed; answering from the cache');
        return this.fromCache(phone, card);
      }
      // HQ does not know them: maybe enrolled here and not yet uploaded.
      const local = (phone ? this.o.members.byPhone(phone) : undefined) ?? (card ? this.o.members.byCard(card) : undefined);
      if (local?.pending) return this.view(local, 'cache');
      throw notFound(text);
    }
    return this.fromCache(phone, card);
  }

  /** Enrols a customer: online on HQ (a known phone answers with that member), offline with a local id, pending until HQ merges it by phone. */
  async enrol(input: { name: string; phone: string; card?: string | undefined }): Promise<{ status: 'enrolled' | 'duplicate'; member: MemberView }> {
    const phone = normalizePhone(input.phone);
    if (!phone) throw new KassaError('INVALID_INPUT', `${input.phone.slice(0, 32)} is not a phone number: use 6 to 15 digits, optionally starting with +.`);
    const card = input.card?.trim() ? input.card.trim() : null;
    if (card !== null && !MemberCardSchema.safeParse(card).success) throw new KassaError('INVALID_INPUT', 'A member card number is 4 to 32 letters or digits.');
    const name = input.name.trim();
    const known = this.o.members.byPhone(phone);
    if (known) return { status: 'duplicate', member: this.view(known, 'cache') };
    const id = this.o.newId();
    if (this.live()) {
      try {
        const created = await this.o.hq!.call(HQ_ROUTES.enrolMember, { body: { id, name, phone, ...(card ? { card } : {}) } }, { timeoutMs: this.o.timeoutMs });
        this.o.members.saveFromHq(created, 0, this.now());
        return { status: 'enrolled', member: this.view(this.o.members.byId(created.id)!, 'live') };
      } catch (error) {
        if (error instanceof HqStatusError && error.kind === 'conflict') {
          const existing = await this.fetch({ phone }).catch(() => null);
          if (existing) return { status: 'duplicate', member: existing };
          throw new KassaError('NOT_ALLOWED', 'HQ says this phone number or card already belongs to a member. Look the member up instead, or use another card.');
        }
        if (error instanceof HqStatusError && error.rejected) throw new KassaError('INVALID_INPUT', 'HQ did not accept this enrolment; check the name, phone and card.');
        // HQ is not answering: enrol here; HQ merges by phone when it arrives.
        this.o.log.warn({ err: error }, 'enrolment on HQ failed; enrolling on this register');
      }
    }
    const now = this.now();
    this.o.outbox.write(() => {
      this.o.members.insertPending({ id, name, phone, card }, now);
      const payload = { id, name, phone, ...(card ? { card } : {}), createdAt: new Date(now).toISOString() };
      return { result: null, operations: [{ entity: 'member', entityId: id, type: 'enrolled', payload }] };
    }, now);
    return { status: 'enrolled', member: this.view(this.o.members.byId(id)!, 'cache') };
  }

  /** The member on the open sale, their balance and what points may pay. */
  /**
   * The member on the open sale and what points may pay. `refresh` asks HQ for the balance first (when
   * online): if HQ cannot give it (not answering, or the member is not on HQ yet) the offline rules apply.
   */
  async attached(refresh = false): Promise<AttachedMember> {
    const saleId = this.o.sales.openSaleId();
    const memberId = saleId ? this.o.members.attachedTo(saleId) : null;
    let online = this.live();
    const rule = this.o.rule();
    const tendered = saleId ? this.o.members.pointsTendered(saleId).points : 0;
    let member: MemberView | null = null;
    if (memberId) {
      const live = refresh && online && (await this.refreshBalance(memberId));
      if (refresh && !live) online = false;
      const row = this.o.members.byId(memberId);
      member = row ? this.view(row, live ? 'live' : 'cache') : null;
    }
    const balance = memberId ? this.o.members.balance(memberId) : null;
    return {
      saleId,
      member,
      redeemable: balance ? redeemablePoints(balance, tendered, online, rule) : 0,
      tendered,
      pointValue: rule.pointValueMinor,
      mode: online ? 'online' : 'offline',
      offlineCap: online ? null : rule.offlineRedeemCap,
    };
  }

  /**
   * Puts the member on the open sale. On an empty cart the member comes first: the sale opens with them on
   * it (for `cashierId`), and the items scanned next join it.
   */
  async attach(memberId: string, cashierId: string): Promise<AttachedMember> {
    if (!this.o.members.byId(memberId)) throw new KassaError('NOT_FOUND', 'That member is not known on this register; look them up again.');
    const saleId = this.o.sales.openSaleId();
    if (saleId) {
      if (this.o.members.pointsTendered(saleId).points > 0) throw new KassaError('NOT_ALLOWED', 'Points were already tendered on this sale; the member cannot change now.');
      if (!this.o.members.attach(saleId, memberId)) throw new KassaError('NOT_FOUND', 'This sale is no longer open on this register; start a new sale.');
    } else {
      this.o.sales.openSale(cashierId, (opened) => {
        if (!this.o.members.attach(opened, memberId)) throw new KassaError('NOT_FOUND', 'This sale is no longer open on this register; start a new sale.');
      });
    }
    return this.attached(true);
  }

  /**
   * A code the catalog did not know, scanned in the cart's field: when it is a member's loyalty card
   * (in the register's copy, or on HQ while online) that member is attached to the sale, which opens with
   * them when the card comes before the first item. Null: no member has this card, so it stays an unknown
   * barcode.
   */
  async attachByCard(code: string, cashierId: string): Promise<AttachedMember | null> {
    const card = code.trim();
    if (!MemberCardSchema.safeParse(card).success) return null;
    let row = this.o.members.byCard(card);
    if (!row && this.live()) {
      const found = await this.fetch({ card }).catch(() => null);
      row = found ? this.o.members.byId(found.id) : undefined;
    }
    if (!row) return null;
    return this.attach(row.id, cashierId);
  }

  async detach(): Promise<AttachedMember> {
    const saleId = this.o.sales.openSaleId();
    if (saleId) {
      if (this.o.members.pointsTendered(saleId).points > 0) throw new KassaError('NOT_ALLOWED', 'Points were already tendered on this sale; the member stays attached.');
      this.o.members.attach(saleId, null);
    }
    return this.attached();
  }

  /**
   * Points as tender: online up to the live balance, offline up to the cached balance less pending
   * redemptions and the cap. Redemptions of one member run one at a time, and what they may spend is
   * checked again in the transaction that writes the points payment.
   */
  async redeem(saleId: string, points: number): Promise<TenderState> {
    const state = this.o.sales.state();
    if (!state.saleId || state.saleId !== saleId) throw new KassaError('NOT_FOUND', 'This sale is no longer open on this register; start a new sale.');
    if (!Number.isSafeInteger(points) || points <= 0) throw new KassaError('INVALID_INPUT', 'Enter the points to redeem as a whole number above zero.');
    const memberId = this.o.members.attachedTo(saleId);
    if (!memberId) throw new KassaError('NOT_ALLOWED', 'Attach a member (F10) before paying with points.');
    return this.redemptionsOfMember.run(memberId, () => this.redeemNow(saleId, memberId, points));
  }

  private async redeemNow(saleId: string, memberId: string, points: number): Promise<TenderState> {
    const current = await this.attached(true);
    const rule = this.o.rule();
    const amount = points * rule.pointValueMinor;
    this.o.members.transaction(() => {
      // Read again where the payment is written: the sale, its member and what was tendered may have changed while HQ answered.
      const state = this.o.sales.state();
      if (state.saleId !== saleId || this.o.members.attachedTo(saleId) !== memberId) throw new KassaError('NOT_FOUND', 'This sale is no longer open on this register; start a new sale.');
      if (amount > state.remaining) {
        throw new KassaError('INVALID_INPUT', `${points} points pay more than what remains due; at most ${Math.floor(state.remaining / rule.pointValueMinor)} points can pay this sale.`);
      }
      const tendered = this.o.members.pointsTendered(saleId).points;
      const online = current.mode === 'online';
      const redeemable = redeemablePoints(this.o.members.balance(memberId), tendered, online, rule);
      if (points > redeemable) {
        const why =
          !online && redeemable === Math.max(0, rule.offlineRedeemCap - tendered)
            ? `offline a sale may redeem at most ${rule.offlineRedeemCap} points`
            : `the member has ${redeemable} points to spend`;
        throw new KassaError('LIMIT_EXCEEDED', `Cannot redeem ${points} points: ${why}. Redeem fewer points or take another tender.`);
      }
      this.o.sales.addPointsPayment({ id: this.o.newId(), saleId, amount, points }, this.now());
    });
    return this.o.sales.state();
  }

  /**
   * Called inside the sale's completion transaction: the ledger entries for the attached member (the points
   * tendered, then what the money paid earns), written here and returned as outbox operations.
   */
  completing(saleId: string, payments: readonly { tender: string; amount: number }[], currency: string, now: number): { memberId: string | null; operations: OperationDraft[] } {
    const memberId = this.o.members.attachedTo(saleId);
    if (!memberId) return { memberId: null, operations: [] };
    const createdAt = new Date(now).toISOString();
    const entries: PointEntryDraft[] = [];
    const redeemed = this.o.members.pointsTendered(saleId).points;
    if (redeemed > 0) entries.push({ id: this.o.newId(), memberId, delta: -redeemed, reason: 'redeem', orderId: saleId, createdAt });
    const paidWithMoney = payments.filter((p) => p.tender !== 'points').reduce((sum, p) => sum + p.amount, 0);
    const earned = pointsEarned(paidWithMoney, currency, this.o.rule());
    if (earned > 0) entries.push({ id: this.o.newId(), memberId, delta: earned, reason: 'earn', orderId: saleId, createdAt });
    for (const e of entries) this.o.members.append({ id: e.id, memberId, delta: e.delta, reason: e.reason, orderId: saleId, createdAt: now }, 'register');
    return { memberId, operations: entries.map((payload) => ({ entity: 'pointLedger', entityId: payload.id, type: 'appended', payload })) };
  }

  /**
   * Called inside a refund's transaction for a member's order: takes back the points the refunded money
   * earned, by the same rule (whole units, rounded down, so refunds never take back more than the sale
   * earned). An append-only entry with reason `refund`, returned as an operation for HQ.
   */
  refunding({ refundId, memberId, moneyRefunded, currency, now }: { refundId: string; memberId: string; moneyRefunded: number; currency: string; now: number }): OperationDraft[] {
    const points = pointsEarned(moneyRefunded, currency, this.o.rule());
    if (points <= 0) return [];
    const entry: PointEntryDraft = { id: this.o.newId(), memberId, delta: -points, reason: 'refund', orderId: refundId, createdAt: new Date(now).toISOString() };
    this.o.members.append({ id: entry.id, memberId, delta: entry.delta, reason: 'refund', orderId: refundId, createdAt: now }, 'register');
    return [{ entity: 'pointLedger', entityId: entry.id, type: 'appended', payload: entry }];
  }

  /** HQ acknowledged an operation (inside the drainer's transaction): an enrolment gets HQ's member id. */
  acknowledged(op: OutboxOperation, result: OpResult): void {
    if (op.entity !== 'member' || result.status === 'rejected' || result.status === 'deferred') return;
    const local = this.o.members.byId(op.entityId);
    this.o.members.confirmEnrolment(op.entityId, result.memberId ?? op.entityId, this.now());
    if (local) this.refreshAfterSync.add(local.phone);
    // HQ wins identity fields: fetch the merged member once the drainer's transaction is done.
    setImmediate(() => void this.refreshMerged());
  }

  /** Applies a member or points change from HQ's feed (inside the feed's transaction); false for other kinds. */
  applyChange(change: Change, now: number): boolean {
    if (change.kind === 'member') {
      if (change.action === 'upsert') this.o.members.saveFromHq(ChangeDataSchemas.member.parse(change.data), null, now);
      return true;
    }
    if (change.kind === 'pointLedger') {
      if (change.action !== 'upsert') return true;
      const e = ChangeDataSchemas.pointLedger.parse(change.data);
      const reason = (['earn', 'redeem', 'adjust', 'refund'] as const).find((r) => r === e.reason) ?? 'adjust';
      if (e.delta !== 0) this.o.members.append({ id: e.id, memberId: e.memberId, delta: e.delta, reason, orderId: e.orderId, createdAt: Date.parse(e.createdAt) || now }, 'hq');
      return true;
    }
    return false;
  }

  /** A snapshot's members with their balances (inside the snapshot's swap transaction). */
  applySnapshot(snapshot: Snapshot, now: number): void {
    this.o.members.loadSnapshot(snapshot.members, now);
  }

  private async refreshMerged(): Promise<void> {
    if (!this.live()) return;
    for (const phone of [...this.refreshAfterSync]) {
      this.refreshAfterSync.delete(phone);
      await this.fetch({ phone }).catch((error: unknown) => this.o.log.warn({ err: error }, 'refreshing a merged member from HQ failed'));
    }
  }

  /** HQ's balance for a member into the cache; false when HQ could not give it. */
  private async refreshBalance(memberId: string): Promise<boolean> {
    const row = this.o.members.byId(memberId);
    if (!row || row.pending) return false;
    try {
      const answer = await this.o.hq!.call(HQ_ROUTES.memberBalance, { params: { id: memberId } }, { timeoutMs: this.o.timeoutMs });
      const now = this.now();
      this.o.members.saveFromHq(memberFromRow(row), answer.balance, now);
      return true;
    } catch (error) {
      this.o.log.warn({ err: error }, 'member balance from HQ failed; using the cached balance');
      return false;
    }
  }

  /** HQ's member and balance (null when HQ knows nobody by this); the cache refreshed. */
  private async fetch(by: { phone: string } | { card: string }): Promise<MemberView | null> {
    try {
      const answer = await this.o.hq!.call(HQ_ROUTES.lookUpMember, { query: 'phone' in by ? { phone: by.phone } : { card: by.card } }, { timeoutMs: this.o.timeoutMs });
      const now = this.now();
      this.o.members.saveFromHq(answer.member, answer.balance, now);
      return this.view(this.o.members.byId(answer.member.id)!, 'live');
    } catch (error) {
      if (error instanceof HqStatusError && (error.kind === 'not-found' || error.kind === 'invalid')) return null;
      throw error;
    }
  }

  private fromCache(phone: string | null, card: string | null): MemberView {
    const row = (phone ? this.o.members.byPhone(phone) : undefined) ?? (card ? this.o.members.byCard(card) : undefined);
    if (!row) throw notFound(phone ?? card ?? '', true);
    return this.view(row, 'cache');
  }

  private view(row: MemberRow, source: 'live' | 'cache'): MemberView {
    const balance = this.o.members.balance(row.id);
    return { id: row.id, name: row.name, phone: row.phone, card: row.card, pending: row.pending === 1, balance: balance.balance, source, asOf: source === 'live' ? null : balance.asOf };
  }
}

function memberFromRow(row: MemberRow): Member {
  return { id: row.id, name: row.name, phone: row.phone, card: row.card, createdAt: new Date(row.created_at).toISOString() };
}

function notFound(query: string, offline = false): KassaError {
  return new KassaError(
    'NOT_FOUND',
    offline
      ? `No member with ${query} in this register's member list, and HQ cannot be asked right now. Check the number, or enrol the customer (HQ merges them by phone later).`
      : `No member has ${query}. Check the number, or enrol the customer.`,
  );
}
