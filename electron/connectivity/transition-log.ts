import type { ConnectivityLogEntry, ConnectivityReason } from '../../shared/api';
import type { KassaDatabase } from '../db/open';

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

/** Every change of the till's connectivity, append-only (the table refuses updates and deletes). */
export class TransitionLog {
  private readonly insert;
  private readonly page;

  constructor(db: KassaDatabase) {
    this.insert = db.prepare<[number, string, string, string, string, string, string | null, string | null]>(
      'INSERT INTO connectivity_log (at, from_state, to_state, from_reasons, reasons, trigger, user, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.page = db.prepare<[number, number], Row>('SELECT * FROM connectivity_log WHERE id < ? ORDER BY id DESC LIMIT ?');
  }

  append(entry: NewLogEntry): void {
    this.insert.run(entry.at, entry.from, entry.to, JSON.stringify(entry.fromReasons), JSON.stringify(entry.reasons), entry.trigger, entry.user, entry.detail);
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
