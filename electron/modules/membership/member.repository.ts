import type { Member } from '../../../shared/hq/members';
import type { KassaDatabase } from '../../db/open';
import type { MemberSales } from '../checkout';

export interface MemberRow {
  id: string;
  name: string;
  phone: string;
  card: string | null;
  pending: 0 | 1;
  base_balance: number;
  base_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface LedgerEntry {
  id: string;
  memberId: string;
  delta: number;
  reason: 'earn' | 'redeem' | 'adjust' | 'refund';
  orderId: string | null;
  createdAt: number;
}

/** A member's points as this register knows them. */
export interface CachedBalance {
  /** HQ's last balance plus every entry it did not include: what the member has, as far as known here. */
  balance: number;
  /** This register's entries still waiting in the outbox, by sign. */
  pendingRedeemed: number;
  pendingEarned: number;
  /** When HQ last gave this member's balance (null: never). */
  asOf: number | null;
}

// An entry is pending while its operation waits in the outbox (HQ has not acknowledged it).
const PENDING = "EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'pointLedger' AND o.entity_id = l.id)";

/**
 * The register's member cache and its append-only points ledger. A balance is always a sum: HQ's last
 * balance for the member (`base_balance`) plus the ledger entries HQ had not counted in it.
 */
export class MemberRepository {
  private readonly byIdStmt;
  private readonly byPhoneStmt;
  private readonly byCardStmt;
  private readonly balanceStmt;
  private readonly upsertIdentity;
  private readonly setBase;
  private readonly absorb;
  private readonly insertMember;
  private readonly insertEntry;
  private readonly repoint;
  private readonly dropMember;
  private readonly renameMember;
  private readonly confirm;
  private readonly attachedStmt;
  private readonly pointsPaid;

