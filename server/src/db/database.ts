/**
 * Opens HQ's storage: SQLite (better-sqlite3) in a data folder by default, PostgreSQL (pg) with a
 * connection string. Both go through the same Kysely schema, queries and migrations; only the dialect
 * and a few connection settings differ here.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, type DatabaseIntrospector, type DatabaseMetadata, type SchemaMetadata, type TableMetadata, SqliteDialect, sql, type PostgresCursor, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations';
import type { HqSchema } from './schema';

export type DialectName = 'sqlite' | 'postgres';

export type StorageOptions =
  | { kind: 'sqlite'; dataDir: string }
  | {
      kind: 'postgres';
      connectionString: string;
      /** A schema to work in (created if missing); tests use one per suite so runs never collide. */
      schema?: string;
      poolSize?: number;
      /** Named (prepared) statements for the queries HQ runs over and over; on unless false. */
      preparedStatements?: boolean;
      /**
       * Where the LISTEN connection goes when the pool's connection string names a transaction-mode pooler
       * (PgBouncer), which cannot keep a LISTEN: the database server itself. Default: connectionString.
       */
      listenConnectionString?: string;
      /**
       * How feed changes get their sequence numbers: `staged` (default) numbers them after each write's
       * commit (db/feed-sequencer.ts); `append` inside the write, holding feed_state's row until its commit.
       */
      feedSequencing?: 'staged' | 'append';
    };

export interface HqDatabase {
  dialect: DialectName;
  /** Writes and transactions. */
  db: Kysely<HqSchema>;
  /** Reads that must not queue behind writes (SQLite: a second, read-only connection; PostgreSQL: the pool). */
  read: Kysely<HqSchema>;
  /** PostgreSQL only: a fresh client for LISTEN (the realtime stream across HQ instances). */
  listenClient?: () => pg.Client;
  /** PostgreSQL only: the connection pool, for its counts in GET /metrics. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/**
 * A ROLLBACK that does nothing when SQLite already rolled the transaction back itself: it does so on some
 * errors (SQLITE_FULL, SQLITE_IOERR, …), and Kysely's own ROLLBACK after one would fail with "no transaction
 * is active" and hide the error that matters (a full disk must reach the error handler as SQLITE_FULL).
 */
function rollbackIfOpen(statement: Database.Statement, db: Database.Database): Database.Statement {
  return new Proxy(statement, {
    get(target, prop, receiver) {
      if (prop !== 'run') return Reflect.get(target, prop, receiver);
      return (...args: unknown[]) => (db.inTransaction ? target.run(...args) : { changes: 0, lastInsertRowid: 0 });
    },
  });
}

/** Kysely prepares every statement it runs; SQLite keeps the compiled ones here so a hot query is parsed once. */
function withStatementCache(db: Database.Database, size = 500): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') return Reflect.get(target, prop, receiver);
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          statement = /^\s*rollback\s*$/i.test(source) ? rollbackIfOpen(prepare(source), target) : prepare(source);
          if (cache.size >= size) cache.delete(cache.keys().next().value as string);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

function openSqlite(dataDir: string): HqDatabase {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'hq.db');
  const writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  // FULL: an acknowledged push survives a power cut, not only a crash of the process.
  writer.pragma('synchronous = FULL');
  writer.pragma('foreign_keys = ON');
  writer.pragma('busy_timeout = 5000');
  const reader = new Database(file, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  const db = new Kysely<HqSchema>({ dialect: new SqliteDialect({ database: withStatementCache(writer) }) });
  const read = new Kysely<HqSchema>({ dialect: new SqliteDialect({ database: withStatementCache(reader) }) });
  return {
    dialect: 'sqlite',
    db,
    read,
    async close() {
      await read.destroy();
      await db.destroy();
    },
  };
}

/** bigint columns hold milliseconds and minor units, well inside 2^53: read them as numbers. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Statements named per connection at most (each keeps a plan on the server for the connection's life). */
export const PREPARED_PER_CONNECTION = 500;
/** Longer parameter lists (a large IN list, a many-row INSERT) run unnamed: their texts vary with the batch. */
export const PREPARED_MAX_PARAMS = 64;

/**
 * PostgreSQL parses and plans a named statement once per connection, then only binds and runs it. Kysely
 * sends every query as text with parameters, so each client it takes from the pool names its query by a
 * hash of the text: the same SQL is the same name on that connection, and a text that differs can never
 * reuse another's name. A connection names at most PREPARED_PER_CONNECTION texts, each with at most
 * PREPARED_MAX_PARAMS parameters; the rest run as before, so variable IN lists cannot make the server keep
 * plans without bound. The names live as long as the connection (a connection the pool drops takes them).
 */
export function preparingPool(pool: pg.Pool, perConnection = PREPARED_PER_CONNECTION, maxParams = PREPARED_MAX_PARAMS): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const known = new Set<string>();
    function query<R>(sqlText: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
      const values = [...(parameters ?? [])];
      const name = `k${crypto.createHash('sha1').update(sqlOrCursor).digest('base64url').slice(0, 22)}`;
      if (!known.has(name) && (known.size >= perConnection || values.length > maxParams)) return client.query(sqlOrCursor, values) as unknown as Promise<PostgresQueryResult<R>>;
      known.add(name);
      return client.query({ name, text: sqlOrCursor, values }) as unknown as Promise<PostgresQueryResult<R>>;
    }
    return { query, release: () => client.release() };
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let connection = wrapped.get(client);
      if (!connection) wrapped.set(client, (connection = wrap(client)));
      return connection;
    },
    end: () => pool.end(),
  };
}

