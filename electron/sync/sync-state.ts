import type { KassaDatabase } from '../db/open';

/** Small named values of the sync engine (lastSeq, lastSyncAt, lastError, the drain lease), in the register database. */
export class SyncState {
  private readonly read;
  private readonly write;
  private readonly remove;

  constructor(db: KassaDatabase) {
    this.read = db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?');
    this.write = db.prepare<[string, string]>('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.remove = db.prepare<[string]>('DELETE FROM sync_state WHERE key = ?');
  }

  get<T>(key: string): T | null {
    const row = this.read.get(key);
    return row ? (JSON.parse(row.value) as T) : null;
  }

  set(key: string, value: unknown): void {
    if (value === null || value === undefined) this.remove.run(key);
    else this.write.run(key, JSON.stringify(value));
  }
}
