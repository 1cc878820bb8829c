import { countedAmount, denominationsOf, expectedCash, totalsByKind, type CashMovementKind, type DenominationCounts } from '../../../shared/cash';
import { KassaError } from '../../../shared/errors';
import type { CashClosePayload, CashMovementPayload, CashSessionPayload } from '../../../shared/hq/ops';
import type { ZReport } from '../../../shared/modules/orders.api';
import type { User } from '../../../shared/schemas';
import type { Logger } from '../../core/logger';
import type { OperationDraft, Outbox } from '../../sync/outbox';
import type { CashMovementRow, CashRepository, CashSessionRow, NewMovement } from './cash.repository';

export interface CashRules {
  requireCountedFloat: boolean;
  payOutManagerAbove: number;
  varianceManagerAbove: number;
  noSaleNeedsManager: boolean;
}

export interface CashServiceOptions {
  cash: CashRepository;
  outbox: Pick<Outbox, 'write' | 'onWrite'>;
  rules: () => CashRules;
  currency: () => string;
  /** A manager's PIN for an action (with the register's lockout); resolves with the manager or throws. */
  approve: (pin: string, action: CashApproval, detail: Record<string, unknown>) => Promise<{ name: string }>;
  /** Opens the cash drawer (through the receipt printer); never throws, a drawer that does not open is logged. */
  kick: (why: CashMovementKind | 'float') => void;
  newId: () => string;
  log: Logger;
  now?: () => number;
}

export type CashApproval = 'cash.paidOut' | 'cash.noSale' | 'cash.variance' | 'cash.recount';

/** What is put in or taken out by hand. */
export interface ManualMovement {
  kind: 'paid-in' | 'paid-out' | 'drop' | 'no-sale';
  /** Minor units, positive (0 for a no-sale). */
  amount: number;
  reason?: string | undefined;
  note?: string | undefined;
  managerPin?: string | undefined;
}

/** A count of the drawer: by denomination, or as a total where the currency has no denominations listed. */
export interface DrawerCount {
  amount?: number | undefined;
  counts?: DenominationCounts | undefined;
}

export interface SessionView {
  id: string;
  currency: string;
  openedAt: number;
  openedBy: string;
  float: number;
  openedAtFirstSale: boolean;
  countedAt: number | null;
}

/** The drawer report: mid-shift (X, nothing closed) or after the count (Z): float, movements, expected, counted, over/short. */
export interface DrawerReport {
  session: SessionView;
  movements: { id: string; kind: CashMovementKind; amount: number; at: number; userId: string; reason: string | null; note: string | null; approvedBy: string | null; saleId: string | null }[];
  totals: Record<CashMovementKind, number>;
  expected: number;
  counted: number | null;
  /** counted − expected: positive over, negative short; null before the count. */
  variance: number | null;
  closed: { at: number; by: string; note: string | null; approvedBy: string | null } | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The register's cash drawer: one session at a time, opened with a counted float (or by the first cash
 * sale at 0), every movement journalled with who, when and why, closed after a blind count. Each write
 * and its operations for HQ are one transaction; every check on money is made inside it.
 */
export class CashService {
  private readonly now: () => number;
  /** Drawer kicks owed by movements journalled inside another module's transaction, until it commits. */
  private readonly pendingKicks: { id: string; why: CashMovementKind }[] = [];

  constructor(private readonly o: CashServiceOptions) {
    this.now = o.now ?? Date.now;
    o.outbox.onWrite(() => this.flushKicks());
  }

  /** The open session, without the expected amount (the count is blind). */
  state(): { session: SessionView | null; denominations: number[]; currency: string; requireCountedFloat: boolean } {
    const open = this.o.cash.open();
    return { session: open ? view(open) : null, denominations: [...denominationsOf(this.o.currency())], currency: this.o.currency(), requireCountedFloat: this.o.rules().requireCountedFloat };
  }

