import type { Kysely } from 'kysely';
import type { HqSchema } from '../db/schema';
import type { Writer } from '../db/writer';
import type { AcquirerMovement } from './gateway';

/**
 * Where the card simulator keeps its ledger. Recording is idempotent by (reference, kind): a charge,
 * refund or void under one reference is made once; a second attempt gets the first movement back.
 */
export interface LedgerStore {
  /** Records `movement` unless one of its kind and reference exists; returns the one on record. */
  record(movement: AcquirerMovement): Promise<{ movement: AcquirerMovement; created: boolean }>;
  find(reference: string, kind: AcquirerMovement['kind']): Promise<AcquirerMovement | null>;
  list(filter?: { last4?: string | undefined; references?: readonly string[] | undefined }): Promise<AcquirerMovement[]>;
}

export class MemoryLedger implements LedgerStore {
  private readonly movements: AcquirerMovement[] = [];

  async record(movement: AcquirerMovement) {
    const existing = await this.find(movement.reference, movement.kind);
    if (existing) return { movement: existing, created: false };
    this.movements.push(movement);
    return { movement, created: true };
  }

  async find(reference: string, kind: AcquirerMovement['kind']) {
    return this.movements.find((m) => m.reference === reference && m.kind === kind) ?? null;
  }

  async list(filter: { last4?: string | undefined; references?: readonly string[] | undefined } = {}) {
    const refs = filter.references ? new Set(filter.references) : null;
    return this.movements.filter((m) => (filter.last4 === undefined || m.last4 === filter.last4) && (!refs || refs.has(m.reference)));
  }
}

/** The simulator's ledger in HQ's database (table acquirer_ledger), so it outlives a restart of HQ. */
export class DatabaseLedger implements LedgerStore {
  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
  ) {}

  async record(movement: AcquirerMovement) {
    const inserted = await this.writer.transaction(({ trx }) =>
      trx
        .insertInto('acquirer_ledger')
        .values({
          reference: movement.reference,
          kind: movement.kind,
          original_reference: movement.originalReference,
          amount: movement.amount,
          currency: movement.currency,
          last4: movement.last4,
          at: movement.at,
        })
        .onConflict((oc) => oc.columns(['reference', 'kind']).doNothing())
        .returning('reference')
        .execute(),
    );
    if (inserted.length === 1) return { movement, created: true };
    return { movement: (await this.find(movement.reference, movement.kind))!, created: false };
  }

  async find(reference: string, kind: AcquirerMovement['kind']) {
    const row = await this.read.selectFrom('acquirer_ledger').selectAll().where('reference', '=', reference).where('kind', '=', kind).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async list(filter: { last4?: string | undefined; references?: readonly string[] | undefined } = {}) {
    let query = this.read.selectFrom('acquirer_ledger').selectAll();
    if (filter.last4 !== undefined) query = query.where('last4', '=', filter.last4);
    if (filter.references !== undefined) {
      if (filter.references.length === 0) return [];
      query = query.where('reference', 'in', [...filter.references]);
    }
    // Oldest first; within one millisecond a charge comes before its refund or void (alphabetical kinds).
    return (await query.orderBy('at').orderBy('kind').orderBy('reference').execute()).map(fromRow);
  }
}

function fromRow(row: { kind: string; reference: string; original_reference: string | null; amount: number | string; currency: string; last4: string; at: number | string }): AcquirerMovement {
  return {
    kind: row.kind as AcquirerMovement['kind'],
    reference: row.reference,
    originalReference: row.original_reference,
    amount: Number(row.amount),
    currency: row.currency,
    last4: row.last4,
    at: Number(row.at),
  };
}
