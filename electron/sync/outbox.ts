import { v7 as uuidv7 } from 'uuid';
import { TELEMETRY_ENTITIES, type EntityType, type TypedOperation } from '../../shared/hq/ops';
import type { Diagnostics } from '../../shared/modules/admin.api';
import type Database from 'better-sqlite3';
import type { KassaDatabase } from '../db/open';

/** What a domain write produces for HQ: the operation is stored in the same transaction as the write. */
export type OperationDraft = Omit<TypedOperation, 'id' | 'createdAt'>;

export interface OutboxOperation {
  id: string;
  entity: EntityType;
  entityId: string;
  type: string;
  payload: string;
  createdAt: number;
  bytes: number;
}

/**
 * The outbox's work: every operation but telemetry (connectivity transitions for HQ's fleet view). Telemetry
 * uploads with the rest, but a cashier's "waiting to sync", the day close, the update policy and the
 * diagnostics queue count only what the register's business waits on.
 */
const WORK = `entity NOT IN (${TELEMETRY_ENTITIES.map((e) => `'${e}'`).join(', ')})`;

/** Whether an operation of this entity is telemetry: uploaded, never counted as waiting, never a dead letter. */
export function isTelemetry(entity: string): boolean {
  return (TELEMETRY_ENTITIES as readonly string[]).includes(entity);
}

interface Row {
  id: string;
  entity: EntityType;
  entity_id: string;
  type: string;
  payload: string;
  created_at: number;
}

/**
 * The outbox: operations waiting to upload, in the order they were written — by the register's own
 * monotonic sequence (`seq`, given by the database as each row is inserted), never by wall-clock time, so
 * a clock set back in the middle of a shift cannot send a refund before its sale.
 */
export class Outbox {
  private readonly insert;
  private readonly oldest;
  private readonly count;
  private readonly remove;
  private readonly byEntity;
  private readonly withCardToken;
  private readonly setPayload;
  private readonly listeners = new Set<() => void>();
  /** Prepared on first use. */
  private archiveSql: { copy: Database.Statement<[number, string]>; prune: Database.Statement<[number]>; count: Database.Statement<[], { n: number }> } | null = null;