  /** Opens the drawer session with its counted float. */
  open(count: DrawerCount, user: User): SessionView {
    const currency = this.o.currency();
    const { amount, counts } = this.amountOf(count, currency);
    const now = this.now();
    const session = this.o.outbox.write(() => {
      if (this.o.cash.open()) throw new KassaError('NOT_ALLOWED', 'The drawer is already open for this shift: close it with its count before opening another.');
      const id = this.o.newId();
      this.o.cash.addSession({ id, currency, openedAt: now, openedBy: user.id, float: amount, floatCounts: counts, openedAtFirstSale: false });
      return { result: this.o.cash.session(id)!, operations: [sessionOp(this.o.cash.session(id)!)] };
    }, now);
    this.o.log.info({ session: session.id, float: amount, by: user.id }, 'drawer opened with its float');
    this.o.kick('float');
    return view(session);
  }

  /** Paid in, paid out, a safe drop or a no-sale: journalled with its reason, a manager where the rules say, and the drawer opens. */
  async move(movement: ManualMovement, user: User): Promise<DrawerReport['movements'][number]> {
    const rules = this.o.rules();
    if (movement.kind === 'no-sale' ? movement.amount !== 0 : !(Number.isSafeInteger(movement.amount) && movement.amount > 0)) {
      throw new KassaError('INVALID_INPUT', movement.kind === 'no-sale' ? 'A no-sale moves no cash: its amount is 0.' : 'The amount must be more than 0, in whole minor units.');
    }
    if ((movement.kind === 'paid-in' || movement.kind === 'paid-out') && !movement.reason) throw new KassaError('INVALID_INPUT', 'Pick a reason for the cash paid in or out.');
    const needsManager = (movement.kind === 'paid-out' && movement.amount > rules.payOutManagerAbove) || (movement.kind === 'no-sale' && rules.noSaleNeedsManager);
    let approvedBy: string | null = null;
    if (needsManager) {
      if (!movement.managerPin) {
        throw new KassaError(
          'NOT_ALLOWED',
          movement.kind === 'no-sale' ? 'Opening the drawer without a sale needs a manager: a manager enters their PIN.' : 'A paid-out of this amount needs a manager: a manager enters their PIN.',
        );
      }
      approvedBy = (await this.o.approve(movement.managerPin, movement.kind === 'no-sale' ? 'cash.noSale' : 'cash.paidOut', { amount: movement.amount, reason: movement.reason ?? null })).name;
    }
    const now = this.now();
    const signed = movement.kind === 'paid-in' ? movement.amount : -movement.amount;
    const row = this.o.outbox.write(() => {
      const open = this.o.cash.open();
      if (!open) throw new KassaError('NOT_ALLOWED', 'The drawer is not open: count its float to open it first.');
      if (open.counted_at !== null) throw new KassaError('NOT_ALLOWED', 'The drawer has been counted for the close: close it first, then open the next session.');
      const m: NewMovement = { id: this.o.newId(), sessionId: open.id, kind: movement.kind, amount: movement.kind === 'no-sale' ? 0 : signed, saleId: null, reason: movement.reason ?? null, note: movement.note ?? null, userId: user.id, approvedBy, at: now };
      this.o.cash.addMovement(m);
      return { result: m, operations: [movementOp(m)] };
    }, now);
    this.o.log.info({ kind: row.kind, amount: row.amount, by: user.id, approvedBy }, 'cash movement');
    this.o.kick(movement.kind);
    return { id: row.id, kind: row.kind, amount: row.amount, at: row.at, userId: row.userId, reason: row.reason, note: row.note, approvedBy: row.approvedBy, saleId: null };
  }

  /** The X report: the open session as it stands (nothing is closed). */
  xReport(): DrawerReport {
    const open = this.o.cash.open();
    if (!open) throw new KassaError('NOT_FOUND', 'The drawer is not open, so there is no shift to report on.');
    return this.report(open);
  }

