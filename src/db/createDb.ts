import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Dialect = DatabaseConfig['dialect'];

/** How long SQLite waits on a lock held by another connection before giving up. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * `onIdleError`: a pooled PostgreSQL connection that breaks while idle (a server restart, an
 * administrator's termination) is reported here and replaced on next use, rather than crashing the
 * process as an unhandled 'error' event would.
 */
export function createDb(config: DatabaseConfig, onIdleError: (error: Error) => void = () => undefined): Db {
  if (config.dialect === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const sqlite = new SqliteDatabase(config.path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    sqlite.pragma('synchronous = NORMAL');
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  // COUNT(*) and SUM() come back from PostgreSQL as bigint text; the code converts with Number().
  const pool = new pg.Pool({ connectionString: config.url, max: 10 });
  pool.on('error', onIdleError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}
