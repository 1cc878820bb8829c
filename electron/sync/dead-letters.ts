import type { KassaDatabase } from '../db/open';
import { cardTokensIn, resealCardTokensIn, type OutboxOperation } from './outbox';

export interface DeadLetter {
  id: string;
  entity: string;
  entityId: string;
  type: string;
  payload: unknown;
  createdAt: number;
  code: string;
  message: string;
  rejectedAt: number;
}

/** A dead letter without its payload (it holds customers' and cards' data): what a support bundle shows. */
export type DeadLetterSummary = Omit<DeadLetter, 'payload'>;

interface Row {
  id: string;
  entity: string;
  entity_id: string;
  type: string;
  payload: string;
  created_at: number;
  code: string;
  message: string;
  rejected_at: number;
}

/** Operations HQ rejected, with its reason; never dropped without a manager's logged decision. */
export class DeadLetters {
  private readonly insert;
  private readonly all;
  private readonly one;
  private readonly counted;
  private readonly remove;
  private readonly backToOutbox;
  private readonly decide;
  private readonly summaryRows;
  private readonly withCardToken;
  private readonly setPayload;

  constructor(db: KassaDatabase) {
    this.insert = db.prepare<[string, string, string, string, string, number, string, string, number]>(
      'INSERT OR REPLACE INTO dead_letters (id, entity, entity_id, type, payload, created_at, code, message, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.all = db.prepare<[], Row>('SELECT * FROM dead_letters ORDER BY rejected_at, id');
    this.one = db.prepare<[string], Row>('SELECT * FROM dead_letters WHERE id = ?');
    this.counted = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dead_letters');
    this.remove = db.prepare<[string]>('DELETE FROM dead_letters WHERE id = ?');
    this.backToOutbox = db.prepare<[string]>(
      'INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) SELECT id, entity, entity_id, type, payload, created_at FROM dead_letters WHERE id = ?',
    );
    this.decide = db.prepare<[string, string, string, string, number]>(
      'INSERT INTO dead_letter_decisions (operation_id, decision, manager, payload, at) VALUES (?, ?, ?, ?, ?)',
    );
    this.summaryRows = db.prepare<[], DeadLetterSummary>(
      'SELECT id, entity, entity_id AS entityId, type, code, message, created_at AS createdAt, rejected_at AS rejectedAt FROM dead_letters ORDER BY rejected_at',
    );
    this.withCardToken = db.prepare<[], { id: string; payload: string }>("SELECT id, payload FROM dead_letters WHERE payload LIKE '%cardToken%'");
    this.setPayload = db.prepare<[string, string]>('UPDATE dead_letters SET payload = ? WHERE id = ?');
  }

  /** Inside the drainer's transaction: the operation leaves the outbox for this list. */
  add(op: OutboxOperation, code: string, message: string, now: number): void {
    this.insert.run(op.id, op.entity, op.entityId, op.type, op.payload, op.createdAt, code, message, now);
  }

  list(): DeadLetter[] {
    return this.all.all().map(toDeadLetter);
  }

  /** Every dead letter without its payload, oldest rejection first. */
  summaries(): DeadLetterSummary[] {
    return this.summaryRows.all();
  }

  /** The card tokens rejected operations carry (secrets a support bundle must never hold). */
  cardTokens(): string[] {
    return cardTokensIn(this.withCardToken.all());
  }

  /** Replaces each card token `reseal` gives a new form for; returns how many it replaced. */
  resealCardTokens(reseal: (token: string) => string | null): number {
    return resealCardTokensIn(this.withCardToken.all(), reseal, (payload, id) => this.setPayload.run(payload, id));
  }

  /** How many there are (for the status bar, which asks often): counted, never read and redacted. */
  count(): number {
    return this.counted.get()!.n;
  }

  get(id: string): DeadLetter | undefined {
    const row = this.one.get(id);
    return row ? toDeadLetter(row) : undefined;
  }

  /** Puts the operation back in the outbox (same id, so HQ still applies it at most once). */
  retry(id: string, manager: string, now: number): void {
    const row = this.one.get(id);
    if (!row) return;
    this.backToOutbox.run(id);
    this.remove.run(id);
    this.decide.run(id, 'retry', manager, redact(row.payload), now);
  }

  /** Drops the operation for good; the decision, the manager and the payload are kept in the log. */
  discard(id: string, manager: string, now: number): void {
    const row = this.one.get(id);
    if (!row) return;
    this.remove.run(id);
    this.decide.run(id, 'discard', manager, redact(row.payload), now);
  }
}

/**
 * A card token never leaves the outbox: a sealed one is shown and logged as `sealed` (its last characters
 * are ciphertext, meaningless to a person), a card number stored before sealing as its last four digits.
 */
function redact(payload: string): string {
  const parsed = JSON.parse(payload) as Record<string, unknown>;
  if (typeof parsed.cardToken === 'string') parsed.cardToken = parsed.cardToken.startsWith('v1.') ? 'sealed' : `••••${parsed.cardToken.slice(-4)}`;
  return JSON.stringify(parsed);
}

function toDeadLetter(row: Row): DeadLetter {
  return {
    id: row.id,
    entity: row.entity,
    entityId: row.entity_id,
    type: row.type,
    payload: JSON.parse(redact(row.payload)) as unknown,
    createdAt: row.created_at,
    code: row.code,
    message: row.message,
    rejectedAt: row.rejected_at,
  };
}