  /**
   * The blind count: what the drawer holds, entered before the expected amount is shown. Answers the report
   * with expected, counted and over/short. A second count needs a manager.
   */
  async count(count: DrawerCount, user: User, managerPin?: string): Promise<DrawerReport> {
    const currency = this.o.currency();
    const { amount, counts } = this.amountOf(count, currency);
    const already = this.o.cash.open();
    if (already?.counted_at != null) {
      if (!managerPin) throw new KassaError('NOT_ALLOWED', 'The drawer has been counted already: counting it again needs a manager’s PIN.');
      await this.o.approve(managerPin, 'cash.recount', { previous: already.counted_amount, amount });
    }
    const now = this.now();
    const session = this.o.cash.transaction(() => {
      const open = this.o.cash.open();
      if (!open) throw new KassaError('NOT_FOUND', 'The drawer is not open, so there is nothing to count.');
      const expected = open.float_amount + this.o.cash.totals(open.id).total;
      this.o.cash.count(open.id, now, user.id, amount, counts, expected);
      return this.o.cash.session(open.id)!;
    });
    this.o.log.info({ session: session.id, counted: amount, expected: session.expected_amount, by: user.id }, 'drawer counted');
    return this.report(session);
  }

  /**
   * Closes the counted session. Refused while uncounted, and when cash moved after the count (count again);
   * an over or short above the rule needs a manager's PIN and a note.
   */
  async close(request: { note?: string | undefined; managerPin?: string | undefined }, user: User): Promise<DrawerReport> {
    const rules = this.o.rules();
    const before = this.o.cash.open();
    if (!before) throw new KassaError('NOT_FOUND', 'The drawer is not open, so there is nothing to close.');
    if (before.counted_at === null) throw new KassaError('NOT_ALLOWED', 'Count the drawer first: the close needs the count.');
    const variance = before.counted_amount! - before.expected_amount!;
    let approvedBy: string | null = null;
    if (Math.abs(variance) > rules.varianceManagerAbove) {
      if (!request.managerPin || !request.note?.trim()) {
        throw new KassaError('NOT_ALLOWED', 'The drawer is over or short by more than a cashier may close alone: a manager enters their PIN and a note.');
      }
      approvedBy = (await this.o.approve(request.managerPin, 'cash.variance', { variance, session: before.id })).name;
    }
    const now = this.now();
    const closed = this.o.outbox.write(() => {
      const open = this.o.cash.open();
      if (!open || open.id !== before.id) throw new KassaError('NOT_ALLOWED', 'The drawer session changed meanwhile: look at it again.');
      if (open.counted_at === null) throw new KassaError('NOT_ALLOWED', 'Count the drawer first: the close needs the count.');
      // Checked in the transaction that closes: a sale that took cash after the count makes the count stale.
      const expected = open.float_amount + this.o.cash.totals(open.id).total;
      if (expected !== open.expected_amount) throw new KassaError('NOT_ALLOWED', 'Cash moved after the count: count the drawer again before closing.');
      this.o.cash.close(open.id, now, user.id, request.note?.trim() || null, approvedBy);
      const row = this.o.cash.session(open.id)!;
      return { result: row, operations: [closeOp(row)] };
    }, now);
    this.o.log.info({ session: closed.id, variance, by: user.id, approvedBy }, 'drawer closed');
    return this.report(closed);
  }