  constructor(
    private readonly db: KassaDatabase,
    /** The sales a member is attached to are checkout's: written through its ledger. */
    private readonly sales: MemberSales,
  ) {
    this.byIdStmt = db.prepare<[string], MemberRow>('SELECT * FROM members WHERE id = ?');
    // A member HQ confirmed wins over one enrolled here with the same phone or card.
    this.byPhoneStmt = db.prepare<[string], MemberRow>('SELECT * FROM members WHERE phone = ? ORDER BY pending, created_at LIMIT 1');
    this.byCardStmt = db.prepare<[string], MemberRow>('SELECT * FROM members WHERE card = ? ORDER BY pending, created_at LIMIT 1');
    this.balanceStmt = db.prepare<[{ id: string }], { base: number; extra: number; redeemed: number; earned: number; base_at: number | null }>(
      `SELECT m.base_balance AS base, m.base_at AS base_at,
         coalesce((SELECT sum(l.delta) FROM point_ledger l WHERE l.member_id = @id AND l.in_base = 0), 0) AS extra,
         coalesce((SELECT sum(l.delta) FROM point_ledger l WHERE l.member_id = @id AND l.delta < 0 AND ${PENDING}), 0) AS redeemed,
         coalesce((SELECT sum(l.delta) FROM point_ledger l WHERE l.member_id = @id AND l.delta > 0 AND ${PENDING}), 0) AS earned
       FROM members m WHERE m.id = @id`,
    );
    this.upsertIdentity = db.prepare<[{ id: string; name: string; phone: string; card: string | null; createdAt: number; now: number }]>(
      `INSERT INTO members (id, name, phone, card, pending, created_at, updated_at) VALUES (@id, @name, @phone, @card, 0, @createdAt, @now)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, card = excluded.card, pending = 0, updated_at = excluded.updated_at`,
    );
    this.setBase = db.prepare<[{ id: string; balance: number; at: number }]>('UPDATE members SET base_balance = @balance, base_at = @at WHERE id = @id');
    // HQ's balance includes every entry it had: all but this register's entries still in the outbox.
    this.absorb = db.prepare<[{ id: string }]>(`UPDATE point_ledger AS l SET in_base = 1 WHERE l.member_id = @id AND l.in_base = 0 AND NOT ${PENDING}`);
    this.insertMember = db.prepare<[{ id: string; name: string; phone: string; card: string | null; now: number }]>(
      'INSERT INTO members (id, name, phone, card, pending, created_at, updated_at) VALUES (@id, @name, @phone, @card, 1, @now, @now)',
    );
    this.insertEntry = db.prepare<[LedgerEntry & { origin: 'register' | 'hq' }]>(
      `INSERT INTO point_ledger (id, member_id, delta, reason, order_id, origin, created_at) VALUES (@id, @memberId, @delta, @reason, @orderId, @origin, @createdAt)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.repoint = db.prepare<[string, string]>('UPDATE point_ledger SET member_id = ? WHERE member_id = ?');
    this.dropMember = db.prepare<[string]>('DELETE FROM members WHERE id = ?');
    this.renameMember = db.prepare<[string, number, string]>('UPDATE members SET id = ?, pending = 0, updated_at = ? WHERE id = ?');
    this.confirm = db.prepare<[number, string]>('UPDATE members SET pending = 0, updated_at = ? WHERE id = ?');
    this.attachedStmt = db.prepare<[string], { member_id: string | null }>('SELECT member_id FROM sales WHERE id = ?');
    this.pointsPaid = db.prepare<[string], { amount: number; points: number }>(
      "SELECT coalesce(sum(amount), 0) AS amount, coalesce(sum(CAST(reference AS INTEGER)), 0) AS points FROM payments WHERE sale_id = ? AND tender = 'points'",
    );
  }

  byId(id: string): MemberRow | undefined {
    return this.byIdStmt.get(id);
  }

  byPhone(phone: string): MemberRow | undefined {
    return this.byPhoneStmt.get(phone);
  }

  byCard(card: string): MemberRow | undefined {
    return this.byCardStmt.get(card);
  }

  balance(memberId: string): CachedBalance {
    const row = this.balanceStmt.get({ id: memberId });
    if (!row) return { balance: 0, pendingRedeemed: 0, pendingEarned: 0, asOf: null };
    return { balance: row.base + row.extra, pendingRedeemed: -row.redeemed, pendingEarned: row.earned, asOf: row.base_at };
  }

  /** A member as HQ has them (HQ wins identity fields); with a balance, HQ's balance becomes the new base. */
  saveFromHq(member: Member, balance: number | null, now: number): void {
    this.db.transaction(() => {
      this.upsertIdentity.run({ id: member.id, name: member.name, phone: member.phone, card: member.card, createdAt: Date.parse(member.createdAt) || now, now });
      if (balance !== null) {
        this.setBase.run({ id: member.id, balance, at: now });
        this.absorb.run({ id: member.id });
      }
    })();
  }

  /** A member enrolled on this register, waiting for HQ (run inside the outbox transaction). */
  insertPending(member: { id: string; name: string; phone: string; card: string | null }, now: number): void {
    this.insertMember.run({ ...member, now });
  }

  /** Appends a ledger entry (run inside the outbox transaction for this register's own entries); an id seen before is ignored. */
  append(entry: LedgerEntry, origin: 'register' | 'hq'): void {
    this.insertEntry.run({ ...entry, origin });
  }

  /**
   * HQ answered the enrolment of `localId` with its member id (inside the drainer's transaction). When HQ
   * merged it into a member it already had (same phone), the entries and the sales follow that member.
   */
  confirmEnrolment(localId: string, hqId: string, now: number): void {
    if (localId === hqId) {
      this.confirm.run(now, localId);
      return;
    }
    this.repoint.run(hqId, localId);
    // The member reference follows the merge (as the points do), so a search by HQ's member finds the sales.
    this.sales.moveMemberSales(localId, hqId);
    if (this.byIdStmt.get(hqId)) this.dropMember.run(localId);
    else this.renameMember.run(hqId, now, localId);
  }

  /** Attaches a member to the open sale (null detaches); false when the sale is not open. */
  attach(saleId: string, memberId: string | null): boolean {
    return this.sales.attachMember(saleId, memberId);
  }

  attachedTo(saleId: string): string | null {
    return this.attachedStmt.get(saleId)?.member_id ?? null;
  }

  /** Points tendered on a sale so far: their money value and the number of points (kept in the payment's reference). */
  pointsTendered(saleId: string): { amount: number; points: number } {
    return this.pointsPaid.get(saleId)!;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Replaces HQ's members with a snapshot's (inside the snapshot's swap transaction); members enrolled here stay. */
  loadSnapshot(members: readonly (Member & { balance: number })[], now: number): void {
    for (const m of members) {
      this.upsertIdentity.run({ id: m.id, name: m.name, phone: m.phone, card: m.card, createdAt: Date.parse(m.createdAt) || now, now });
      this.setBase.run({ id: m.id, balance: m.balance, at: now });
      this.absorb.run({ id: m.id });
    }
  }
}