/**
 * Kysely's PostgreSQL introspection (which its migrator uses to see whether its own tables exist) reads
 * every table of every schema of the database, and fails when another schema is dropped while it reads.
 * HQ only ever asks about its own schema, the first of the search_path, so it reads that one alone.
 */
class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`SELECT current_schema() AS name`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      SELECT c.relname AS name, n.nspname AS schema, c.relkind AS kind FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p')`.execute(this.db);
    return rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}

function openPostgres(options: Extract<StorageOptions, { kind: 'postgres' }>): HqDatabase {
  const schemaOption = options.schema ? { options: `-c search_path=${options.schema}` } : {};
  const config: pg.ClientConfig = { connectionString: options.connectionString, types: pgTypes, ...schemaOption };
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
  // An idle client that loses its server must not crash HQ; the next query gets a new one.
  pool.on('error', () => {});
  const db = new Kysely<HqSchema>({ dialect: new OwnSchemaPostgresDialect({ pool: options.preparedStatements === false ? pool : preparingPool(pool) }) });
  return {
    dialect: 'postgres',
    db,
    read: db,
    listenClient: () => new pg.Client(options.listenConnectionString ? { ...config, connectionString: options.listenConnectionString } : config),
    pool,
    async close() {
      await db.destroy();
    },
  };
}

export class MigrationFailedError extends Error {
  constructor(cause: unknown) {
    super(`HQ could not bring its database up to date (${cause instanceof Error ? cause.message : String(cause)}). Nothing was served; fix the database or restore a backup, then start HQ again.`, { cause });
    this.name = 'MigrationFailedError';
  }
}

/** Opens the storage and runs every pending migration. */
export async function openHqDatabase(options: StorageOptions): Promise<HqDatabase> {
  if (options.kind === 'postgres' && options.schema) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) throw new Error(`Not a usable PostgreSQL schema name: ${options.schema}`);
    const admin = new pg.Client({ connectionString: options.connectionString });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    } finally {
      await admin.end();
    }
  }
  const hqDb = options.kind === 'sqlite' ? openSqlite(options.dataDir) : openPostgres(options);
  let error: unknown;
  try {
    const migrationTableSchema = await currentSchema(hqDb);
    ({ error } = await new Migrator({ db: hqDb.db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) }).migrateToLatest());
  } catch (cause) {
    error = cause;
  }
  if (error) {
    await hqDb.close();
    throw new MigrationFailedError(error);
  }
  return hqDb;
}

/**
 * PostgreSQL: the schema HQ's tables live in (the first of the search_path). Kysely's migrator looks for
 * its own tables in every schema of the database unless told which one, so without it a second HQ (or
 * anything else migrated with Kysely) in another schema of the same database makes it skip creating
 * them, and start-up fails.
 */
async function currentSchema(hqDb: HqDatabase): Promise<string | undefined> {
  if (hqDb.dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(hqDb.db);
  return rows[0]?.schema ?? undefined;
}

/** A cheap round trip to the database, for `GET /health`. */
export async function ping(hqDb: HqDatabase): Promise<void> {
  await sql`SELECT 1`.execute(hqDb.read);
}