  /**
   * Cash taken and change given by a completing sale, inside its transaction. With no open session the
   * sale opens one at 0 (flagged for the manager), unless the rules want the float counted first.
   */
  saleCompleting(saleId: string, payments: readonly { tender: string; amount: number }[], change: number, userId: string, now: number): OperationDraft[] {
    const cash = payments.filter((p) => p.tender === 'cash');
    if (cash.length === 0) return [];
    const kept = cash.filter((p) => p.amount > 0).reduce((sum, p) => sum + p.amount, 0);
    const paidOut = cash.filter((p) => p.amount < 0).reduce((sum, p) => sum + p.amount, 0);
    const operations: OperationDraft[] = [];
    const session = this.sessionForSale(userId, now, operations);
    const add = (kind: CashMovementKind, amount: number) => {
      if (amount === 0) return;
      const m: NewMovement = { id: this.o.newId(), sessionId: session.id, kind, amount, saleId, reason: null, note: null, userId, approvedBy: null, at: now };
      this.o.cash.addMovement(m);
      operations.push(movementOp(m));
    };
    add('sale', kept + change);
    add('change', -change);
    add('refund', paidOut);
    this.kickOnceCommitted(operations, paidOut < 0 && kept === 0 ? 'refund' : 'sale');
    return operations;
  }

  /** A cash refund of a past order, inside its transaction. */
  refundWriting(refundId: string, payments: readonly { tender: string; amount: number }[], userId: string, now: number): OperationDraft[] {
    const out = payments.filter((p) => p.tender === 'cash' && p.amount < 0).reduce((sum, p) => sum + p.amount, 0);
    if (out === 0) return [];
    const operations: OperationDraft[] = [];
    const session = this.sessionForSale(userId, now, operations);
    const m: NewMovement = { id: this.o.newId(), sessionId: session.id, kind: 'refund', amount: out, saleId: refundId, reason: null, note: null, userId, approvedBy: null, at: now };
    this.o.cash.addMovement(m);
    operations.push(movementOp(m));
    this.kickOnceCommitted(operations, 'refund');
    return operations;
  }

  /**
   * The drawer opens for cash taken or paid out, once the transaction that journalled it has committed: the
   * kick waits for the outbox's after-commit notice, and a sale that rolled back (its movement is not
   * there) opens nothing.
   */
  private kickOnceCommitted(operations: readonly OperationDraft[], why: CashMovementKind): void {
    const last = operations.at(-1);
    if (last) this.pendingKicks.push({ id: last.entityId, why });
  }

  /** After a write commits: open the drawer for each journalled movement that made it. */
  private flushKicks(): void {
    const pending = this.pendingKicks.splice(0);
    for (const { id, why } of pending) if (this.o.cash.hasMovement(id) || this.o.cash.session(id)) this.o.kick(why);
  }

  /** The drawer sessions opened since `from` (and the one open now): closed ones with their figures, the open one blind. */
  drawers(from: number): NonNullable<ZReport['drawers']> {
    const open = this.o.cash.open();
    const sessions = this.o.cash.sessions(from, Number.MAX_SAFE_INTEGER);
    if (open && !sessions.some((s) => s.id === open.id)) sessions.unshift(open);
    return sessions.map((s) => {
      const closed = s.closed_at !== null;
      return {
        id: s.id,
        openedAt: s.opened_at,
        float: s.float_amount,
        openedAtFirstSale: s.opened_at_first_sale === 1,
        closedAt: s.closed_at,
        expected: closed ? s.expected_amount : null,
        counted: closed ? s.counted_amount : null,
        variance: closed ? s.counted_amount! - s.expected_amount! : null,
      };
    });
  }

  /** Whether a cash sale may go ahead now (the rules may want the float counted first); checked before taking cash. */
  assertCashAllowed(): void {
    if (this.o.rules().requireCountedFloat && !this.o.cash.open()) {
      throw new KassaError('NOT_ALLOWED', 'Count the float into the drawer first: this store starts each shift with a counted float.');
    }
  }

  private sessionForSale(userId: string, now: number, operations: OperationDraft[]): CashSessionRow {
    const open = this.o.cash.open();
    if (open && open.counted_at === null) return open;
    if (open) throw new KassaError('NOT_ALLOWED', 'The drawer has been counted for the close: close it before taking or paying out cash.');
    this.assertCashAllowed();
    const id = this.o.newId();
    this.o.cash.addSession({ id, currency: this.o.currency(), openedAt: now, openedBy: userId, float: 0, floatCounts: null, openedAtFirstSale: true });
    const row = this.o.cash.session(id)!;
    operations.push(sessionOp(row));
    this.o.log.warn({ session: id, by: userId }, 'drawer session opened by the first cash sale, with a float of 0');
    return row;
  }

