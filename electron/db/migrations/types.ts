import type { Database } from 'better-sqlite3';

/** One schema step. Never edit a migration after it has shipped; add a new one. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
