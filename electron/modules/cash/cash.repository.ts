import type { CashMovementKind, DenominationCounts } from '../../../shared/cash';
import type { KassaDatabase } from '../../db/open';

export interface CashSessionRow {
  id: string;
  currency: string;
  opened_at: number;
  opened_by: string;
  float_amount: number;
  float_counts: string | null;
  opened_at_first_sale: 0 | 1;
  counted_at: number | null;
  counted_by: string | null;
  counted_amount: number | null;
  counted_counts: string | null;
  expected_amount: number | null;
  closed_at: number | null;
  closed_by: string | null;
  variance_note: string | null;
  variance_approved_by: string | null;
}

export interface CashMovementRow {
  id: string;
  session_id: string;
  kind: CashMovementKind;
  amount: number;
  sale_id: string | null;
  reason: string | null;
  note: string | null;
  user_id: string;
  approved_by: string | null;
  at: number;
}

export interface NewSession {
  id: string;
  currency: string;
  openedAt: number;
  openedBy: string;
  float: number;
  floatCounts: DenominationCounts | null;
  openedAtFirstSale: boolean;
}

export interface NewMovement {
  id: string;
  sessionId: string;
  kind: CashMovementKind;
  amount: number;
  saleId: string | null;
  reason: string | null;
  note: string | null;
  userId: string;
  approvedBy: string | null;
  at: number;
}

/** The cash module's tables: drawer sessions and the journal of movements. Writes run inside the caller's transaction. */
export class CashRepository {
  private readonly openSession;
  private readonly sessionById;
  private readonly insertSession;
  private readonly insertMovement;
  private readonly movementsOf;
  private readonly sumOf;
  private readonly lastMovementAt;
  private readonly recordCount;
  private readonly recordClose;
  private readonly sessionsBetween;
  private readonly movementExists;

  constructor(private readonly db: KassaDatabase) {
    this.openSession = db.prepare<[], CashSessionRow>('SELECT * FROM cash_sessions WHERE closed_at IS NULL');
    this.sessionById = db.prepare<[string], CashSessionRow>('SELECT * FROM cash_sessions WHERE id = ?');
    this.insertSession = db.prepare(
      `INSERT INTO cash_sessions (id, currency, opened_at, opened_by, float_amount, float_counts, opened_at_first_sale)
       VALUES (@id, @currency, @openedAt, @openedBy, @float, @floatCounts, @openedAtFirstSale)`,
    );
    this.insertMovement = db.prepare(
      `INSERT INTO cash_movements (id, session_id, kind, amount, sale_id, reason, note, user_id, approved_by, at)
       VALUES (@id, @sessionId, @kind, @amount, @saleId, @reason, @note, @userId, @approvedBy, @at)`,
    );
    this.movementsOf = db.prepare<[string], CashMovementRow>('SELECT * FROM cash_movements WHERE session_id = ? ORDER BY at, rowid');
    this.sumOf = db.prepare<[string], { total: number; n: number }>('SELECT COALESCE(SUM(amount), 0) AS total, COUNT(*) AS n FROM cash_movements WHERE session_id = ?');
    this.lastMovementAt = db.prepare<[string], { at: number | null }>('SELECT MAX(at) AS at FROM cash_movements WHERE session_id = ?');
    this.recordCount = db.prepare(
      `UPDATE cash_sessions SET counted_at = @at, counted_by = @by, counted_amount = @amount, counted_counts = @counts, expected_amount = @expected
       WHERE id = @id AND closed_at IS NULL`,
    );
    this.recordClose = db.prepare(
      `UPDATE cash_sessions SET closed_at = @at, closed_by = @by, variance_note = @note, variance_approved_by = @approvedBy
       WHERE id = @id AND closed_at IS NULL AND counted_at IS NOT NULL`,
    );
    this.movementExists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM cash_movements WHERE id = ?');
    this.sessionsBetween = db.prepare<[number, number], CashSessionRow>('SELECT * FROM cash_sessions WHERE opened_at >= ? AND opened_at < ? ORDER BY opened_at');
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  open(): CashSessionRow | undefined {
    return this.openSession.get();
  }

  session(id: string): CashSessionRow | undefined {
    return this.sessionById.get(id);
  }

  sessions(from: number, to: number): CashSessionRow[] {
    return this.sessionsBetween.all(from, to);
  }

  addSession(s: NewSession): void {
    this.insertSession.run({ ...s, floatCounts: s.floatCounts ? JSON.stringify(s.floatCounts) : null, openedAtFirstSale: s.openedAtFirstSale ? 1 : 0 });
  }

  addMovement(m: NewMovement): void {
    this.insertMovement.run(m);
  }

  hasMovement(id: string): boolean {
    return this.movementExists.get(id) !== undefined;
  }

  movements(sessionId: string): CashMovementRow[] {
    return this.movementsOf.all(sessionId);
  }

  /** The sum and number of a session's movements. */
  totals(sessionId: string): { total: number; n: number } {
    return this.sumOf.get(sessionId)!;
  }

  lastMovement(sessionId: string): number | null {
    return this.lastMovementAt.get(sessionId)?.at ?? null;
  }

  count(id: string, at: number, by: string, amount: number, counts: DenominationCounts | null, expected: number): boolean {
    return this.recordCount.run({ id, at, by, amount, counts: counts ? JSON.stringify(counts) : null, expected }).changes === 1;
  }

  close(id: string, at: number, by: string, note: string | null, approvedBy: string | null): boolean {
    return this.recordClose.run({ id, at, by, note, approvedBy }).changes === 1;
  }
}
