import { v7 as uuidv7 } from 'uuid';
import type { Kysely, Transaction } from 'kysely';
import type { Member } from '../../../shared/hq/members';
import type { HqSchema, MembersTable } from '../db/schema';
import type { Writer } from '../db/writer';
import { HqError } from '../http/errors';

type Db = Kysely<HqSchema> | Transaction<HqSchema>;

export function memberFromRow(row: MembersTable): Member {
  return { id: row.id, name: row.name, phone: row.phone, card: row.card, createdAt: new Date(Number(row.created_at)).toISOString() };
}

/** The member an id names: the member's own id, or a local id a register used before HQ merged it. */
export async function resolveMemberId(db: Db, id: string): Promise<string | null> {
  const own = await db.selectFrom('members').select('id').where('id', '=', id).executeTakeFirst();
  if (own) return own.id;
  const alias = await db.selectFrom('member_aliases').select('member_id').where('alias_id', '=', id).executeTakeFirst();
  return alias?.member_id ?? null;
}

export async function balanceOf(db: Db, memberId: string): Promise<number> {
  const row = await db
    .selectFrom('point_ledger')
    .select((eb) => eb.fn.sum<number | string | null>('delta').as('balance'))
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return Number(row?.balance ?? 0);
}

export type EnrolOutcome = { kind: 'created'; member: Member } | { kind: 'merged'; member: Member } | { kind: 'cardTaken'; ownerId: string };

/**
 * Enrols a member inside a write transaction. A phone HQ already knows means the same person enrolled
 * twice (typically offline on two registers): the new id becomes an alias of the existing member.
 */
export async function enrolMember(trx: Transaction<HqSchema>, input: { id: string; name: string; phone: string; card?: string | undefined; createdAt: number }): Promise<EnrolOutcome> {
  const byId = await trx.selectFrom('members').selectAll().where('id', '=', input.id).executeTakeFirst();
  if (byId) return { kind: 'merged', member: memberFromRow(byId) };
  const byPhone = await trx.selectFrom('members').selectAll().where('phone', '=', input.phone).executeTakeFirst();
  if (byPhone) {
    await trx.insertInto('member_aliases').values({ alias_id: input.id, member_id: byPhone.id }).onConflict((oc) => oc.column('alias_id').doNothing()).execute();
    return { kind: 'merged', member: memberFromRow(byPhone) };
  }
  if (input.card) {
    const owner = await trx.selectFrom('members').select('id').where('card', '=', input.card).executeTakeFirst();
    if (owner) return { kind: 'cardTaken', ownerId: owner.id };
  }
  const row: MembersTable = { id: input.id, name: input.name, phone: input.phone, card: input.card ?? null, created_at: input.createdAt };
  await trx.insertInto('members').values(row).execute();
  return { kind: 'created', member: memberFromRow(row) };
}

export class MembersRepository {
  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
  ) {}

  async lookup(by: { phone?: string; card?: string }): Promise<{ member: Member; balance: number } | null> {
    let query = this.read.selectFrom('members').selectAll();
    if (by.phone !== undefined) query = query.where('phone', '=', by.phone);
    if (by.card !== undefined) query = query.where('card', '=', by.card);
    const row = await query.executeTakeFirst();
    return row ? { member: memberFromRow(row), balance: await balanceOf(this.read, row.id) } : null;
  }

  async balance(id: string): Promise<{ memberId: string; balance: number } | null> {
    const memberId = await resolveMemberId(this.read, id);
    return memberId ? { memberId, balance: await balanceOf(this.read, memberId) } : null;
  }

  /** `POST /members`: a new member, or 409 when the phone or card belongs to someone already. */
  async create(input: { id?: string | undefined; name: string; phone: string; card?: string | undefined }): Promise<Member> {
    return this.writer.transaction(async (tx) => {
      const id = input.id ?? uuidv7();
      const byPhone = await tx.trx.selectFrom('members').select('id').where('phone', '=', input.phone).executeTakeFirst();
      if (byPhone) throw new HqError(409, 'DUPLICATE_PHONE', `A member with phone ${input.phone} already exists; look them up instead of enrolling again.`, { memberId: byPhone.id });
      if (input.card) {
        const byCard = await tx.trx.selectFrom('members').select('id').where('card', '=', input.card).executeTakeFirst();
        if (byCard) throw new HqError(409, 'DUPLICATE_CARD', `Card ${input.card} already belongs to another member; use a new card.`, { memberId: byCard.id });
      }
      const byId = await tx.trx.selectFrom('members').select('id').where('id', '=', id).executeTakeFirst();
      if (byId) throw new HqError(409, 'DUPLICATE_ID', `A member with id ${id} already exists.`, { memberId: id });
      const outcome = await enrolMember(tx.trx, { id, name: input.name, phone: input.phone, card: input.card, createdAt: tx.now });
      if (outcome.kind !== 'created') throw new HqError(409, 'DUPLICATE_PHONE', `A member with phone ${input.phone} already exists.`);
      await tx.append([{ kind: 'member', entityId: outcome.member.id, data: outcome.member }]);
      return outcome.member;
    });
  }

  /**
   * An admin's adjustment of a member's points (registers may not push one): appended to the ledger and the
   * feed, once per entry id. Answers the balance after it, or null for an unknown member.
   */
  async adjustPoints(id: string, entry: { id: string; delta: number }): Promise<{ memberId: string; balance: number } | null> {
    return this.writer.transaction(async (tx) => {
      const memberId = await resolveMemberId(tx.trx, id);
      if (!memberId) return null;
      const row = { id: entry.id, member_id: memberId, delta: entry.delta, reason: 'adjust', order_id: null, register_id: null, created_at: tx.now };
      const inserted = await tx.trx.insertInto('point_ledger').values(row).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
      if (inserted.length === 0) {
        const earlier = await tx.trx.selectFrom('point_ledger').select(['member_id', 'delta', 'reason']).where('id', '=', entry.id).executeTakeFirstOrThrow();
        if (earlier.member_id !== memberId || Number(earlier.delta) !== entry.delta || earlier.reason !== 'adjust') {
          throw new HqError(409, 'DUPLICATE_ID', `Points entry ${entry.id} already exists with another member, amount or reason; give a new adjustment a new id.`);
        }
      } else {
        const data = { id: row.id, memberId, delta: row.delta, reason: 'adjust' as const, orderId: null, createdAt: new Date(tx.now).toISOString() };
        await tx.append([{ kind: 'pointLedger', entityId: row.id, data }]);
      }
      return { memberId, balance: await balanceOf(tx.trx, memberId) };
    });
  }

  async count(): Promise<number> {
    const row = await this.read.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