  private report(session: CashSessionRow): DrawerReport {
    const rows = this.o.cash.movements(session.id);
    const expected = expectedCash(session.float_amount, rows);
    const counted = session.counted_amount;
    return {
      session: view(session),
      movements: rows.map(movementView),
      totals: totalsByKind(rows),
      expected,
      counted,
      variance: counted === null ? null : counted - (session.expected_amount ?? expected),
      closed: session.closed_at === null ? null : { at: session.closed_at, by: session.closed_by!, note: session.variance_note, approvedBy: session.variance_approved_by },
    };
  }

  private amountOf(count: DrawerCount, currency: string): { amount: number; counts: DenominationCounts | null } {
    if (count.counts) {
      let amount: number;
      try {
        amount = countedAmount(currency, count.counts);
      } catch (error) {
        throw new KassaError('INVALID_INPUT', `The count is not valid: ${(error as Error).message}.`);
      }
      if (count.amount !== undefined && count.amount !== amount) throw new KassaError('INVALID_INPUT', `The counts come to ${amount}, not ${count.amount}: check the count.`);
      return { amount, counts: count.counts };
    }
    if (count.amount === undefined || !Number.isSafeInteger(count.amount) || count.amount < 0) throw new KassaError('INVALID_INPUT', 'Enter the amount counted, or the count of each note and coin.');
    return { amount: count.amount, counts: null };
  }
}

function view(row: CashSessionRow): SessionView {
  return { id: row.id, currency: row.currency, openedAt: row.opened_at, openedBy: row.opened_by, float: row.float_amount, openedAtFirstSale: row.opened_at_first_sale === 1, countedAt: row.counted_at };
}

function movementView(row: CashMovementRow): DrawerReport['movements'][number] {
  return { id: row.id, kind: row.kind, amount: row.amount, at: row.at, userId: row.user_id, reason: row.reason, note: row.note, approvedBy: row.approved_by, saleId: row.sale_id };
}

function sessionOp(row: CashSessionRow): OperationDraft {
  const payload: CashSessionPayload = { id: row.id, currency: row.currency, openedAt: iso(row.opened_at), openedBy: row.opened_by, float: row.float_amount, openedAtFirstSale: row.opened_at_first_sale === 1 };
  return { entity: 'cashSession', entityId: row.id, type: 'opened', payload };
}

function movementOp(m: NewMovement): OperationDraft {
  const payload: CashMovementPayload = {
    id: m.id,
    sessionId: m.sessionId,
    kind: m.kind,
    amount: m.amount,
    ...(m.saleId ? { orderId: m.saleId } : {}),
    ...(m.reason ? { reason: m.reason } : {}),
    ...(m.note ? { note: m.note } : {}),
    userId: m.userId,
    ...(m.approvedBy ? { approvedBy: m.approvedBy } : {}),
    at: iso(m.at),
  };
  return { entity: 'cashMovement', entityId: m.id, type: 'recorded', payload };
}

function closeOp(row: CashSessionRow): OperationDraft {
  const payload: CashClosePayload = {
    id: row.id,
    countedAt: iso(row.counted_at!),
    countedBy: row.counted_by!,
    counted: row.counted_amount!,
    expected: row.expected_amount!,
    closedAt: iso(row.closed_at!),
    closedBy: row.closed_by!,
    ...(row.variance_note ? { note: row.variance_note } : {}),
    ...(row.variance_approved_by ? { approvedBy: row.variance_approved_by } : {}),
  };
  return { entity: 'cashClose', entityId: row.id, type: 'closed', payload };
}
