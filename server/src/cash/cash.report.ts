import type { Kysely } from 'kysely';
import { CASH_MOVEMENT_KINDS, expectedCash, totalsByKind } from '../../../shared/cash';
import type { CashMovement, CashQuery, CashSessionReport } from '../../../shared/hq/cash';
import type { HqSchema } from '../db/schema';

/** Bound parameters per lookup, well under SQLite's and PostgreSQL's limits. */
const IDS_PER_QUERY = 500;

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * The registers' drawer sessions as `GET /admin/cash` shows them: each with its movements' totals by kind,
 * what it should hold, what was counted, and whether the movements HQ holds add up to what the register
 * closed with (the same arithmetic as the register's reports, shared/cash.ts).
 */
export class CashReport {
  constructor(private readonly read: Kysely<HqSchema>) {}

  /** Sessions opened in [from, to), oldest first; `scope.stores` keeps those of these stores (the console's user's). */
  async list(query: CashQuery, scope: { stores: readonly string[] | null } = { stores: null }): Promise<CashSessionReport[]> {
    let sessions = this.read.selectFrom('cash_sessions').leftJoin('registers', 'registers.id', 'cash_sessions.register_id').selectAll('cash_sessions').select('registers.code as register_code');
    if (query.storeId !== undefined) sessions = sessions.where('cash_sessions.store_id', '=', query.storeId);
    if (scope.stores !== null) sessions = sessions.where('cash_sessions.store_id', 'in', scope.stores.length === 0 ? [''] : [...scope.stores]);
    if (query.registerId !== undefined) sessions = sessions.where('cash_sessions.register_id', '=', query.registerId);
    if (query.from !== undefined) sessions = sessions.where('cash_sessions.opened_at', '>=', Date.parse(query.from));
    if (query.to !== undefined) sessions = sessions.where('cash_sessions.opened_at', '<', Date.parse(query.to));
    const rows = await sessions.orderBy('cash_sessions.opened_at').orderBy('cash_sessions.id').execute();
    const movements = new Map<string, CashMovement[]>();
    for (let i = 0; i < rows.length; i += IDS_PER_QUERY) {
      const ids = rows.slice(i, i + IDS_PER_QUERY).map((r) => r.id);
      const found = await this.read.selectFrom('cash_movements').selectAll().where('session_id', 'in', ids).orderBy('at').orderBy('id').execute();
      for (const m of found) {
        const list = movements.get(m.session_id) ?? [];
        list.push({ id: m.id, kind: m.kind, amount: Number(m.amount), orderId: m.order_id, reason: m.reason, note: m.note, userId: m.user_id, approvedBy: m.approved_by, at: iso(m.at)! });
        movements.set(m.session_id, list);
      }
    }
    return rows.map((s) => {
      const own = movements.get(s.id) ?? [];
      const float = Number(s.float);
      const fromMovements = expectedCash(float, own);
      const expected = s.expected === null ? fromMovements : Number(s.expected);
      const counted = s.counted === null ? null : Number(s.counted);
      const totals = totalsByKind(own);
      return {
        id: s.id,
        storeId: s.store_id,
        registerId: s.register_id,
        registerCode: s.register_code ?? null,
        currency: s.currency,
        openedAt: iso(s.opened_at)!,
        openedBy: s.opened_by,
        openedAtFirstSale: Number(s.opened_at_first_sale) === 1,
        float,
        totals: Object.fromEntries(CASH_MOVEMENT_KINDS.map((k) => [k, totals[k]])) as CashSessionReport['totals'],
        movementCount: own.length,
        fromMovements,
        expected,
        countedAt: iso(s.counted_at),
        countedBy: s.counted_by,
        counted,
        variance: counted === null ? null : counted - expected,
        closedAt: iso(s.closed_at),
        closedBy: s.closed_by,
        note: s.note,
        approvedBy: s.approved_by,
        reconciled: s.reconciled === null ? null : Number(s.reconciled) === 1,
        ...(query.movements === 'true' ? { movements: own } : {}),
      };
    });
  }
}
