import { v7 as uuidv7 } from 'uuid';
import type { ConnectivityLogEntry, ConnectivityReason } from '../../shared/api';
import type { ConnectivityTransitionPayload } from '../../shared/hq/ops';
import type { KassaDatabase } from '../db/open';
import type { Outbox } from '../sync/outbox';

interface Row {
  id: number;
  at: number;
  from_state: ConnectivityLogEntry['from'];
  to_state: ConnectivityLogEntry['to'];
  from_reasons: string;
  reasons: string;
  trigger: string;
  user: string | null;
  detail: string | null;
}

export type NewLogEntry = Omit<ConnectivityLogEntry, 'id'>;

/**
 * Every change of the till's connectivity, append-only (the table refuses updates and deletes). With an
 * outbox (a register that has an HQ), each change is also an operation for HQ's fleet timeline, written in
 * the same transaction as its row: a logged change always reaches HQ, once, and HQ never hears of one the
 * log lost. Those operations are telemetry (TELEMETRY_ENTITIES): they never count as work waiting.
 */
export class TransitionLog {
  private readonly insert;
  private readonly page;

  constructor(
    db: KassaDatabase,
    private readonly outbox: Pick<Outbox, 'write'> | null = null,
  ) {
    this.insert = db.prepare<[number, string, string, string, string, string, string | null, string | null, string]>(
      'INSERT INTO connectivity_log (at, from_state, to_state, from_reasons, reasons, trigger, user, detail, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.page = db.prepare<[number, number], Row>('SELECT * FROM connectivity_log WHERE id < ? ORDER BY id DESC LIMIT ?');
  }

  append(entry: NewLogEntry): void {
    const uid = uuidv7();
    const insert = () => this.insert.run(entry.at, entry.from, entry.to, JSON.stringify(entry.fromReasons), JSON.stringify(entry.reasons), entry.trigger, entry.user, entry.detail, uid);
    if (!this.outbox) {
      insert();
      return;
    }
    const payload: ConnectivityTransitionPayload = {
      id: uid,
      at: new Date(entry.at).toISOString(),
      from: entry.from,
      to: entry.to,
      reasons: [...entry.reasons],
      trigger: entry.trigger.slice(0, 64),
      // HQ keeps a name of at most 80 characters; a longer display name is cut rather than refused.
      switchedBy: entry.user === null ? null : entry.user.slice(0, 80),
    };
    this.outbox.write(() => {
      insert();
      return { result: undefined, operations: [{ entity: 'connectivityTransition', entityId: uid, type: 'recorded', payload }] };
    });
  }

  /** Newest first. */
  list(limit: number, beforeId = Number.MAX_SAFE_INTEGER): ConnectivityLogEntry[] {
    return this.page.all(beforeId, limit).map((row) => ({
      id: row.id,
      at: row.at,
      from: row.from_state,
      to: row.to_state,
      fromReasons: JSON.parse(row.from_reasons) as ConnectivityReason[],
      reasons: JSON.parse(row.reasons) as ConnectivityReason[],
      trigger: row.trigger,
      user: row.user,
      detail: row.detail,
    }));
  }
}