  constructor(private readonly db: KassaDatabase) {
    this.insert = db.prepare<[string, string, string, string, string, number]>(
      'INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.oldest = db.prepare<[number], Row>('SELECT id, entity, entity_id, type, payload, created_at FROM outbox ORDER BY seq LIMIT ?');
    this.count = db.prepare<[], { n: number; oldest: number | null }>(`SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE ${WORK}`);
    this.remove = db.prepare<[string]>('DELETE FROM outbox WHERE id = ?');
    this.byEntity = db.prepare<[], { entity: string; count: number; oldestAt: number }>(
      `SELECT entity, count(*) AS count, min(created_at) AS oldestAt FROM outbox WHERE ${WORK} GROUP BY entity ORDER BY oldestAt`,
    );
    this.withCardToken = db.prepare<[], { id: string; payload: string }>("SELECT id, payload FROM outbox WHERE payload LIKE '%cardToken%'");
    this.setPayload = db.prepare<[string, string]>('UPDATE outbox SET payload = ? WHERE id = ?');
  }

  /**
   * Runs a domain write and stores the operation it returns in one transaction: a sale cannot be written
   * without its operation, nor an operation without its sale.
   */
  write<T>(change: () => { result: T; operations: OperationDraft[] }, now = Date.now()): T {
    const result = this.db.transaction(() => {
      const { result, operations } = change();
      for (const op of operations) this.insert.run(uuidv7(), op.entity, op.entityId, op.type, JSON.stringify(op.payload), now);
      return result;
    })();
    for (const listener of this.listeners) listener();
    return result;
  }

  /** The oldest operations, up to `maxOps` and `maxBytes` of payload (always at least one), passing over those in `skip`. */
  batch(maxOps: number, maxBytes: number, skip: ReadonlySet<string> = new Set()): OutboxOperation[] {
    const batch: OutboxOperation[] = [];
    let bytes = 0;
    for (const row of this.oldest.all(maxOps + skip.size)) {
      if (skip.has(row.id)) continue;
      if (batch.length === maxOps) break;
      const size = Buffer.byteLength(row.payload) + 200;
      if (batch.length > 0 && bytes + size > maxBytes) break;
      bytes += size;
      batch.push({ id: row.id, entity: row.entity, entityId: row.entity_id, type: row.type, payload: row.payload, createdAt: row.created_at, bytes: size });
    }
    return batch;
  }

  /**
   * Keeps acknowledged operations in the archive (inside the caller's transaction, before acknowledge()),
   * to send again if HQ is restored from a backup older than the acknowledgement.
   */
  archive(ids: readonly string[], now: number): void {
    const { copy } = this.archiveStatements();
    for (const id of ids) copy.run(now, id);
  }

  /** Forgets archived operations acknowledged before `before` (ms). */
  pruneArchive(before: number): number {
    return this.archiveStatements().prune.run(before).changes;
  }

  /** How many acknowledged operations the archive keeps. */
  archived(): number {
    return this.archiveStatements().count.get()!.n;
  }

  private archiveStatements() {
    this.archiveSql ??= {
      copy: this.db.prepare<[number, string]>(
        'INSERT OR IGNORE INTO outbox_archive (id, entity, entity_id, type, payload, created_at, seq, acked_at) SELECT id, entity, entity_id, type, payload, created_at, seq, ? FROM outbox WHERE id = ?',
      ),
      prune: this.db.prepare<[number]>('DELETE FROM outbox_archive WHERE acked_at < ?'),
      count: this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox_archive'),
    };
    return this.archiveSql;
  }

  /**
   * HQ was restored from a backup: every archived operation goes back into the outbox, same id and payload
   * (HQ applies each id once: what it still has is answered `duplicate`). They keep their number in the
   * outbox's order (`seq`), so they upload before the operations written since, in the order they were
   * first written. Returns how
   * many came back (an operation still in the outbox is not doubled). Runs in the caller's transaction.
   */
  requeueArchived(): number {
    const requeued = this.db
      .prepare('INSERT OR IGNORE INTO outbox (id, entity, entity_id, type, payload, created_at, seq) SELECT id, entity, entity_id, type, payload, created_at, seq FROM outbox_archive ORDER BY seq')
      .run().changes;
    if (requeued > 0) queueMicrotask(() => this.listeners.forEach((listener) => listener()));
    return requeued;
  }

  /** Removes acknowledged operations (inside the caller's transaction). */
  acknowledge(ids: readonly string[]): void {
    for (const id of ids) this.remove.run(id);
  }

  /** The operations waiting to upload, telemetry aside (see WORK), and when the oldest of them was written. */
  pending(): { count: number; oldestAt: number | null } {
    const row = this.count.get()!;
    return { count: row.n, oldestAt: row.oldest };
  }

  /** The upload queue for diagnostics: what waits, and by entity, oldest first. */
  figures(): Diagnostics['queue'] {
    const { count, oldestAt } = this.pending();
    return { pending: count, oldestAt, byEntity: this.byEntity.all() };
  }

  /** The card tokens operations waiting to upload carry (secrets a support bundle must never hold). */
  cardTokens(): string[] {
    return cardTokensIn(this.withCardToken.all());
  }

  /** Replaces each card token `reseal` gives a new form for; returns how many it replaced. */
  resealCardTokens(reseal: (token: string) => string | null): number {
    return resealCardTokensIn(this.withCardToken.all(), reseal, (payload, id) => this.setPayload.run(payload, id));
  }

  /** Called after every write that added operations (the drainer starts soon after). */
  onWrite(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Rewrites the payloads whose card token `reseal` gives a new form for; returns how many. */
export function resealCardTokensIn(rows: readonly { id: string; payload: string }[], reseal: (token: string) => string | null, update: (payload: string, id: string) => void): number {
  let count = 0;
  for (const row of rows) {
    const payload = JSON.parse(row.payload) as { cardToken?: unknown };
    if (typeof payload.cardToken !== 'string') continue;
    const resealed = reseal(payload.cardToken);
    if (resealed === null) continue;
    payload.cardToken = resealed;
    update(JSON.stringify(payload), row.id);
    count++;
  }
  return count;
}

/** The card tokens in operations' payloads (an offline card payment carries its sealed card). */
export function cardTokensIn(rows: readonly { payload: string }[]): string[] {
  const tokens: string[] = [];
  for (const row of rows) {
    const token = (JSON.parse(row.payload) as { cardToken?: unknown }).cardToken;
    if (typeof token === 'string') tokens.push(token);
  }
  return tokens;
}
